"""Editors work in the Wagtail admin: the dashboard, the helpline setting, the home page."""

import json

import pytest

from accounts.models import Role
from elearning.models import HelplineSettings
from tests.factories import AdultFactory


def draftail(*paragraphs: str) -> str:
    """A rich-text field as the admin's editor posts it."""
    blocks = [
        {"key": f"k{i}", "type": "unstyled", "text": text, "depth": 0, "inlineStyleRanges": [], "entityRanges": []}
        for i, text in enumerate(paragraphs)
    ]
    return json.dumps({"blocks": blocks, "entityMap": {}})


@pytest.fixture
def editor(db):
    return AdultFactory(role=Role.EDITOR, is_staff=True, is_superuser=True)


@pytest.mark.parametrize("path", ["/admin/", "/admin/users/", "/admin/locales/"])
def test_admin_screens_open_for_an_editor(client, home_page, editor, path):
    client.force_login(editor)
    assert client.get(path).status_code == 200


def test_editor_edits_the_helpline_setting(client, home_page, editor):
    client.force_login(editor)
    helpline = HelplineSettings.load()
    url = f"/admin/settings/elearning/helplinesettings/{helpline.pk}/"
    assert client.get(url).status_code == 200
    data = {
        "phone_number": "111",
        "emergency_number": "113",
        "name_vi": "Tổng đài 111",
        "name_en": helpline.name_en,
        "availability_vi": helpline.availability_vi,
        "availability_en": helpline.availability_en,
        "what_happens_vi": draftail("Có người nghe máy."),
        "what_happens_en": draftail(),
        "trusted_adult_vi": draftail("Kể với người lớn."),
        "trusted_adult_en": draftail(),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert "Tổng đài 111" in client.get("/vi/help/").content.decode()
    assert "Có người nghe máy." in client.get("/vi/help/").content.decode()


def test_a_mistyped_helpline_number_is_refused_and_the_old_one_kept(client, home_page, editor):
    client.force_login(editor)
    helpline = HelplineSettings.load()
    url = f"/admin/settings/elearning/helplinesettings/{helpline.pk}/"
    data = {
        "phone_number": "1 1 1a",
        "emergency_number": "113",
        "name_vi": helpline.name_vi,
        "name_en": helpline.name_en,
        "availability_vi": helpline.availability_vi,
        "availability_en": helpline.availability_en,
        "what_happens_vi": draftail("Có người nghe máy."),
        "what_happens_en": draftail(),
        "trusted_adult_vi": draftail("Kể với người lớn."),
        "trusted_adult_en": draftail(),
    }
    response = client.post(url, data, headers={"accept-language": "vi"})
    assert response.status_code == 200
    assert "chỉ gồm chữ số" in response.content.decode()
    assert HelplineSettings.load().phone_number == "111"


def test_a_teacher_cannot_open_the_admin(client, home_page):
    client.force_login(AdultFactory(role=Role.TEACHER))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_editor_opens_the_home_page_editor(client, home_page, editor):
    client.force_login(editor)
    assert client.get(f"/admin/pages/{home_page.pk}/edit/").status_code == 200
