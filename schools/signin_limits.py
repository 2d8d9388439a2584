"""The limits on pupils' sign-in that keep outsiders from finding classes and secrets by guessing,
without locking a class out for longer than its teacher can undo with one tap.

- **Class codes, per network address.** Wrong codes are counted per client address, in a
  10-minute window and in a day. Once either limit is reached, the address gets the same answer
  to every code, right or wrong ("too many wrong class codes here"), so that the limit tells a
  guesser nothing. A teacher on that network lifts it at once from their class's pupils page.
- **Secrets, per class.** Wrong pictures or PINs are counted per class in an hour. Once the limit
  is reached, the class's sign-in pauses for everyone, right secret or wrong, until the hour
  ends or the teacher taps "Unlock them all". (Each pupil is also locked after a few wrong tries
  in a row, which a right try does not clear: accounts.credentials.)

The counts live in the cache (Redis at scale): if it is away, the limits are not applied (they
fail open) rather than keep every school out; the per-pupil lockout, in the database, still holds.
The arithmetic behind the numbers is in docs/security.md.
"""

from __future__ import annotations

import ipaddress

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache

from accounts.limits import count

CODE_WINDOW_SECONDS = 10 * 60
DAY_SECONDS = 24 * 60 * 60
SECRET_WINDOW_SECONDS = 60 * 60


def _ip(request) -> str:
    """The client's address; an IPv6 address as its /64 network, which one subscriber usually
    holds whole (as allauth's own limits count it), so that moving within it does not help."""
    try:
        address = ipaddress.ip_address(get_adapter().get_client_ip(request))
    except Exception:  # no address at all, or not one: count them together
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _code_keys(request) -> tuple[str, str]:
    ip = _ip(request)
    return f"schools:wrong-class-code:{ip}", f"schools:wrong-class-code-day:{ip}"


def code_try_allowed(request) -> bool:
    """Count this try before the code is looked up, so that tries sent at once cannot slip past
    the limits; False once the address is over either of them: then every code is refused, right
    or wrong. A right code is taken off the count again (`code_was_right`)."""
    short, day = _code_keys(request)
    return (
        count(short, CODE_WINDOW_SECONDS) <= settings.CLASS_CODE_MAX_FAILURES_PER_IP
        and count(day, DAY_SECONDS) <= settings.CLASS_CODE_MAX_FAILURES_PER_IP_PER_DAY
    )


def code_was_right(request) -> None:
    for key, timeout in zip(_code_keys(request), (CODE_WINDOW_SECONDS, DAY_SECONDS), strict=True):
        try:
            cache.decr(key)
        except ValueError:
            continue
        cache.touch(key, timeout)


def network_blocked(request) -> bool:
    """Whether this address is over a limit (shown to a teacher on that network)."""
    short, day = _code_keys(request)
    counts = cache.get_many([short, day])
    return (
        counts.get(short, 0) >= settings.CLASS_CODE_MAX_FAILURES_PER_IP
        or counts.get(day, 0) >= settings.CLASS_CODE_MAX_FAILURES_PER_IP_PER_DAY
    )


def unblock_network(request) -> None:
    cache.delete_many(list(_code_keys(request)))


def _class_key(classroom) -> str:
    return f"schools:wrong-secrets:{classroom.pk}"


def class_paused(classroom) -> bool:
    """Whether the class has had too many wrong secrets this hour (then every secret is refused)."""
    return cache.get(_class_key(classroom), 0) >= settings.PUPIL_SIGNIN_MAX_FAILURES_PER_CLASS


def wrong_secret(classroom) -> None:
    count(_class_key(classroom), SECRET_WINDOW_SECONDS)


def resume_class(classroom) -> None:
    cache.delete(_class_key(classroom))
