"""Receiving work a pupil did offline on a course's pages: a lesson's "I've finished", pressed
without a connection and sent later (`finish_receive`); and the check, for every kind of queued
item, that its pupil may read the page it is about (`step_for`). The sender (an offline pass, or
a quiz form's token) is checked by the shell's endpoint before (`accounts.offline`); the request's
user is that pupil, never the session's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext, pgettext
from wagtail.models import Page

from accounts.offline import Received, Refused, Status
from progress import selectors as progress_selectors
from progress import services as progress_services

from .models import LessonPage


def step_for(request, *, page_id, page_type: type[Page]):
    """The live page `page_id` of `page_type` (a lesson, a quiz) and its course, if the request's
    user may read it, as they would online; otherwise Refused (404: gone; 403: not theirs to read)."""
    page = page_type.objects.live().filter(pk=page_id).first() if isinstance(page_id, int) else None
    if page is None:
        gone = pgettext("to a child", "This page is no longer on the site, so what you did there cannot be sent.")
        raise Refused(gone, 404)
    course = page.course_for(request)
    try:
        denied = course.check_access(request)
    except PermissionDenied:
        denied = True
    if denied or not all(restriction.accept_request(request) for restriction in page.get_view_restrictions()):
        closed = pgettext("to a child", "You may not open this page any more, so what you did there cannot be sent.")
        raise Refused(closed)
    return page, course


def finish_receive(*, request, page_id: int, finished_at: datetime, skipped: Sequence[str] = ()) -> Received:
    """A lesson finished offline by the request's user: recorded once, at `finished_at`, as the
    lesson's "I've finished" form does: its required H5P activities done first (the device sends
    their statements before), except those the device's player could not play (`skipped`: their
    ids, or "all"; reported by the browser, as the online form's `h5p_skipped`).

    A lesson already finished answers a replay before anything else is checked: a finish whose
    answer was lost on the way is never refused when it comes again."""
    learner = request.user
    lesson, course = step_for(request, page_id=page_id, page_type=LessonPage)
    message = pgettext("to a child", "“%(title)s” is finished. Your progress is saved.") % {"title": lesson.title}
    stores = learner.may_store_learning_data
    if stores and progress_selectors.step_is_complete(learner=learner, page=lesson):
        return Received(Status.REPLAY, message, url=course.url)
    unmet = lesson.unmet_activities(learner, skipped=list(skipped)) if stores else []
    if unmet:
        names = ", ".join(f"“{activity.title}”" for activity in unmet)
        raise Refused(
            pgettext("to a child", "First finish the activity %(names)s, then press the button again.")
            % {"names": names},
            409,
        )
    try:
        _record, newly = progress_services.step_complete(learner=learner, page=lesson, completed_at=finished_at)
    except progress_services.ProgressNotRecorded:
        return Received(
            Status.NOT_STORED,
            gettext("Your progress cannot be saved yet: your teacher first records your family's consent."),
        )
    return Received(Status.RECORDED if newly else Status.REPLAY, message, url=course.url)
