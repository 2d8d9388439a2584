import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_visitor_switches_language_and_finds_the_helpline(site, page):
    page.goto(site.url + "/")
    expect(page).to_have_url(re.compile(r"/vi/$"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_test_id("help-button")).to_contain_text("Cần giúp đỡ?")

    page.get_by_test_id("language-en").click()
    expect(page).to_have_url(re.compile(r"/en/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Safe Online")

    page.get_by_test_id("help-button").click()
    expect(page).to_have_url(re.compile(r"/en/help/$"))
    expect(page.get_by_test_id("call-helpline")).to_have_attribute("href", "tel:111")

    # The choice is remembered: the bare address now opens in English.
    page.goto(site.url + "/")
    expect(page).to_have_url(re.compile(r"/en/$"))


def test_the_vietnamese_help_page_from_the_button(site, page):
    page.goto(site.url + "/vi/")
    page.get_by_test_id("help-button").click()
    expect(page).to_have_url(re.compile(r"/vi/help/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Cần giúp đỡ?")
    expect(page.get_by_test_id("call-helpline")).to_have_text(re.compile(r"Gọi 111"))


@pytest.mark.parametrize("path", ["/vi/", "/vi/help/", "/vi/accounts/signup/"])
def test_pages_fit_a_320px_screen_without_sideways_scrolling(site, browser, path):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(site.url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    expect(page.get_by_test_id("help-button")).to_be_in_viewport()
    context.close()


def test_keyboard_users_can_skip_to_the_content(site, page):
    page.goto(site.url + "/vi/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Chuyển đến nội dung chính")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
