"""The offline pass (accounts.offline): for pupils only, naming them, and the time an item says
it was done kept between its signing and now."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.offline import Refused, answered_at, pass_issue, pass_read
from tests.factories import AdultFactory, PupilFactory


def test_a_pass_names_its_pupil_and_when_it_was_signed(db):
    pupil = PupilFactory()
    sender = pass_read(pass_issue(user=pupil))
    assert sender.learner == pupil
    assert timezone.now() - timedelta(seconds=5) < sender.signed_at <= timezone.now()


def test_adults_get_no_pass(db):
    with pytest.raises(ValueError):
        pass_issue(user=AdultFactory())


def test_a_pass_of_a_pupil_no_longer_active_is_refused(db):
    pupil = PupilFactory()
    value = pass_issue(user=pupil)
    pupil.is_active = False
    pupil.save()
    with pytest.raises(Refused) as refused:
        pass_read(value)
    assert refused.value.status == 403


def test_the_time_an_item_was_done_is_kept_between_its_signing_and_now():
    now = timezone.now()
    signed = now - timedelta(days=2)
    within = now - timedelta(days=1)
    assert answered_at(within.isoformat(), signed_at=signed, now=now) == within
    assert answered_at((now - timedelta(days=9)).isoformat(), signed_at=signed, now=now) == signed
    assert answered_at((now + timedelta(days=9)).isoformat(), signed_at=signed, now=now) == now
    assert answered_at("2026-01-01T10:00:00.000Z", signed_at=signed, now=now) in (signed, now)  # JS's toISOString
    for unreadable in ("yesterday", "2026-01-01T10:00:00", None, 12):
        with pytest.raises(Refused):
            answered_at(unreadable, signed_at=signed, now=now)
