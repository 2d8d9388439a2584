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


def test_the_policy_blocks_an_injected_inline_script_and_the_journeys_hear_of_it(site, browser, page):
    """What every browser test relies on: an inline script (as an injected one would be) does not
    run on a learner page, and the violation reaches the test, which would then fail."""
    page.goto(site.url + "/vi/")
    page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.injected = true';
            document.body.appendChild(script);
        }"""
    )
    page.wait_for_function("() => document.readyState === 'complete'")
    assert page.evaluate("() => window.injected") is None
    expect(page.locator("body")).to_be_visible()
    for _ in range(50):  # the report comes back from the browser's event loop
        if browser.violations:
            break
        page.wait_for_timeout(100)
    assert any("script-src" in violation for violation in browser.violations), browser.violations
    browser.violations.clear()  # expected here; any other would fail this test
