"""The home page, the help button on every page and the help page."""

import re

import pytest
from django.contrib.staticfiles import finders

from elearning.models import HelplineSettings


@pytest.mark.parametrize(
    ("path", "language", "button"),
    [("/vi/", "vi", "Cần giúp đỡ?"), ("/en/", "en", "Need help?")],
)
def test_home_page_is_served_in_each_language_with_the_help_button(client, home_page, path, language, button):
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert button in html
    assert f'href="/{language}/help/"' in html


def test_home_page_has_skip_link_and_landmarks(client, home_page):
    html = client.get("/vi/").content.decode()
    assert 'href="#main"' in html
    assert 'id="main"' in html
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in html


def test_home_page_with_its_styles_and_scripts_weighs_under_100_kb(client, home_page):
    html = client.get("/vi/").content
    total = len(html)
    for url in re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html):
        path = finders.find(url.decode().removeprefix("/static/"))
        assert path, url
        with open(path, "rb") as handle:
            total += len(handle.read())
    assert total < 100 * 1024


@pytest.mark.parametrize("path", ["/vi/", "/vi/help/", "/vi/accounts/login/", "/en/accounts/signup/"])
def test_every_page_carries_the_help_button_with_the_helpline_number(client, home_page, path):
    html = client.get(path).content.decode()
    assert 'data-testid="help-button"' in html
    assert "111" in html


def test_help_page_offers_a_phone_link_and_explains_the_call(client, home_page):
    html = client.get("/vi/help/").content.decode()
    assert 'href="tel:111"' in html
    assert "Tổng đài điện thoại quốc gia bảo vệ trẻ em" in html
    assert "Gọi để được tư vấn, hỗ trợ." in html
    assert "miễn phí" not in html.lower() and "24 giờ" not in html  # no source says so
    # An adult reads what it is for them before the parts that speak to children ("em").
    assert html.index("Dành cho người lớn lo lắng cho một trẻ em") < html.index("Khi gọi 111")
    assert "không bao giờ là lỗi của em" in html
    assert 'href="tel:113"' in html


def test_help_page_in_english_uses_the_english_text(client, home_page):
    html = client.get("/en/help/").content.decode()
    assert "National Child Protection Hotline" in html
    assert "it is never your fault" in html


def test_editors_change_the_helpline_number_and_text_in_the_site_setting(client, home_page):
    helpline = HelplineSettings.load()
    helpline.phone_number = "18001567"
    helpline.availability_vi = "Từ 7 giờ đến 22 giờ"
    helpline.save()

    help_page = client.get("/vi/help/").content.decode()
    home = client.get("/vi/").content.decode()
    assert 'href="tel:18001567"' in help_page
    assert "Từ 7 giờ đến 22 giờ" in help_page
    assert "18001567" in home


def test_english_falls_back_to_vietnamese_text_not_yet_written(client, home_page):
    helpline = HelplineSettings.load()
    helpline.name_en = ""
    helpline.save()
    assert "Tổng đài điện thoại quốc gia bảo vệ trẻ em" in client.get("/en/help/").content.decode()
