"""A quiz form as it is sent: its signed token (who opened it, the quiz, the phase, the attempt's
key, when) and its answers read back from the attempt's opaque names. One reading for the page's
form (`quizzes.views.quiz`) and for a form answered offline and sent later (`quizzes.offline`),
which differ only in how old a token may be."""

from __future__ import annotations

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from .grading import AnswerError, read_answers
from .masking import Mask, unmask
from .models import Phase
from .questions import of as question_type

TOKEN_SALT = "quizzes.form"
TOKEN_MAX_AGE = 60 * 60 * 24  # a form left open overnight still submits the next day

# Tokens of masked forms (quizzes.masking) say so; one without it comes from a form drawn before.
TOKEN_VERSION = 2


def sign_token(*, user_pk: int | None, quiz, key: str, phase: str = Phase.QUIZ) -> str:
    """A form's signed token: who opened it, the quiz, the phase, the attempt's key, and when."""
    return signing.dumps(
        {
            "user": user_pk,
            "quiz": quiz.translation_key.hex,
            "key": key,
            "started": timezone.now().isoformat(),
            "v": TOKEN_VERSION,
            "phase": phase,
        },
        salt=TOKEN_SALT,
    )


class StaleForm(AnswerError):
    """A form that cannot be taken as it is (opened too long ago, another quiz's or phase's or
    reader's) but whose names can be read with `key`, to show its answers again under a new
    token, with the reader's own key."""

    def __init__(self, messages: list[str], key: str | None):
        super().__init__(messages)
        self.key = key


def key_of(token: str) -> str:
    return signing.loads(token, salt=TOKEN_SALT)["key"]


def read_token(*, quiz, value: str, user_pk: int | None, phase: str = Phase.QUIZ, max_age: int = TOKEN_MAX_AGE) -> dict:
    """The token of a form of `quiz` in `phase` opened by the user `user_pk` at most `max_age`
    seconds ago. Raises StaleForm (readable, not to be taken) or AnswerError (not ours at all)."""

    def ours(token: dict) -> bool:
        # This quiz's form, in this phase, opened by this reader (another account's form would
        # let one person choose among several accounts' draws).
        return (
            token.get("quiz") == quiz.translation_key.hex
            and token.get("phase", Phase.QUIZ) == phase
            and token.get("user") == user_pk
        )

    not_ours = _("The answers do not belong to this quiz. Reload the quiz and answer it again.")
    try:
        token = signing.loads(value, salt=TOKEN_SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        token = signing.loads(value, salt=TOKEN_SALT)
        message = _("This quiz was opened more than a day ago. Your answers are below: send them again.")
        raise StaleForm([message if ours(token) else not_ours], key=token["key"]) from error
    except signing.BadSignature as error:
        raise AnswerError([not_ours]) from error
    if token.get("v") != TOKEN_VERSION:
        raise StaleForm(
            [_("This quiz's form has changed since you opened it. Your answers are below: send them again.")],
            key=None,
        )
    if not ours(token):
        # Another quiz's form, the check before the lessons sent to the quiz (or the reverse), or
        # another account's: its key only reads what was sent, to show it again under this
        # reader's own key; it never makes an attempt.
        raise StaleForm([not_ours], key=token["key"])
    return token


def read_sent(questions: list[dict], data, mask: Mask) -> dict:
    """The answers a form sent (`data`: its fields, in the attempt's opaque names), by the
    questions' real ids; AnswerError if they do not fit the questions."""
    return read_answers(questions, unmask(questions, data, mask))


def layout(questions: list[dict], mask: Mask) -> dict:
    """Each question's items in the order the attempt's form showed them."""
    order_of = {}
    for q in questions:
        order = question_type(q["type"]).layout(q["id"], q["value"], mask)
        if order:
            order_of[q["id"]] = order
    return order_of
