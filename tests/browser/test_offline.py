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


def until(page, promise: str):
    """Waits until the promise that the JavaScript expression `promise` makes resolves truthy
    (wait_for_function does not wait for a promise: each poll starts one, and reads the last)."""
    page.evaluate("window.__until = undefined")
    page.wait_for_function(
        f"() => {{ Promise.resolve({promise}).then((v) => {{ window.__until = !!v; }});"
        " return window.__until === true; }"
    )


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


def sign_in(page, url, classroom, pupil):
    """The pupil signs in with the class code, their name and their PIN."""
    page.goto(url + "/vi/class/")
    page.locator("#id_code").fill(classroom.class_code)
    page.locator("form.form button[type=submit]").click()
    page.get_by_role("link", name=pupil.display_name).click()
    page.locator("#id_pin").fill("".join(credentials.secret_of(pupil.pupil_credential)))
    page.locator("form.form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/vi/my-modules/$"))


def known_pupil(page):
    """The device's pupil, once offline.js has their pass (None when there is none)."""
    return page.evaluate("SafeOnlineDB.get('identity', 'current').then((i) => i ? i.learner : null)")


def save_on_device(page, url, pupil):
    """The pupil presses "Save on this device" on their modules page: the module, their quiz
    and their modules page are kept on the phone."""
    controlled(page)
    until(page, f"SafeOnlineDB.get('identity', 'current').then((i) => i && i.learner === {pupil.pk})")
    page.goto(url + "/vi/my-modules/")
    panel = page.get_by_test_id("offline-save")
    panel.get_by_role("button", name="Tải về máy").click()
    panel.get_by_role("button", name="Lưu", exact=True).click()
    expect(panel).to_have_attribute("data-offline-state", "saved")


def finish_offline(page, url, lesson):
    page.goto(url + lesson)
    finish = page.locator("form[data-offline-kind=finish]").get_by_role("button", name="Em đã học xong")
    finish.click()
    expect(page.get_by_test_id("offline-indicator").filter(has_text=WAITING)).to_be_visible()
    expect(finish).to_be_hidden()


def quiz_offline(page, url):
    page.goto(url + QUIZ)
    answer(page, wrong_first=False)
    answer_the_rest(page, next_button=True)
    page.get_by_role("button", name="Gửi bài làm").click()
    expect(page.get_by_test_id("offline-indicator").filter(has_text=WAITING)).to_be_visible()


def recorded(pupil, course_slug="bi-mat-va-em"):
    """What the server holds for the pupil: quiz attempts, and lessons finished."""
    from courses.models import LessonPage
    from progress.models import StepRecord
    from quizzes.models import QuizAttempt

    lessons = LessonPage.objects.filter(slug__in=["thong-tin-rieng-tu", "hoi-nguoi-lon", "goi-111"])
    finished = StepRecord.objects.filter(learner=pupil, page__in=lessons, completed_at__isnull=False).count()
    return QuizAttempt.objects.filter(learner=pupil).count(), finished


def dashboard_row(browser, site, pupil):
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, site.url, site.teacher)
    page.goto(f"{site.url}/vi/classes/{site.classroom.pk}/")
    return context, page.locator("[data-testid=dashboard] tbody tr", has_text=pupil.display_name)


