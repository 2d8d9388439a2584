"""Vietnamese first, English second: URLs carry the language, every string is translated."""

import importlib.util

import pytest
from django.conf import settings


def load_catalog_tool():
    spec = importlib.util.spec_from_file_location("catalogs", settings.BASE_DIR / "scripts" / "catalogs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_root_redirects_to_vietnamese_by_default(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/vi/"


@pytest.mark.django_db
def test_root_redirects_to_the_visitors_language(client):
    response = client.get("/", headers={"accept-language": "en-GB,en;q=0.9"})
    assert response["Location"] == "/en/"


@pytest.mark.django_db
def test_a_chosen_language_is_remembered(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/vi/help/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/help/"
    assert client.get("/")["Location"] == "/en/"


def test_language_switcher_points_at_the_home_pages_translation(client, home_page):
    html = client.get("/vi/").content.decode()
    assert 'name="next" value="/en/"' in html
    assert 'value="en"' in html
    assert "English" in html
    html = client.get("/en/").content.decode()
    assert 'name="next" value="/vi/"' in html
    assert "Tiếng Việt" in html


def test_language_switcher_keeps_the_page_on_other_screens(client, home_page):
    html = client.get("/vi/accounts/login/").content.decode()
    assert 'name="next" value="/en/accounts/login/"' in html


@pytest.mark.parametrize(
    ("path", "expected", "not_expected"),
    [
        ("/vi/accounts/login/", ["Đăng nhập", "Mật khẩu"], ["Sign In", "Forgot your password?"]),
        (
            "/vi/accounts/signup/",
            ["Đăng ký", "Giáo viên", "Người làm công tác bảo vệ trẻ em"],
            ["Sign Up", "Social worker"],
        ),
        ("/vi/accounts/password/reset/", ["mật khẩu"], ["Password Reset"]),
        ("/en/accounts/login/", ["Sign In"], ["Đăng nhập"]),
    ],
)
def test_allauth_screens_speak_the_pages_language(client, home_page, path, expected, not_expected):
    html = client.get(path).content.decode()
    for text in expected:
        assert text in html, text
    for text in not_expected:
        assert text not in html, text


def test_vietnamese_catalog_is_complete():
    """Every string of the project and of the allauth screens is in the catalog, translated,
    not fuzzy, with the same placeholders (`make messages` re-extracts them)."""
    assert load_catalog_tool().problems("vi") == []
