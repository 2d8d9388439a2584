"""Pupils sign in with the class code, their name and their pictures or PIN."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from accounts import credentials
from accounts.models import CredentialKind
from schools import services

from .conftest import picture_post, secret


def _to_secret_page(client, classroom, pupil):
    response = client.post(reverse("schools:signin"), {"code": classroom.class_code.lower()})
    assert response.status_code == 302
    names = client.get(response["Location"])
    assert pupil.display_name in names.content.decode()
    return reverse("schools:signin_secret", args=[pupil.pk])


def test_pupil_signs_in_with_class_code_name_and_pictures(client, classroom, pupil):
    url = _to_secret_page(client, classroom, pupil)
    page = client.get(url)
    assert page.status_code == 200
    assert "Tap your three pictures" in page.content.decode() or "ba hình" in page.content.decode()
    response = client.post(url, picture_post(pupil))
    assert response.status_code == 302
    assert response["Location"] == reverse("schools:my_modules")
    home = client.get(response["Location"])
    assert home.wsgi_request.user == pupil


def test_wrong_pictures_say_how_many_tries_are_left_and_lock_after_five(client, classroom, pupil):
    url = _to_secret_page(client, classroom, pupil)
    right = secret(pupil)
    wrong = {f"picture{i}": ("moon" if key != "moon" else "sun") for i, key in enumerate(right, start=1)}
    for tries_left in (4, 3, 2):
        response = client.post(url, wrong)
        assert response.status_code == 400
        assert f"{tries_left}" in response.content.decode()
    client.post(url, wrong)
    response = client.post(url, wrong)
    assert response.status_code == 423
    # Locked: even the right pictures no longer work until the teacher resets.
    response = client.post(url, picture_post(pupil))
    assert response.status_code == 423
    assert "_auth_user_id" not in client.session
    pupil.refresh_from_db()
    credentials.unlock(credential=pupil.pupil_credential)
    assert client.post(url, picture_post(pupil)).status_code == 302


def test_a_right_try_resets_the_count_of_wrong_ones(client, classroom, pupil):
    url = _to_secret_page(client, classroom, pupil)
    wrong = {"picture1": "sun", "picture2": "sun", "picture3": "sun"}
    if secret(pupil) == ("sun", "sun", "sun"):
        wrong = {"picture1": "moon", "picture2": "moon", "picture3": "moon"}
    for _ in range(4):
        client.post(url, wrong)
    assert client.post(url, picture_post(pupil)).status_code == 302
    pupil.pupil_credential.refresh_from_db()
    assert pupil.pupil_credential.failed_attempts == 0


def test_pin_sign_in(client, classroom, pupil):
    credentials.issue(user=pupil, kind=CredentialKind.PIN)
    url = _to_secret_page(client, classroom, pupil)
    assert client.post(url, {"pin": "12a4"}).status_code == 400
    assert client.post(url, {"pin": "".join(secret(pupil))}).status_code == 302


def test_a_new_secret_replaces_the_old_one(classroom, pupil):
    old = secret(pupil)
    credentials.issue(user=pupil, kind=CredentialKind.PICTURES)
    pupil.refresh_from_db()
    for _ in range(20):  # a new random salt; the same three pictures again is a 1 in 1 728 chance
        if secret(pupil) != old:
            break
        credentials.issue(user=pupil, kind=CredentialKind.PICTURES)
    assert not credentials.check(credential=pupil.pupil_credential, answer=old).ok


def test_a_new_card_or_pin_signs_the_pupil_out_everywhere(client, classroom, pupil, leader):
    url = _to_secret_page(client, classroom, pupil)
    assert client.post(url, picture_post(pupil)).status_code == 302
    assert client.get(reverse("schools:my_modules")).status_code == 200
    teacher = Client()
    teacher.force_login(leader)
    for action in ("new_secret", "pin"):
        response = teacher.post(reverse("schools:pupil_detail", args=[classroom.pk, pupil.pk]), {"action": action})
        assert response.status_code == 302
        # The pupil's page now sends them to sign in again.
        assert client.get(reverse("schools:my_modules"))["Location"] == reverse("schools:signin")
        pupil.refresh_from_db()
        url = _to_secret_page(client, classroom, pupil)
        field = {"pin": "".join(secret(pupil))} if action == "pin" else picture_post(pupil)
        assert client.post(url, field).status_code == 302


def test_nothing_of_the_secret_is_stored(pupil):
    pupil.refresh_from_db()
    stored = " ".join(str(v) for v in pupil.pupil_credential.__dict__.values())
    assert not any(key in stored for key in credentials.PICTURE_KEYS)
    assert not pupil.has_usable_password()  # no password sign-in for pupils


def test_wrong_class_code_is_explained(client, classroom):
    response = client.post(reverse("schools:signin"), {"code": "ZZZZZZ"})
    assert response.status_code == 400
    assert "No class has this code" in response.content.decode() or "Không có lớp" in response.content.decode()


@override_settings(CLASS_CODE_MAX_FAILURES_PER_IP=3)
def test_guessing_class_codes_is_limited_per_ip_but_the_right_code_is_not(client, classroom):
    for _ in range(3):
        client.post(reverse("schools:signin"), {"code": "ZZZZZZ"})
    assert client.post(reverse("schools:signin"), {"code": "ZZZZZZ"}).status_code == 429
    assert client.post(reverse("schools:signin"), {"code": classroom.class_code}).status_code == 302


def test_archived_class_cannot_sign_in(client, classroom, pupil):
    services.classroom_set_active(classroom=classroom, active=False)
    response = client.post(reverse("schools:signin"), {"code": classroom.class_code})
    assert response.status_code == 400


def test_pupil_of_another_class_is_not_reachable_from_this_class_code(client, classroom, pupil, other_teacher):
    from schools.models import Classroom

    other = Classroom.objects.get(name="7B")
    client.post(reverse("schools:signin"), {"code": other.class_code})
    assert client.get(reverse("schools:signin_secret", args=[pupil.pk])).status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pupil_sign_in_is_not_throttled_by_allauth_per_ip_limits(client, classroom, pupils):
    """A whole class signs in from one school IP: more sign-ins in a minute than allauth allows
    one IP (30 a minute) all succeed."""
    for _round in range(11):
        for pupil in pupils:
            url = _to_secret_page(client, classroom, pupil)
            assert client.post(url, picture_post(pupil)).status_code == 302
            client.logout()


def test_a_pupils_session_ends_after_a_school_morning(client, classroom, pupil, settings):
    url = _to_secret_page(client, classroom, pupil)
    client.post(url, picture_post(pupil))
    assert client.session.get_expiry_age() == settings.PUPIL_SESSION_SECONDS <= 4 * 60 * 60
