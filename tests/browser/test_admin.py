"""The Wagtail admin in a real browser, under its Content-Security-Policy: an editor signs in with
a password and a TOTP code, opens the dashboard and the page explorer, edits a lesson (StreamField,
rich text, the live preview), publishes it, and opens the H5P activities' upload form. The browser
fixture fails the test if the policy blocked anything on any of these screens."""

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from playwright.sync_api import expect

from courses.models import LessonPage
from tests.conftest import FIXTURE_MODULE
from tests.factories import PASSWORD, AdultFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_site(site):
    from courses.demo import load_curriculum
    from elearning.models import HomePage

    load_curriculum(HomePage.objects.get(locale__language_code="vi"), [FIXTURE_MODULE])
    return site


@pytest.fixture
def desk(browser):
    """Editors write on a computer."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in_to_the_cms(page, url):
    editor = AdultFactory(
        email="editor@example.org", role="editor", is_staff=True, is_superuser=True, second_factor=False
    )
    secret = generate_totp_secret()
    TOTP.activate(editor, secret)
    page.goto(url + "/admin/")
    page.locator("#id_login").fill(editor.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.locator("#id_code").fill(format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time()))))
    page.locator("#id_code").press("Enter")
    return editor


def test_an_editor_signs_in_with_two_factors_edits_and_publishes_a_lesson(admin_site, desk):
    page = desk
    sign_in_to_the_cms(page, admin_site.url)
    expect(page).to_have_url(admin_site.url + "/admin/")
    expect(page.locator("main")).to_be_visible()

    lesson = LessonPage.objects.get(slug="thong-tin-rieng-tu")
    page.goto(f"{admin_site.url}/admin/pages/{lesson.get_parent().pk}/")
    expect(page.get_by_role("link", name=lesson.title).first).to_be_visible()

    page.goto(f"{admin_site.url}/admin/pages/{lesson.pk}/edit/")
    title = page.locator("#id_title")
    expect(title).to_have_value(lesson.title)
    title.fill(lesson.title + " (đã sửa)")
    # The rich text editor (Draftail) and the StreamField's blocks are on screen.
    expect(page.locator(".Draftail-Editor").first).to_be_visible()
    # The live preview frames the admin's own preview of the page.
    page.get_by_role("button", name="Toggle preview").click()
    expect(page.frame_locator("#w-preview-iframe").locator("h1")).to_contain_text(lesson.title)
    # So do Wagtail's accessibility checks (axe), run on that preview.
    page.get_by_role("button", name="Toggle checks").click()
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Xuất bản").click()
    expect(page.locator(".messages .success")).to_be_visible()
    lesson.refresh_from_db()
    assert lesson.title.endswith("(đã sửa)")

    page.goto(admin_site.url + "/admin/snippets/h5p/h5pactivity/add/")
    expect(page.locator("input[type=file]")).to_have_count(1)
    # The image library and its uploader (previews drawn from blob: addresses).
    page.goto(admin_site.url + "/admin/images/")
    expect(page.locator("main")).to_be_visible()
    page.goto(admin_site.url + "/admin/images/multiple/add/")
    expect(page.locator("input[type=file]").first).to_be_attached()


def test_an_editor_without_a_second_factor_sets_one_up_under_the_policy(admin_site, desk):
    page = desk
    editor = AdultFactory(
        email="new-editor@example.org", role="editor", is_staff=True, is_superuser=True, second_factor=False
    )
    page.goto(admin_site.url + "/vi/accounts/login/")
    page.locator("#id_login").fill(editor.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(admin_site.url + "/admin/")
    # The CMS sends them to set up TOTP first; allauth asks for the password again before that.
    expect(page.get_by_role("status")).to_contain_text("xác thực hai bước")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    # The QR code (a data: picture) and the field for the six digits.
    expect(page.locator("img[src^='data:']").first).to_be_visible()
    expect(page.locator("#id_code")).to_be_visible()
