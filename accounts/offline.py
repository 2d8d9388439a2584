"""The offline pass: what lets work a pupil did on a device without a connection (a finished
lesson, an H5P statement, a quiz's answers with their form's token) be recorded for that pupil
when the device is online again, even after their session ended.

The site signs it for the signed-in pupil (`pass_issue`): their id and a fingerprint of their
credential (`get_session_auth_hash`), under Django's signing with its own salt and a timestamp.
It is accepted for `OFFLINE_PASS_DAYS` from its issue, and no longer once the pupil's picture
password or PIN was reset (the fingerprint changes, as it ends their sessions). It says who did
the work, never more: it is not a session, opens no page, and the apps that receive queued work
(`courses.offline`, `h5p.offline`, `quizzes.offline`) record with it only for its pupil. The
scheme and its limits are in docs/security.md ("Offline").

Also here, for those apps and the shell's endpoint: what a queued item's sender is (`Sender`),
what became of an item (`Received`) or why it never will be recorded (`Refused`), and the
clamping of the time the device says the work was done (`answered_at`)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import pgettext

from .models import Role, User

PASS_SALT = "offline.pass"


class Refused(Exception):
    """An item the site will never record: malformed (400), not this pupil's to send or too old
    (403), about a page that is gone (404), or refused by the quiz's rules (409). The device
    drops it and shows `message`, a sentence for the pupil."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.message = message
        self.status = status


class Status(enum.StrEnum):
    RECORDED = "recorded"  # kept now
    REPLAY = "replay"  # the same work was received before: nothing more kept
    NOT_STORED = "not-stored"  # the pupil's family consent is missing: nothing kept


@dataclass(frozen=True)
class Received:
    status: Status
    message: str
    url: str = ""  # where the pupil sees what was recorded (a quiz's result)


@dataclass(frozen=True)
class Sender:
    """Whom an item is from, as its signature says (an offline pass or a quiz form's token), and
    when the site signed it: work the item reports cannot have been done before."""

    learner: User
    signed_at: datetime


def window() -> timedelta:
    return timedelta(days=settings.OFFLINE_PASS_DAYS)


def _fingerprint(user: User) -> str:
    # Derived from the password field, which resetting a pupil's picture password or PIN replaces
    # (accounts.credentials.issue): passes issued before stop working, as sessions do.
    return user.get_session_auth_hash()[:16]


def pass_issue(*, user: User) -> str:
    """A pass for `user`, a pupil (adults do not work offline)."""
    if not user.is_pupil:
        raise ValueError("offline passes are for pupils")
    return signing.dumps({"learner": user.pk, "credential": _fingerprint(user)}, salt=PASS_SALT)


def _signed_at(value: str) -> datetime:
    """The time in a value signed by `signing.dumps` (checked before: `payload:time:signature`)."""
    return datetime.fromtimestamp(signing.b62_decode(value.rsplit(":", 2)[1]), tz=UTC)


def pass_read(value) -> Sender:
    """The pupil a pass is for. Refused (403) when it is not one this site signed, older than
    `OFFLINE_PASS_DAYS`, issued before the pupil's picture password or PIN was reset, or for an
    account that is no longer an active pupil."""
    if not isinstance(value, str) or not value:
        raise Refused(pgettext("to a child", "This was saved without your sign-in. Sign in and do it again."), 400)
    try:
        data = signing.loads(value, salt=PASS_SALT, max_age=window())
    except signing.SignatureExpired:
        raise Refused(too_old()) from None
    except signing.BadSignature:
        raise Refused(_not_yours()) from None
    learner = User.objects.filter(pk=data.get("learner"), role=Role.PUPIL, is_active=True).first()
    if learner is None or not constant_time_compare(_fingerprint(learner), str(data.get("credential", ""))):
        raise Refused(_not_yours())
    return Sender(learner=learner, signed_at=_signed_at(value))


def too_old() -> str:
    """Why an item signed more than `OFFLINE_PASS_DAYS` ago is refused (a quiz's token too)."""
    return pgettext(
        "to a child",
        "This was saved on this device more than %(days)s days ago, so it can no longer be sent. "
        "Sign in and do it again.",
    ) % {"days": settings.OFFLINE_PASS_DAYS}


def _not_yours() -> str:
    return pgettext(
        "to a child",
        "This was saved with a sign-in that no longer works (a new picture password or PIN), so it "
        "cannot be sent. Sign in and do it again.",
    )


def answered_at(value, *, signed_at: datetime, now: datetime | None = None) -> datetime:
    """When the device says the work was done (ISO 8601 with its offset, as `Date.toISOString`
    writes it), kept within [when the site signed the item, now]: a device's clock may be wrong,
    and work is never dated before the page that held it was signed, nor in the future."""
    now = now or timezone.now()
    try:
        at = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        at = None
    if at is None or timezone.is_naive(at):
        raise Refused(
            pgettext("to a child", "This was saved without the time it was done, so it cannot be sent. Do it again."),
            400,
        )
    return min(max(at, signed_at), now)
