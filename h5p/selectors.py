"""Reads of H5P activities, results, states, statements and their forwarding to a Learning Record
Store; a learner sees only their own."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from wagtail.models import Page

from .hosts import ActivityHost
from .models import H5PActivity, H5PResult, H5PState, H5PStatement, LRSDelivery


def activity_on_page(*, request, page_id: int, activity_id: int) -> tuple[Page, H5PActivity]:
    """The live lesson `page_id` and the activity `activity_id` that it embeds, if the visitor
    may read the lesson; otherwise 404 (unknown page, activity not on it) or 403 (a course for
    adults, or a restricted page)."""
    page = Page.objects.live().filter(pk=page_id).specific().first()
    if not isinstance(page, ActivityHost) or activity_id not in page.embedded_h5p_activity_ids():
        raise Http404
    for restriction in page.get_view_restrictions():
        if not restriction.accept_request(request):
            raise PermissionDenied
    if page.refuses_h5p_player(request):
        raise PermissionDenied
    activity = H5PActivity.objects.filter(pk=activity_id).first()
    if activity is None:
        raise Http404
    return page, activity


def state_of(*, learner, activity: H5PActivity) -> str | None:
    if not learner.is_authenticated:
        return None
    return H5PState.objects.filter(learner=learner, activity=activity).values_list("data", flat=True).first()


def results_for(*, learner) -> list[H5PResult]:
    """A learner's H5P results, newest first, with their activities (one query)."""
    return list(H5PResult.objects.filter(learner=learner).select_related("activity").order_by("-updated_at"))


def statements_for_export(*, courses=(), learner_ids=None, since=None, until=None):
    """Kept H5P statements, oldest first, with their lessons: of lessons under any of `courses`
    (a course's translations are separate pages: pass them all), of `learner_ids` if given, and
    received on or after the date `since` and on or before the date `until`."""
    statements = H5PStatement.objects.select_related("page").order_by("received_at", "pk")
    if courses:
        under = Q()
        for course in courses:
            under |= Q(page__path__startswith=course.path, page__depth__gt=course.depth)
        statements = statements.filter(under)
    if learner_ids is not None:
        statements = statements.filter(learner_id__in=learner_ids)
    if since is not None:
        statements = statements.filter(received_at__date__gte=since)
    if until is not None:
        statements = statements.filter(received_at__date__lte=until)
    return statements


def lrs_dead_letters():
    """Statements the LRS has not taken and that are no longer tried, the latest failure first,
    with their activities (for the admin's list; one query a page)."""
    return (
        LRSDelivery.objects.filter(state=LRSDelivery.State.DEAD)
        .select_related("statement__activity")
        .order_by("-last_attempt_at", "-pk")
    )


def lrs_counts() -> dict[str, int]:
    """How many deliveries are in each state (one query)."""
    counts = dict.fromkeys(LRSDelivery.State.values, 0)
    counts.update(LRSDelivery.objects.values_list("state").annotate(n=Count("pk")).order_by())
    return counts
