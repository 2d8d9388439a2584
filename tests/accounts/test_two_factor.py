"""Two factors for whoever can open the Wagtail admin; offered and recalled to teachers."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Role
from tests.factories import AdultFactory

ACTIVATE = "/vi/accounts/2fa/totp/activate/"


def _editor():
    editor = AdultFactory(role=Role.EDITOR, is_staff=True, second_factor=False)
    group, _created = Group.objects.get_or_create(name="Editors")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    editor.groups.add(group)
    return editor


@pytest.mark.parametrize(
    "make_user", [_editor, lambda: AdultFactory(is_superuser=True, is_staff=True, second_factor=False)]
)
def test_the_cms_opens_only_once_a_second_factor_is_set_up(client, home_page, make_user):
    user = make_user()
    client.force_login(user)
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 302 and response["Location"] == ACTIVATE
    assert client.get("/admin/pages/").status_code == 302  # every page of the admin, not only its home
    TOTP.activate(user, generate_totp_secret())
    assert client.get("/admin/").status_code == 200


def test_a_teacher_is_not_sent_to_set_up_a_second_factor_but_reminded(client, home_page):
    teacher = AdultFactory(role=Role.TEACHER)
    client.force_login(teacher)
    admin = client.get("/admin/")
    assert admin.get("Location", "") != ACTIVATE  # no CMS for teachers: Wagtail refuses as before
    home = client.get(reverse("schools:staff_home"))
    assert 'data-testid="mfa-reminder"' in home.content.decode()
    assert 'href="/vi/accounts/2fa/"' in client.get("/vi/accounts/email/").content.decode()
    TOTP.activate(teacher, generate_totp_secret())
    assert 'data-testid="mfa-reminder"' not in client.get(reverse("schools:staff_home")).content.decode()


def test_a_superuser_resets_a_lost_second_factor_and_the_cms_asks_for_a_new_one(client, home_page):
    editor = _editor()
    TOTP.activate(editor, generate_totp_secret())
    root = AdultFactory(is_superuser=True, is_staff=True)
    with pytest.raises(CommandError, match="not an active superuser"):
        call_command("mfa_reset", editor.email, by=editor.email)
    call_command("mfa_reset", editor.email, by=root.email)
    assert not Authenticator.objects.filter(user=editor).exists()
    client.force_login(editor)
    assert client.get("/admin/")["Location"] == ACTIVATE
    with pytest.raises(CommandError, match="no second factor"):
        call_command("mfa_reset", editor.email, by=root.email)
