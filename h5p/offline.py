"""Receiving an xAPI statement that a lesson's H5P player made offline and the device sent later,
with the pupil's offline pass (checked by the shell's endpoint: the request's user is the pass's
pupil, never the session's). Read and recorded as the player's own statements are
(`services.statement_read`, `services.statement_record`): once per statement id, so a replay
records nothing more."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext, pgettext

from accounts.offline import Received, Refused, Status
from progress.services import ProgressNotRecorded

from . import selectors, services


def statement_receive(
    *, request, page_id: int, activity_id: int, key: uuid.UUID, data: dict, answered_at: datetime
) -> Received:
    """The statement `data` (its id is the item's `key`) about `activity_id` on the lesson
    `page_id`, made at `answered_at` by the request's user."""
    try:
        page, activity = selectors.activity_on_page(request=request, page_id=page_id, activity_id=activity_id)
    except Http404:
        raise Refused(
            pgettext("to a child", "This activity is no longer on its lesson, so what you did there cannot be sent."),
            404,
        ) from None
    except PermissionDenied:
        raise Refused(
            pgettext("to a child", "You may not open this page any more, so what you did there cannot be sent.")
        ) from None
    # The player's own statements are bounded by their body (views.h5p_statement); here the
    # statement is read again as the player wrote it (JSON.stringify: compact, characters as
    # they are), within the same bound.
    try:
        written = len(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode())
    except (ValueError, RecursionError):  # absurd nesting
        written = settings.H5P_STATEMENT_MAX_BYTES + 1
    if written > settings.H5P_STATEMENT_MAX_BYTES:
        raise Refused(
            pgettext(
                "to a child",
                "What you did in “%(title)s” was too large to be sent, so it was not saved. "
                "Play the activity again when you are online.",
            )
            % {"title": activity.title},
            400,
        )
    try:
        statement = services.statement_read(data)
        if statement.id != key:
            raise services.StatementRefused("its id is not the item's key")
        _result, new = services.statement_record(
            learner=request.user, activity=activity, page=page, statement=statement, answered_at=answered_at
        )
    except (ValueError, RecursionError) as error:  # StatementRefused, absurd nesting
        raise Refused(gettext("The statement was refused: %(reason)s.") % {"reason": error}, 400) from None
    except ProgressNotRecorded:
        return Received(
            Status.NOT_STORED,
            gettext("Your progress cannot be saved yet: your teacher first records your family's consent."),
        )
    return Received(
        Status.RECORDED if new else Status.REPLAY,
        pgettext("to a child", "What you did in “%(title)s” is saved.") % {"title": activity.title},
    )
