"""Receiving a quiz answered offline and sent later. The form's token, signed by the site when
the pupil's quiz page was drawn (and kept on the device), names the pupil, the quiz, the phase and
the attempt's key: it is the item's signature (`sender`), accepted for `OFFLINE_PASS_DAYS`
instead of the page's day. The answers are read exactly as the page's form reads them
(`quizzes.sent`), graded and recorded by `services.attempt_submit`, whose key makes a replay
record nothing more."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.core import signing
from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext

from accounts.models import Role, User
from accounts.offline import Received, Refused, Sender, Status, too_old, window
from courses.offline import step_for
from progress.services import ProgressNotRecorded

from . import services
from .grading import AnswerError
from .masking import Mask
from .models import Phase, QuizPage
from .sent import TOKEN_SALT, StaleForm, layout, read_sent, read_token


def _token_value(fields: list[tuple[str, str]]) -> str:
    return next((value for name, value in fields if name == "token"), "")


def _changed() -> str:
    return pgettext(
        "to a child",
        "This quiz changed after it was saved on this device, so these answers cannot be marked. "
        "Open the quiz again and answer it.",
    )


def sender(*, fields: list[tuple[str, str]]) -> Sender:
    """The pupil whose form this is, from its token: refused (403) when the site did not sign
    it, it was signed more than `OFFLINE_PASS_DAYS` ago, or its account is no longer an active
    pupil's."""
    not_yours = pgettext("to a child", "These answers are not from your sign-in, so they cannot be sent.")
    value = _token_value(fields)
    if not value:
        raise Refused(_changed(), 400)
    try:
        claims = signing.loads(value, salt=TOKEN_SALT, max_age=window())
    except signing.SignatureExpired:
        raise Refused(too_old()) from None
    except signing.BadSignature:
        raise Refused(not_yours) from None
    learner = User.objects.filter(pk=claims.get("user"), role=Role.PUPIL, is_active=True).first()
    try:
        signed_at = datetime.fromisoformat(claims["started"])
    except (KeyError, TypeError, ValueError):
        learner = None
    if learner is None:
        raise Refused(not_yours)
    return Sender(learner=learner, signed_at=signed_at)


def quiz_receive(*, request, page_id: int, fields: list[tuple[str, str]], answered_at: datetime) -> Received:
    """The quiz form `fields` (its token and answers, in the attempt's opaque names), answered at
    `answered_at` by the request's user, the pupil its token names: graded and recorded once."""
    learner = request.user
    quiz, course = step_for(request, page_id=page_id, page_type=QuizPage)
    value = _token_value(fields)
    claims = signing.loads(value, salt=TOKEN_SALT)  # checked by `sender`
    phase = claims.get("phase", Phase.QUIZ)
    if claims.get("quiz") != quiz.translation_key.hex or claims.get("user") != learner.pk:
        raise Refused(pgettext("to a child", "These answers are not from this quiz, so they cannot be sent."))
    try:
        token = read_token(
            quiz=quiz, value=value, user_pk=learner.pk, phase=phase, max_age=int(window().total_seconds())
        )
    except (StaleForm, AnswerError):
        raise Refused(_changed(), 409) from None
    key = token["key"]
    questions = services.questions_of(quiz, key=key, phase=phase)
    data = QueryDict(mutable=True)
    for name, sent in fields:
        data.appendlist(name, sent)
    mask = Mask(key)
    try:
        answers = read_sent(questions, data, mask)
        attempt, created = services.attempt_submit(
            learner=learner,
            quiz=quiz,
            submission_key=uuid.UUID(key),
            answers=answers,
            layout=layout(questions, mask),
            started_at=datetime.fromisoformat(token["started"]),
            submitted_at=answered_at,
            phase=phase,
        )
    except AnswerError:
        raise Refused(_changed(), 409) from None
    except services.AttemptsUsedUp:
        raise Refused(gettext("You have used every attempt this quiz allows."), 409) from None
    except services.CoolingDown as wait:
        raise Refused(_wait(quiz, wait.until), 409) from None
    except services.PrecheckClosed:
        raise Refused(
            pgettext("to a child", "You started the lessons before these answers arrived, so they are not needed."),
            409,
        ) from None
    except ProgressNotRecorded:
        return Received(
            Status.NOT_STORED,
            gettext("Your progress cannot be saved yet: your teacher first records your family's consent."),
        )
    status = Status.RECORDED if created else Status.REPLAY
    if attempt.phase == Phase.BEFORE:
        message = pgettext("to a child", "Your answers to “%(title)s” were received.") % {"title": quiz.title}
        return Received(status, message)
    outline = course.outline(request)
    position = outline.position(quiz.pk)
    quiz_url = outline.steps[position].url if position is not None else quiz.url
    return Received(
        status,
        pgettext("to a child", "Your answers to “%(title)s” were marked. Open the result to see how you did.")
        % {"title": quiz.title},
        url=quiz_url + quiz.reverse_subpage("result", kwargs={"attempt_id": attempt.pk}),
    )


def _wait(quiz, until) -> str:
    return pgettext(
        "to a child",
        "You did not pass this quiz %(count)s times in a row, so these answers were not marked. "
        "Read the lessons again; the quiz opens again from %(time)s.",
    ) % {
        "count": quiz.cooldown_after_failures,
        "time": formats.date_format(timezone.localtime(until), "DATETIME_FORMAT"),
    }
