"""Issue 19, "Save on this device": a teacher saves a class on a shared phone; the size is shown
before anything is fetched, the bar fills, and the device's caches then hold the class's lessons
and the H5P player, never a staff page, an account page or a result. With the connection gone a
lesson opens; after an editor publishes a change, the next page the device loads online brings
the new text to the saved copy.

One browser context is one device. The steps that open a page with the connection gone need the
service worker (/sw.js, elearning/static/elearning/js/sw.js); without it they are skipped."""

import re

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from schools import services
from tests.browser.conftest import PHONE
from tests.browser.test_h5p import h5p_site  # noqa: F401
from tests.browser.test_schools import log_in
from tests.factories import AdultFactory

pytestmark = pytest.mark.browser

COURSE = "/vi/khoa-hoc/bi-mat-va-em/"
LESSON = COURSE + "thong-tin-rieng-tu/"
# Staff pages, accounts, the admin, results and the lists themselves are never kept.
NEVER_CACHED = re.compile(r"^/(vi|en)/(classes|schools|accounts|admin)/|^/admin/|/results/|offline\.json$")

CACHE_CONTENTS = """async () => {
  const out = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    out[name] = (await cache.keys()).map((request) => new URL(request.url).pathname);
  }
  return out;
}"""
CACHED_TEXT = """async (url) => {
  const cached = await (await caches.open('so-content')).match(url);
  return cached ? cached.text() : null;
}"""


def has_service_worker() -> bool:
    try:
        reverse("service_worker")
    except NoReverseMatch:
        return False
    return True


@pytest.fixture
def saved_class(h5p_site):  # noqa: F811
    """The fixture module (a lesson embedding the demo H5P activity) assigned to a class."""
    from courses.models import CoursePage
    from elearning.models import HomePage
    from quizzes.demo import load_quizzes
    from tests.conftest import FIXTURE_MODULE

    site, lesson, activity = h5p_site
    load_quizzes(HomePage.objects.get(locale__language_code="vi"), [FIXTURE_MODULE])
    teacher = AdultFactory(display_name="Cô Lan", email="co.lan@example.org")
    school = services.school_create(founder=teacher, name="Trường Tiểu học Hoa Sen", province="hue", kind="school")
    classroom = services.classroom_create(school=school, teacher=teacher, name="3B", grade=3, sign_in_kind="pin")
    course = CoursePage.objects.get(slug="bi-mat-va-em")
    services.course_assign(classroom=classroom, course=course, due_on=None, by=teacher)
    return site, teacher, classroom, lesson, activity


def device(browser):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", service_workers="allow")
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


def saved_version_now(page, list_url):
    """Keeps window.__savedVersion set to the saved list's version (wait_for_function takes a
    value, not a promise: IndexedDB is read here, every 200 ms)."""
    page.evaluate(
        "(url) => setInterval(() => SafeOnlineDB.get('saved', url)"
        ".then((s) => { window.__savedVersion = s && s.version; }), 200)",
        list_url,
    )


def save_the_class(page, url, classroom):
    """The teacher presses "Tải về máy", reads the size, confirms, and waits for the full bar."""
    page.goto(f"{url}/vi/classes/{classroom.pk}/")
    panel = page.get_by_test_id("offline-save")
    panel.get_by_role("button", name="Tải về máy").click()
    size = panel.get_by_test_id("offline-size")
    expect(size).to_have_text(re.compile(r"^Khoảng [\d,]+ (MB|kB)\. "))
    # Nothing fetched yet: the size comes first.
    # (The service worker's own offline page is kept from its install, in a cache of its own.)
    assert not any(paths for name, paths in page.evaluate(CACHE_CONTENTS).items() if not name.startswith("so-shell-"))
    panel.get_by_role("button", name="Lưu", exact=True).click()
    expect(panel).to_have_attribute("data-offline-state", "saved")
    bar = panel.locator("progress")
    expect(bar).to_be_visible()
    assert page.evaluate("(bar) => bar.value === bar.max && bar.max > 1", bar.element_handle())
    expect(panel.get_by_role("status")).to_contain_text("Đã lưu trên máy này")
    return panel


def test_offline_a_teacher_saves_a_class_and_a_lesson_opens_without_a_connection(saved_class, browser):
    site, teacher, classroom, lesson, activity = saved_class
    url = site.url
    context, page = device(browser)
    log_in(page, url, teacher)
    save_the_class(page, url, classroom)

    cached = page.evaluate(CACHE_CONTENTS)
    content = set(cached["so-content"])
    assert {COURSE, LESSON} <= content
    assert f"/vi/h5p/play/{lesson.pk}/{activity.pk}/" in content
    assert any(path.endswith("/h5p.json") for path in content)
    assert any(path.endswith("/library.json") for path in content)
    assert any(path.endswith("h5p-standalone/main.bundle.js") for path in content)
    assert any(path.endswith("elearning/css/site.css") for path in content)
    everything = [path for paths in cached.values() for path in paths]
    assert not [path for path in everything if NEVER_CACHED.search(path)], everything
    assert not [name for name in cached if name.startswith("so-learner-")], "a teacher's device keeps no pupil's pages"

    if not has_service_worker():
        context.close()
        pytest.skip("Opening a saved lesson offline needs the service worker (/sw.js, helper B's sw.js).")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    page.goto(url + LESSON)
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    context.close()


def test_offline_an_editor_publishes_and_the_device_shows_the_new_text_after_reconnecting(saved_class, browser):
    site, teacher, classroom, lesson, _activity = saved_class
    url = site.url
    context, page = device(browser)
    log_in(page, url, teacher)
    save_the_class(page, url, classroom)
    list_url = f"/vi/classes/{classroom.pk}/offline.json"
    saved_version = page.evaluate("(url) => SafeOnlineDB.get('saved', url).then((s) => s.version)", list_url)

    # The editor publishes a changed lesson (the device is elsewhere, away from the network).
    lesson.refresh_from_db()
    lesson.title = "Thông tin riêng tư: bài đã sửa"
    lesson.save_revision().publish()

    # The device reconnects: any page loaded online lets save.js bring its saved copies up to date.
    page.goto(url + "/vi/help/")
    saved_version_now(page, list_url)
    page.wait_for_function("(old) => window.__savedVersion && window.__savedVersion !== old", arg=saved_version)
    assert "bài đã sửa" in page.evaluate(CACHED_TEXT, url + LESSON)

    if not has_service_worker():
        context.close()
        pytest.skip("Opening the updated lesson offline needs the service worker (/sw.js, helper B's sw.js).")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    page.goto(url + LESSON)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thông tin riêng tư: bài đã sửa")
    context.close()
