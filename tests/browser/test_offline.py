"""Issue 19, offline on shared devices: a pupil's phone keeps the class's lessons and the pupil's own
quiz, works with the connection gone, and sends what was done when it comes back, once.

Playwright's offline emulation (`context.set_offline`) cuts pages and, in Chromium, the service
worker. One browser context is one device (one browser profile): its caches, IndexedDB and
service worker outlive its tabs. Every test waits for something the pupil or the teacher sees
(the indicator's words, a page's heading), never for a fixed time.

The few Vietnamese words asserted come from this change's translations (vi-19-b.json)."""

import re

import pytest
from playwright.sync_api import expect

from accounts import credentials
from schools import services
from schools.roster import plan_from_text
from tests.browser.conftest import PHONE
from tests.browser.test_quizzes import answer, answer_the_rest, quiz_site  # noqa: F401
from tests.browser.test_schools import log_in
from tests.factories import AdultFactory
from tests.schools.conftest import consent_all

pytestmark = pytest.mark.browser

WAITING = "Đã lưu trên máy, sẽ gửi khi có mạng"
SENT = "Đã gửi"
COURSE = "/vi/khoa-hoc/bi-mat-va-em/"
LESSONS = [COURSE + "thong-tin-rieng-tu/", COURSE + "hoi-nguoi-lon/", COURSE + "goi-111/"]
QUIZ = COURSE + "kiem-tra-nhanh/"

CACHE_CONTENTS = """async () => {
  const out = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    out[name] = (await cache.keys()).map((request) => new URL(request.url).pathname);
  }
  return out;
}"""


@pytest.fixture
def class_site(quiz_site):  # noqa: F811
    """A class of two pupils (PIN, family consent recorded) with the fixture module assigned."""
    from courses.models import CoursePage

    teacher = AdultFactory(display_name="Cô Lan", email="co.lan@example.org")
    school = services.school_create(founder=teacher, name="Trường Tiểu học Hoa Sen", province="hue", kind="school")
    classroom = services.classroom_create(school=school, teacher=teacher, name="3B", grade=3, sign_in_kind="pin")
    pupils = services.roster_import(
        classroom=classroom, plan=plan_from_text("Nguyễn Văn An\nTrần Thị Bình", existing_names=set())
    )
    consent_all(pupils, teacher)
    course = CoursePage.objects.get(slug="bi-mat-va-em")
    services.course_assign(classroom=classroom, course=course, due_on=None, by=teacher)
    quiz_site.teacher, quiz_site.classroom, quiz_site.pupils = teacher, classroom, pupils
    return quiz_site


def device(browser):
    """One phone: a browser profile whose service worker is allowed."""
    context = browser.new_context(viewport=PHONE, locale="vi-VN", service_workers="allow")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def controlled(page):
    """Waits until the service worker is active and controls this page."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def caches_of(page) -> dict[str, list[str]]:
    return page.evaluate(CACHE_CONTENTS)


def test_offline_the_worker_never_keeps_a_staff_page_or_a_dashboard(class_site, browser):
    url, classroom = class_site.url, class_site.classroom
    context, page = device(browser)
    log_in(page, url, class_site.teacher)
    page.goto(f"{url}/vi/classes/{classroom.pk}/")
    controlled(page)
    # The teacher's day, with the worker answering every request.
    for path in (
        f"/vi/classes/{classroom.pk}/",
        f"/vi/classes/{classroom.pk}/pupils/",
        f"/vi/classes/{classroom.pk}/pupils/{class_site.pupils[0].pk}/",
        "/vi/schools/",
        f"/vi/schools/{classroom.school_id}/",
        LESSONS[0],
    ):
        page.goto(url + path)
        expect(page.locator("h1")).to_be_visible()
    expect(page.get_by_test_id("dashboard")).to_have_count(0)
    page.goto(f"{url}/vi/classes/{classroom.pk}/")
    expect(page.get_by_test_id("dashboard")).to_be_visible()
    kept = [path for paths in caches_of(page).values() for path in paths]
    assert not [path for path in kept if re.match(r"^/vi/(classes|schools|accounts)/", path)], kept

    # Even a dashboard put in the shared cache by mistake is never answered from it offline.
    dashboard = f"{url}/vi/classes/{classroom.pk}/"
    page.evaluate(
        "async (url) => { const c = await caches.open('so-content'); await c.put(url, await fetch(url)); }", dashboard
    )
    context.set_offline(True)
    page.goto(dashboard)
    expect(page.locator("h1")).to_have_text("Máy đang không có mạng")
    expect(page.get_by_test_id("dashboard")).to_have_count(0)
    assert "Nguyễn Văn An" not in page.content()
    context.close()