def test_offline_quiz_and_two_lessons_are_sent_once_when_the_pupil_comes_back(class_site, browser):
    url, an = class_site.url, class_site.pupils[0]
    context, page = device(browser)
    sign_in(page, url, class_site.classroom, an)
    save_on_device(page, url, an)

    # The first lesson is finished online, but the connection fails while "I've finished" is on
    # its way: the phone shows its saved copy of the lesson and keeps the finish.
    def connection_lost(route):
        if route.request.method == "POST":
            route.abort("internetdisconnected")
        else:
            route.continue_()

    for address in (f"**{LESSONS[0]}", "**/offline/send/"):
        context.route(address, connection_lost)
    page.goto(url + LESSONS[0])
    page.get_by_role("button", name="Em đã học xong").click()
    expect(page.get_by_test_id("offline-indicator")).to_contain_text(WAITING)
    context.set_offline(True)  # and the connection stays down
    context.unroute_all()
    finish_offline(page, url, LESSONS[1])
    quiz_offline(page, url)
    page.close()  # the tab is closed; the phone stays off the network for a while
    assert recorded(an) == (0, 0)

    context.set_offline(False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(url + "/vi/my-modules/")
    status = page.get_by_test_id("offline-indicator")
    expect(status.locator(".offline-status__sent")).to_have_count(3)
    expect(status).not_to_contain_text(WAITING)
    expect(status.get_by_role("link", name="Xem kết quả")).to_be_visible()
    assert recorded(an) == (1, 2)

    # The teacher's dashboard: two lessons and the quiz of four steps.
    teacher, row = dashboard_row(browser, class_site, an)
    expect(row.locator("td.cell--in_progress")).to_contain_text("75%")
    # Sent again (a tab left open, Background Sync, a retry): nothing more is recorded.
    page.reload()
    expect(page.locator("h1")).to_be_visible()
    assert recorded(an) == (1, 2)
    teacher.close()
    context.close()


def test_offline_the_connection_drops_while_sending_and_nothing_is_lost_or_doubled(class_site, browser):
    url, an = class_site.url, class_site.pupils[0]
    context, page = device(browser)
    sign_in(page, url, class_site.classroom, an)
    save_on_device(page, url, an)
    context.set_offline(True)
    finish_offline(page, url, LESSONS[0])
    finish_offline(page, url, LESSONS[1])
    quiz_offline(page, url)
    page.close()

    # Back online, the connection drops while the second item is on its way: it reaches the server
    # (which records it) but the phone never hears the answer, and the connection stays down
    # for a while (every try meanwhile fails: the page's and Background Sync's).
    sent, connection = [], {"up": True}

    def drop_after_the_second_arrives(route):
        sent.append(route.request.post_data_json["key"])
        if not connection["up"]:
            route.abort("internetdisconnected")
            return
        response = route.fetch()
        if len(sent) == 2:
            connection["up"] = False
            route.abort("internetdisconnected")
        else:
            route.fulfill(response=response)

    context.route("**/vi/offline/send/", drop_after_the_second_arrives)
    context.set_offline(False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    with context.expect_event("requestfailed", lambda request: request.url.endswith("/offline/send/")):
        page.goto(url + "/vi/my-modules/")
    status = page.get_by_test_id("offline-indicator")
    expect(status.locator(".offline-status__sent")).to_have_count(1)
    expect(status).to_contain_text(WAITING)  # the second lesson and the quiz are still on the phone
    assert recorded(an) == (0, 2)
    second = sent[1]

    # Later, with the connection back: the second is sent again (a replay), then the quiz.
    connection["up"] = True
    page.reload()
    expect(status.locator(".offline-status__sent")).to_have_count(2)
    expect(status).not_to_contain_text(WAITING)
    assert sent.count(second) >= 2
    assert recorded(an) == (1, 2)
    teacher, row = dashboard_row(browser, class_site, an)
    expect(row.locator("td.cell--in_progress")).to_contain_text("75%")
    teacher.close()
    context.close()


def own_caches(page) -> list[str]:
    return [name for name in caches_of(page) if name.startswith("so-learner-")]


def test_offline_two_pupils_on_one_phone_never_see_or_send_each_others_work(class_site, browser):
    url, (an, binh) = class_site.url, class_site.pupils
    context, page = device(browser)
    # The school's sending is held back until the end, so that An's work waits on the phone
    # while Bình uses it.
    gate = {"open": False}

    def school_network(route):
        if gate["open"]:
            route.continue_()
        else:
            route.abort("internetdisconnected")

    context.route("**/offline/send/", school_network)

    # An saves the module, then does a lesson and the quiz offline, and signs out, still offline.
    sign_in(page, url, class_site.classroom, an)
    save_on_device(page, url, an)
    context.set_offline(True)
    finish_offline(page, url, LESSONS[0])
    quiz_offline(page, url)
    page.goto(url + "/vi/my-modules/")
    expect(page.locator(".site-nav")).to_contain_text(an.display_name)
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_test_id("offline-indicator")).to_contain_text("Đã đăng xuất trên máy này")
    assert own_caches(page) == [] and known_pupil(page) is None
    # An's quiz form is gone from the phone: offline, the quiz's address shows the offline page.
    page.goto(url + QUIZ)
    expect(page.locator("h1")).to_have_text("Máy đang không có mạng")
    expect(page.locator("form[data-quiz]")).to_have_count(0)

    # Online again, the first page finishes An's sign-out on the server.
    context.set_offline(False)
    page.goto(url + "/vi/")
    expect(page.get_by_role("link", name="Em là học sinh")).to_be_visible()
    expect(page.locator("body[data-pupil]")).to_have_count(0)

    # Bình signs in on the same phone: nothing of An's shows, and Bình's own pages are Bình's.
    sign_in(page, url, class_site.classroom, binh)
    save_on_device(page, url, binh)
    status = page.get_by_test_id("offline-indicator")  # hidden while it has nothing to say
    expect(status).to_be_empty()
    assert own_caches(page) == [f"so-learner-{binh.pk}"]
    context.set_offline(True)
    page.goto(url + "/vi/my-modules/")
    expect(page.locator(".site-nav")).to_contain_text(binh.display_name)
    expect(page.locator(".site-nav")).not_to_contain_text(an.display_name)
    page.goto(url + LESSONS[0])
    expect(page.get_by_role("button", name="Em đã học xong")).to_be_visible()  # not finished: that was An
    expect(status).to_be_empty()

    # The school's network lets sending through: An's work is sent in the background, for An
    # only, and Bình's page says nothing of it.
    gate["open"] = True
    context.set_offline(False)
    page.goto(url + "/vi/my-modules/")
    expect(page.locator("body[data-pupil]")).to_have_attribute("data-pupil", str(binh.pk))
    until(page, "SafeOnlineDB.all('queue').then((items) => items.every((item) => item.state !== 'waiting'))")
    assert recorded(an) == (1, 1) and recorded(binh) == (0, 0)
    expect(status).to_be_empty()

    # Bình's four hours end: the phone forgets Bình, whose quiz no longer opens offline.
    page.evaluate(
        "SafeOnlineDB.get('identity', 'current')"
        ".then((i) => SafeOnlineDB.put('identity', {...i, expires: Date.now() - 1}))"
    )
    context.set_offline(True)
    page.goto(url + QUIZ)
    expect(page.locator("h1")).to_have_text("Máy đang không có mạng")
    until(page, "SafeOnlineDB.get('identity', 'current').then((i) => !i)")
    assert own_caches(page) == []
    context.close()
