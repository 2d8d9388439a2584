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


def test_a_right_try_does_not_clear_the_wrong_ones_until_the_teacher_unlocks(client, classroom, pupil):
    """Otherwise whoever watches a pupil sign in gets four silent guesses after each sign-in."""
    url = _to_secret_page(client, classroom, pupil)
    wrong = {"picture1": "sun", "picture2": "sun", "picture3": "sun"}
    if secret(pupil) == ("sun", "sun", "sun"):
        wrong = {"picture1": "moon", "picture2": "moon", "picture3": "moon"}
    for _ in range(4):
        client.post(url, wrong)
    assert client.post(url, picture_post(pupil)).status_code == 302
    client.logout()
    url = _to_secret_page(client, classroom, pupil)
    assert client.post(url, wrong).status_code == 423  # the fifth wrong try, days later, locks
    services.class_unlock_all(classroom=classroom)
    assert client.post(url, picture_post(pupil)).status_code == 302


@override_settings(PUPIL_SIGNIN_MAX_FAILURES_PER_CLASS=6)
def test_too_many_wrong_secrets_in_a_class_pause_it_for_everyone_until_the_teacher_unlocks(
    client, classroom, pupils, leader
):
    for pupil in pupils:  # two wrong tries each: no one is locked, the class is
        url = _to_secret_page(client, classroom, pupil)
        wrong = {"picture1": "sun", "picture2": "sun", "picture3": "sun"}
        if secret(pupil) == ("sun", "sun", "sun"):
            wrong = {"picture1": "moon", "picture2": "moon", "picture3": "moon"}
        for _ in range(2):
            assert client.post(url, wrong).status_code == 400
    url = _to_secret_page(client, classroom, pupils[0])
    paused = client.post(url, picture_post(pupils[0]))
    assert paused.status_code == 429  # the right pictures too: the pause tells a guesser nothing
    teacher = Client()
    teacher.force_login(leader)
    page = teacher.get(reverse("schools:classroom_pupils", args=[classroom.pk]))
    assert 'data-testid="unlock-all"' in page.content.decode()
    teacher.post(reverse("schools:classroom_pupils", args=[classroom.pk]), {"action": "unlock_all"})
    assert client.post(url, picture_post(pupils[0])).status_code == 302


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
    response = client.post(reverse("schools:signin"), {"code": "ZZZZZZZZ"})
    assert response.status_code == 400
    assert "No class has this code" in response.content.decode() or "Không có lớp" in response.content.decode()


def _without_tokens(response) -> str:
    import re

    return re.sub(r'value="[^"]{32,}"', "", response.content.decode())


@override_settings(CLASS_CODE_MAX_FAILURES_PER_IP=3)
def test_once_the_limit_is_reached_right_and_wrong_codes_get_the_same_answer(client, classroom, leader):
    signin = reverse("schools:signin")
    for _ in range(3):
        assert client.post(signin, {"code": "ZZZZZZZZ"}).status_code == 400
    wrong = client.post(signin, {"code": "ZZZZZZZZ"})
    right = client.post(signin, {"code": classroom.class_code})
    assert wrong.status_code == right.status_code == 429
    assert _without_tokens(wrong) == _without_tokens(right)
    # A teacher on the same network lets it try again with one tap.
    teacher = Client()
    teacher.force_login(leader)
    pupils_page = reverse("schools:classroom_pupils", args=[classroom.pk])
    assert 'data-testid="unblock-network"' in teacher.get(pupils_page).content.decode()
    teacher.post(pupils_page, {"action": "unblock_network"})
    assert client.post(signin, {"code": classroom.class_code}).status_code == 302


@override_settings(CLASS_CODE_MAX_FAILURES_PER_IP=3)
def test_right_codes_do_not_count_and_one_ipv6_network_counts_as_one(client, classroom):
    signin = reverse("schools:signin")
    for _ in range(2):
        client.post(signin, {"code": "ZZZZZZZZ"}, REMOTE_ADDR="2001:db8:5:7::1")
    for _ in range(5):  # a class typing the right code
        assert client.post(signin, {"code": classroom.class_code}, REMOTE_ADDR="2001:db8:5:7::2").status_code == 302
    assert client.post(signin, {"code": "ZZZZZZZZ"}, REMOTE_ADDR="2001:db8:5:7::3").status_code == 400
    # The third wrong code in the same /64 reached the limit: a fourth address there is refused too.
    refused = client.post(signin, {"code": classroom.class_code}, REMOTE_ADDR="2001:db8:5:7:ffff::9")
    assert refused.status_code == 429
    assert client.post(signin, {"code": classroom.class_code}, REMOTE_ADDR="2001:db8:5:8::1").status_code == 302


@override_settings(CLASS_CODE_MAX_FAILURES_PER_IP=1000, CLASS_CODE_MAX_FAILURES_PER_IP_PER_DAY=5)
def test_the_daily_limit_holds_even_when_guesses_are_spread_out(client, classroom):
    signin = reverse("schools:signin")
    for _ in range(5):
        client.post(signin, {"code": "ZZZZZZZZ"})
    assert client.post(signin, {"code": classroom.class_code}).status_code == 429


def test_guessing_any_one_of_10_000_classes_takes_longer_than_a_school_year(settings):
    """The arithmetic of docs/security.md, from the settings as they are: one address, at the
    highest rate the limits allow, against 10 000 classes."""
    from schools.models import CLASS_CODE_LENGTH, CODE_ALPHABET
    from schools.signin_limits import CODE_WINDOW_SECONDS, DAY_SECONDS

    codes = len(CODE_ALPHABET) ** CLASS_CODE_LENGTH
    per_day = min(
        settings.CLASS_CODE_MAX_FAILURES_PER_IP * DAY_SECONDS // CODE_WINDOW_SECONDS,
        settings.CLASS_CODE_MAX_FAILURES_PER_IP_PER_DAY,
    )
    expected_guesses = codes / 10_000  # on average, to hit one of 10 000 codes drawn at random
    school_year_days = 275
    assert expected_guesses / per_day > school_year_days * 1000  # even from a thousand addresses
    chance_in_a_year = 1 - (1 - 10_000 / codes) ** (per_day * 365)
    assert chance_in_a_year < 0.001


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
