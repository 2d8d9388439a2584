"""Browser journeys through the catalogue and lessons, on a small phone, with and without
JavaScript, checked by axe-core."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from courses.curriculum import MODULES_DIR
from tests.browser.test_accessibility import violations
from tests.factories import PASSWORD, AdultFactory

pytestmark = pytest.mark.browser

# Real modules of the starter curriculum: ages 6-8 and 9-11, and a sensitive one for 15-17.
MODULES = ["10-pupil-6-8-privacy", "20-pupil-9-11-privacy", "44-pupil-15-17-grooming-image-sharing"]


@pytest.fixture
def courses_site(site):
    from courses.demo import load_curriculum
    from elearning.models import HomePage

    load_curriculum(HomePage.objects.get(locale__language_code="vi"), [MODULES_DIR / name for name in MODULES])
    return site


def serious(page) -> list[str]:
    return [v for v in violations(page) if "(serious)" in v or "(critical)" in v]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_visitor_filters_the_catalogue_to_ages_9_11_and_reads_a_lesson(courses_site, browser, javascript):
    context = browser.new_context(viewport={"width": 320, "height": 640}, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(courses_site.url + "/vi/")
    page.get_by_role("link", name="Xem các khóa học").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Khóa học")
    expect(page.locator(".course-card")).to_have_count(3)

    page.get_by_label("Lứa tuổi").select_option("9-11")
    page.get_by_role("button", name="Xem khóa học").click()
    expect(page).to_have_url(re.compile(r"age=9-11"))
    cards = page.locator(".course-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("9-11 tuổi")
    assert no_sideways_scroll(page)

    cards.first.get_by_role("link").click()
    page.get_by_role("link", name="Bắt đầu bài học đầu tiên").click()
    expect(page.locator(".lesson-meta")).to_contain_text("Bài 1/3")
    expect(page.locator(".block-scenario").first).to_be_visible()
    # A scenario's feedback opens without JavaScript (<details>).
    page.locator(".block-scenario summary").first.click()
    expect(page.locator(".block-scenario__feedback").first).to_be_visible()
    expect(page.locator(".finish")).to_contain_text("tiến độ sẽ không được lưu")
    assert no_sideways_scroll(page)
    page.get_by_role("link", name=re.compile("^Bài tiếp")).click()
    expect(page.locator(".lesson-meta")).to_contain_text("Bài 2/3")
    context.close()


def test_a_signed_in_learner_finishes_a_lesson_and_sees_the_course_progress_move(courses_site, page):
    adult = AdultFactory(email="learner@example.org")
    page.goto(courses_site.url + "/vi/accounts/login/")
    page.locator("#id_login").fill(adult.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    page.goto(courses_site.url + "/vi/khoa-hoc/")
    page.get_by_label("Lứa tuổi").select_option("6-8")
    page.get_by_role("button", name="Xem khóa học").click()
    page.locator(".course-card").first.get_by_role("link").click()
    course_url = page.url
    expect(page.locator(".progress__text")).to_have_text("Đã xong 0/3 bước")

    page.get_by_role("link", name="Bắt đầu bài học đầu tiên").click()
    page.get_by_role("button", name="Em đã học xong").click()
    expect(page.locator(".message")).to_contain_text("Tiến độ của em đã được lưu")
    expect(page.locator(".lesson-meta")).to_contain_text("Bài 2/3")  # on to the next lesson

    page.goto(course_url)
    expect(page.locator(".progress__text")).to_have_text("Đã xong 1/3 bước")
    expect(page.locator(".step-list__item").first).to_contain_text("Xong")
    expect(page.get_by_role("link", name=re.compile("^Học tiếp"))).to_be_visible()


def test_quick_exit_leaves_and_back_does_not_return_to_the_lesson(courses_site, page, monkeypatch):
    monkeypatch.setattr(settings, "QUICK_EXIT_URL", courses_site.url + "/healthz")
    page.goto(courses_site.url + "/vi/khoa-hoc/")
    page.goto(courses_site.url + "/vi/khoa-hoc/?age=15-17")
    page.locator(".course-card").first.get_by_role("link").click()
    page.get_by_role("link", name="Bắt đầu bài học đầu tiên").click()
    lesson_url = page.url
    # The script that replaces the lesson in the history is in place (deferred: after parsing).
    expect(page.locator("html[data-quick-exit-ready]")).to_have_count(1)
    page.get_by_role("link", name="Thoát nhanh khỏi trang này").click()
    expect(page).to_have_url(re.compile(r"/healthz$"))
    page.go_back()
    assert page.url != lesson_url  # the lesson was replaced in the history


@pytest.mark.parametrize(
    "path",
    ["/vi/khoa-hoc/", "/en/courses/?age=9-11", "/vi/khoa-hoc/?q=zzzz"],
)
def test_catalogue_pages_have_no_serious_accessibility_violations(courses_site, page, path):
    page.goto(courses_site.url + path)
    assert serious(page) == []


def test_course_and_lesson_pages_have_no_serious_accessibility_violations(courses_site, page):
    for language, index in (("vi", "/vi/khoa-hoc/"), ("en", "/en/courses/")):
        page.goto(courses_site.url + index + "?age=15-17")
        page.locator(".course-card").first.get_by_role("link").click()
        assert serious(page) == [], f"course page ({language})"
        page.locator(".step-list a").first.click()  # a sensitive lesson: quick exit, scenarios
        page.locator(".block-scenario summary").first.click()
        assert serious(page) == [], f"lesson ({language})"
