"""Reads of quiz attempts and H5P results; a learner sees only their own."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from wagtail.models import Page

from courses.models import LessonPage

from .models import H5PActivity, H5PResult, H5PState, H5PStatement, QuizAttempt


def attempt_for_learner(*, learner, quiz, attempt_id: int) -> QuizAttempt:
    """The learner's own attempt at this quiz (in any of its languages), or 404: another
    person's attempt is indistinguishable from one that does not exist."""
    if not learner.is_authenticated:
        raise Http404
    attempt = (
        QuizAttempt.objects.filter(pk=attempt_id, learner=learner, quiz__translation_key=quiz.translation_key)
        .select_related("quiz")
        .first()
    )
    if attempt is None:
        raise Http404
    return attempt


def attempts_of(*, learner, quiz, limit: int = 5) -> list[QuizAttempt]:
    if not learner.is_authenticated:
        return []
    return list(
        QuizAttempt.objects.filter(learner=learner, quiz__translation_key=quiz.translation_key)
        .only("pk", "submitted_at", "percent", "passed", "quiz_id")
        .order_by("-submitted_at")[:limit]
    )


def h5p_activity_on_page(*, request, page_id: int, activity_id: int) -> tuple[Page, H5PActivity]:
    """The live lesson `page_id` and the activity `activity_id` that it embeds, if the visitor
    may read the lesson; otherwise 404 (unknown page, activity not on it) or 403 (a course for
    adults, or a restricted page)."""
    page = Page.objects.live().filter(pk=page_id).specific().first()
    if not isinstance(page, LessonPage) or activity_id not in page.embedded_h5p_activity_ids():
        raise Http404
    for restriction in page.get_view_restrictions():
        if not restriction.accept_request(request):
            raise PermissionDenied
    if page.course.check_access(request) is not None:
        raise PermissionDenied
    activity = H5PActivity.objects.filter(pk=activity_id).first()
    if activity is None:
        raise Http404
    return page, activity


def h5p_state_of(*, learner, activity: H5PActivity) -> str | None:
    if not learner.is_authenticated:
        return None
    return H5PState.objects.filter(learner=learner, activity=activity).values_list("data", flat=True).first()


def h5p_results_for(*, learner) -> list[H5PResult]:
    """A learner's H5P results, newest first, with their activities (one query)."""
    return list(H5PResult.objects.filter(learner=learner).select_related("activity").order_by("-updated_at"))


def h5p_statements_for_export(*, courses=(), learner_ids=None, since=None, until=None):
    """Kept H5P statements, oldest first, with their lessons: of lessons under any of `courses`
    (a course's translations are separate pages: pass them all), of `learner_ids` if given, and
    received on or after the date `since` and on or before the date `until`."""
    from django.db.models import Q

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
