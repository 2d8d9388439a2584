"""Receiving a quiz answered offline and sent later. The form's token, signed by the site when
the pupil's quiz page was drawn (and kept on the device), names the pupil, the quiz, the phase and
the attempt's key: it is the item's signature (`sender`), accepted for `OFFLINE_PASS_DAYS`
instead of the page's day; the shell's endpoint also requires the pupil's offline pass, which
binds the saved form to their credential. The answers are read exactly as the page's form reads them
(`quizzes.sent`), graded and recorded by `services.attempt_submit`, whose key makes a replay
record nothing more; other answers under a key already used are refused, never lost silently."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
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
    if phase == Phase.BEFORE and not quiz.offers_precheck:
        # As the page itself (views.quiz.take_precheck): the editor no longer offers the check.
        raise Refused(
            pgettext(
                "to a child",
                "This quiz no longer has a check before the lessons, so these answers are not needed.",
            ),
            404,
        )
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
    if not created and attempt.submission_key == uuid.UUID(key) and not _same(attempt.answers, answers):
        # The key was used already, for other answers: a quiz answered twice from one saved copy,
        # or a saved copy whose key the next attempt online took. A replay would lose these
        # answers without a word; the pupil answers again on a fresh copy instead.
        raise Refused(
            pgettext(
                "to a child",
                "These answers came from an older copy of the quiz, which was already sent. "
                "Open the quiz again and answer it.",
            ),
            409,
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


def _same(kept: dict, sent: dict) -> bool:
    """Whether the answers `sent` are those of the attempt (`kept`, as its JSON field holds them)."""
    return kept == json.loads(json.dumps(sent, cls=DjangoJSONEncoder))


def _wait(quiz, until) -> str:
    return pgettext(
        "to a child",
        "You did not pass this quiz %(count)s times in a row, so these answers were not marked. "
        "Read the lessons again; the quiz opens again from %(time)s.",
    ) % {
        "count": quiz.cooldown_after_failures,
        "time": formats.date_format(timezone.localtime(until), "DATETIME_FORMAT"),
    }
