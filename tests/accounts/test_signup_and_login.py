"""An adult signs up with e-mail and password, verifies by the e-mailed link, logs in and out,
and resets a forgotten password; rate limits stop guessing."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import translation
from django.utils.html import escape

from accounts.models import Role, User
from tests.factories import PASSWORD, AdultFactory

SIGNUP = "/vi/accounts/signup/"
LOGIN = "/vi/accounts/login/"


def signup_data(**overrides):
    data = {
        "display_name": "Nguyễn Thị Lan",
        "role": "social_worker",
        "email": "Lan.Nguyen@Example.org",
        "password1": "bao-ve-tre-em-2026",
        "password2": "bao-ve-tre-em-2026",
    }
    data.update(overrides)
    return data


def in_vietnamese(message: str) -> str:
    """The Vietnamese a page shows for `message`; it must really be translated."""
    with translation.override("vi"):
        translated = translation.gettext(message)
    assert translated != message, f"not translated: {message}"
    return escape(translated)


def link_in(message) -> str:
    return re.search(r"https?://testserver(/\S+)", message.body).group(1)


def test_signup_creates_an_adult_with_the_chosen_role_and_sends_a_verification_link(client, home_page):
    response = client.post(SIGNUP, signup_data())
    assert response.status_code == 302
    assert response["Location"] == "/vi/accounts/confirm-email/"

    user = User.objects.get(email="lan.nguyen@example.org")
    assert user.role == Role.SOCIAL_WORKER
    assert user.display_name == "Nguyễn Thị Lan"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lan.nguyen@example.org"]
    assert "/accounts/confirm-email/" in link_in(mail.outbox[0])


def test_the_verification_email_is_written_in_the_signup_language(client, home_page):
    client.post(SIGNUP, signup_data())
    assert mail.outbox[0].subject == in_vietnamese("Please Confirm Your Email Address")


def test_the_verification_email_names_the_site_and_the_person_not_the_host_or_a_username(client, home_page):
    client.post(SIGNUP, signup_data())
    body = mail.outbox[0].body
    assert "An toàn trên mạng" in body
    assert "Nguyễn Thị Lan" in body
    assert "testserver xin" not in body


def test_following_the_link_verifies_the_address_and_signs_in(client, home_page):
    client.post(SIGNUP, signup_data())
    link = link_in(mail.outbox[0])
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="lan.nguyen@example.org").verified
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize("role", ["pupil", "editor", "school_leader", "wizard"])
def test_signup_offers_only_teacher_social_worker_and_caregiver(client, home_page, role):
    response = client.post(SIGNUP, signup_data(role=role))
    assert response.status_code == 200
    assert not User.objects.exists()
    assert in_vietnamese("Choose teacher, social worker or parent / caregiver.") in response.content.decode()


def test_an_unverified_adult_cannot_log_in_yet(client, home_page):
    AdultFactory(email="chua@example.org", verified_email=False)
    response = client.post(LOGIN, {"login": "chua@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response["Location"] == "/vi/accounts/confirm-email/"


def test_a_verified_adult_logs_in_with_any_case_of_their_email_and_logs_out(client, home_page):
    AdultFactory(email="lan@example.org")
    response = client.post(LOGIN, {"login": "LAN@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    client.post("/vi/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_is_explained_in_vietnamese(client, home_page):
    AdultFactory(email="lan@example.org")
    response = client.post(LOGIN, {"login": "lan@example.org", "password": "wrong-password"})
    assert response.status_code == 200
    message = "The email address and/or password you specified are not correct."
    assert in_vietnamese(message) in response.content.decode()


def test_repeated_wrong_passwords_are_rate_limited(client, home_page):
    AdultFactory(email="lan@example.org")
    for _ in range(5):
        client.post(LOGIN, {"login": "lan@example.org", "password": "wrong-password"})
    response = client.post(LOGIN, {"login": "lan@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert in_vietnamese("Too many failed login attempts. Try again later.") in response.content.decode()


def test_password_reset_sends_a_link_that_sets_a_new_password(client, home_page):
    AdultFactory(email="lan@example.org")
    client.post("/vi/accounts/password/reset/", {"email": "lan@example.org"})
    assert len(mail.outbox) == 1
    link = link_in(mail.outbox[0])
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"password1": "mat-khau-moi-2026", "password2": "mat-khau-moi-2026"})
    assert response.status_code == 302
    assert User.objects.get(email="lan@example.org").check_password("mat-khau-moi-2026")


def test_the_account_pages_offer_two_factor_authentication_to_every_adult(client, home_page):
    for adult in (AdultFactory(), AdultFactory(role=Role.EDITOR, is_staff=True)):
        client.force_login(adult)
        assert 'href="/vi/accounts/2fa/"' in client.get("/vi/accounts/email/").content.decode()


def current_totp_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def test_an_editor_turns_on_totp_and_then_needs_a_code_to_log_in(client, home_page):
    AdultFactory(email="editor@example.org", role=Role.EDITOR, is_staff=True, second_factor=False)
    client.post(LOGIN, {"login": "editor@example.org", "password": PASSWORD})
    # allauth asks for the password again before changing security settings.
    reauthenticate = client.get("/vi/accounts/2fa/totp/activate/")["Location"]
    assert reauthenticate.startswith("/vi/accounts/reauthenticate/")
    client.post(reauthenticate, {"password": PASSWORD})
    activate = client.get("/vi/accounts/2fa/totp/activate/")
    assert activate.status_code == 200
    secret = activate.context["form"].secret
    response = client.post("/vi/accounts/2fa/totp/activate/", {"code": current_totp_code(secret)})
    assert response.status_code == 302
    client.post("/vi/accounts/logout/")

    response = client.post(LOGIN, {"login": "editor@example.org", "password": PASSWORD})
    assert response["Location"] == "/vi/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    client.post("/vi/accounts/2fa/authenticate/", {"code": current_totp_code(secret)})
    assert "_auth_user_id" in client.session


def test_staff_sign_in_to_the_cms_through_allauth(client, home_page):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/vi/accounts/login/")
    assert client.get("/admin/login/")["Location"].startswith("/vi/accounts/login/")
