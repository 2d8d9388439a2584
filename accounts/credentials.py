"""Pupils' picture passwords and PINs: issuing, checking with a lockout, resetting.

A secret is never stored: it is HMAC-SHA256(PUPIL_CREDENTIAL_KEY, the credential's random
salt and kind), read as three pictures out of twelve or four digits. Checking recomputes it and
compares in constant time (microseconds, where Django's password hasher costs 0.2-0.5 s of CPU
here: see docs/benchmarks.md);
after `PUPIL_SIGNIN_MAX_FAILURES` wrong tries (a right one does not clear them) the pupil is
locked out until a teacher unlocks them or resets the credential. Writes are keyword-only and
atomic, like every service.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from hashlib import sha256

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import CredentialKind, PupilCredential, User

# The twelve pictures, in the order of the grid; the keys name the drawings in
# schools/static/schools/pictures/ and never change (they are part of every secret).
PICTURES: dict[str, str] = {
    "sun": _("sun"),
    "moon": _("moon"),
    "star": _("star"),
    "tree": _("tree"),
    "flower": _("flower"),
    "fish": _("fish"),
    "cat": _("cat"),
    "dog": _("dog"),
    "bird": _("bird"),
    "apple": _("apple"),
    "ball": _("ball"),
    "boat": _("boat"),
}
PICTURE_KEYS = tuple(PICTURES)
PICTURES_IN_SECRET = 3
PIN_DIGITS = 4


def _key() -> bytes:
    return (settings.PUPIL_CREDENTIAL_KEY or f"pupil-credential:{settings.SECRET_KEY}").encode()


def _digest(credential: PupilCredential) -> bytes:
    message = f"{credential.salt}:{credential.kind}".encode()
    return hmac.new(_key(), message, sha256).digest()


def secret_of(credential: PupilCredential) -> tuple[str, ...]:
    """The secret a pupil enters: picture keys in order, or the PIN's digits."""
    number = int.from_bytes(_digest(credential), "big")
    if credential.kind == CredentialKind.PIN:
        return tuple(str(number // 10**i % 10) for i in range(PIN_DIGITS))
    return tuple(PICTURE_KEYS[number // 12**i % 12] for i in range(PICTURES_IN_SECRET))


def issue(*, user: User, kind: str = CredentialKind.PICTURES) -> PupilCredential:
    """Give a pupil a new secret (or a first one), unlocking them. The old secret stops working,
    and so does every session signed in with it: a new card is what a teacher gives when a card
    was seen by someone else."""
    if not user.is_pupil:
        raise ValueError("only pupils sign in with a picture password or PIN")
    with transaction.atomic():
        credential, _created = PupilCredential.objects.select_for_update().get_or_create(
            user=user, defaults={"kind": kind, "salt": secrets.token_hex(16)}
        )
        if not _created:
            credential.kind = kind
            credential.salt = secrets.token_hex(16)
            credential.failed_attempts = 0
            credential.locked_at = None
            credential.save()
            # A session is bound to a hash of the password field (Django checks it on every
            # request): a new unusable password, random each time, ends the pupil's sessions.
            user.set_unusable_password()
            User.objects.filter(pk=user.pk).update(password=user.password)
    return credential


def issue_many(*, users: list[User], kind: str) -> list[PupilCredential]:
    """First credentials for newly added pupils, in one INSERT."""
    rows = [PupilCredential(user=user, kind=kind, salt=secrets.token_hex(16)) for user in users]
    return PupilCredential.objects.bulk_create(rows)


def unlock(*, credential: PupilCredential) -> None:
    """Let a locked-out pupil try again with the same secret (their card still works)."""
    PupilCredential.objects.filter(pk=credential.pk).update(failed_attempts=0, locked_at=None)


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    locked: bool = False
    tries_left: int = 0


def check(*, credential: PupilCredential, answer: tuple[str, ...] | list[str]) -> CheckResult:
    """Compare an entered secret with the pupil's, counting wrong tries.

    Counting is one conditional UPDATE each, so concurrent wrong tries cannot slip past the
    limit; a locked credential refuses even the right secret until a teacher resets it."""
    limit = settings.PUPIL_SIGNIN_MAX_FAILURES
    if credential.is_locked:
        return CheckResult(ok=False, locked=True)
    expected = "|".join(secret_of(credential)).encode()
    right = hmac.compare_digest(expected, "|".join(answer).encode())
    rows = PupilCredential.objects.filter(pk=credential.pk, locked_at__isnull=True)
    if right:
        # Wrong tries are not cleared by a right one: otherwise whoever watches a pupil sign in
        # daily gets a few silent guesses after each of their sign-ins. They count until the
        # teacher unlocks the pupil or gives a new card.
        if rows.exists():
            return CheckResult(ok=True)
        return CheckResult(ok=False, locked=True)  # locked by a concurrent wrong try
    # One statement counts the try and locks at the limit, so nothing slips in between.
    rows.update(
        failed_attempts=F("failed_attempts") + 1,
        locked_at=Case(
            When(failed_attempts__gte=limit - 1, then=Value(timezone.now())),
            default=None,
            output_field=models.DateTimeField(),
        ),
    )
    credential.refresh_from_db(fields=["failed_attempts", "locked_at"])
    return CheckResult(ok=False, locked=credential.is_locked, tries_left=max(limit - credential.failed_attempts, 0))
