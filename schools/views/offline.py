"""The lists that "Save on this device" fetches (schools.offline): a class's, for its teachers and
its school's leader, and a pupil's own class's. JSON, never kept by a browser or a proxy."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from .. import offline, selectors
from .staff import staff_required


def _private(data: dict) -> JsonResponse:
    response = JsonResponse(data)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@staff_required
def classroom_offline(request, classroom_id: int):
    """What saving the class on a device fetches (an archived class saves nothing)."""
    classroom = selectors.classroom_for_staff(user=request.user, classroom_id=classroom_id)
    return _private(offline.save_list(classroom=classroom, request=request))


@require_GET
def my_modules_offline(request):
    """What saving the signed-in pupil's class fetches, their own pages with it; 404 for anyone
    else (an adult, a visitor) and for a pupil without a class."""
    user = request.user
    if not (user.is_authenticated and user.is_pupil):
        raise Http404
    classroom = selectors.classroom_of_pupil(user, with_school=False)
    if classroom is None:
        raise Http404
    return _private(offline.save_list(classroom=classroom, request=request, learner=user))
