"""Picture passwords and PINs: derived, checked in constant time, locked after wrong tries even
when they arrive at the same moment."""

import threading

import pytest
from django.db import connection

from accounts import credentials
from accounts.models import CredentialKind
from tests.factories import PupilFactory


@pytest.fixture
def credential(db):
    return credentials.issue(user=PupilFactory(), kind=CredentialKind.PICTURES)


def test_a_picture_secret_is_three_of_the_twelve_pictures(credential):
    secret = credentials.secret_of(credential)
    assert len(secret) == 3 and set(secret) <= set(credentials.PICTURE_KEYS)
    assert credentials.check(credential=credential, answer=secret).ok


def test_a_pin_is_four_digits(db):
    credential = credentials.issue(user=PupilFactory(), kind=CredentialKind.PIN)
    pin = credentials.secret_of(credential)
    assert len(pin) == 4 and all(d.isdigit() for d in pin)


def test_the_secret_depends_on_the_server_key(credential, settings):
    before = credentials.secret_of(credential)
    secrets_under_other_keys = set()
    for n in range(5):
        settings.PUPIL_CREDENTIAL_KEY = f"another key {n}"
        secrets_under_other_keys.add(credentials.secret_of(credential))
    assert secrets_under_other_keys - {before}


def test_only_pupils_get_one(db):
    from tests.factories import AdultFactory

    with pytest.raises(ValueError):
        credentials.issue(user=AdultFactory(), kind=CredentialKind.PIN)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_wrong_tries_cannot_slip_past_the_lockout():
    credential = credentials.issue(user=PupilFactory(), kind=CredentialKind.PICTURES)
    right = credentials.secret_of(credential)
    wrong = tuple("moon" if key != "moon" else "sun" for key in right)
    barrier = threading.Barrier(8)
    errors = []

    def try_wrong():
        from django.db import connections

        from accounts.models import PupilCredential

        try:
            mine = PupilCredential.objects.get(pk=credential.pk)
            barrier.wait()
            credentials.check(credential=mine, answer=wrong)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=try_wrong) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    credential.refresh_from_db()
    assert credential.is_locked
    assert 5 <= credential.failed_attempts <= 8
    assert not credentials.check(credential=credential, answer=right).ok
    assert connection.vendor in ("sqlite", "postgresql")
