"""An H5P activity in a lesson, in a real browser on a phone: the learner answers the demo
activity ("Spot the risk") inside the player, a document of its own framed by the lesson (with
its own Content-Security-Policy; the browser fixture fails any test the policy blocks something
in); the statement reaches the site with the player's CSRF token, and the result and the
lesson's progress are stored. A broken package shows "unavailable" and the lesson goes on."""

import pytest
from playwright.sync_api import expect

from h5p.models import H5PResult, H5PState, H5PStatement
from progress.selectors import step_is_complete
from tests.browser.test_accessibility import violations
from tests.browser.test_quizzes import log_in
from tests.conftest import FIXTURE_MODULE

pytestmark = pytest.mark.browser
PLAYER = "iframe[data-activity-frame]"


def content(page):
    """The H5P content: in the player's document, in the frame that the player writes."""
    return page.frame_locator(PLAYER).frame_locator("iframe")


RISKY = [
    "Cậu học trường nào thế?",
    "Gửi tớ một tấm ảnh của cậu đi",
    "đừng kể với bố mẹ cậu nhé",
    "Mình chuyển sang nhắn riêng",
]


@pytest.fixture
def h5p_site(site, h5p_storage):
    from courses.demo import load_curriculum
    from courses.models import LessonPage
    from elearning.models import HomePage
    from h5p import packages, services
    from h5p.demo import demo_package
    from h5p.models import H5PActivity
    from tests.h5p.conftest import embed

    home = HomePage.objects.get(locale__language_code="vi")
    load_curriculum(home, [FIXTURE_MODULE])
    activity = services.activity_save(
        activity=H5PActivity(title="Tìm tin nhắn không an toàn"),
        package=packages.check_bytes(demo_package("vi")),
    )
    lesson = LessonPage.objects.get(slug="thong-tin-rieng-tu")
    embed(lesson, activity, required=True, pass_mark_percent=100)
    return site, lesson, activity


def test_h5p_answer_inside_the_player_is_stored_with_progress(h5p_site, page):
    site, lesson, activity = h5p_site
    learner = log_in(page, site.url)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(site.url + lesson.url)

    # Finishing before the required activity is refused, with the activity's name.
    page.get_by_role("button", name="Em đã học xong").click()
    expect(page.locator(".message--warning")).to_contain_text("Tìm tin nhắn không an toàn")
    assert not step_is_complete(learner=learner, page=lesson)

    expect(page.locator(PLAYER + "[data-activity-ready]")).to_have_count(1, timeout=30_000)
    frame = content(page)
    for text in RISKY:
        frame.get_by_role("button", name=text).click()
    frame.get_by_role("button", name="Kiểm tra").click()
    expect(frame.locator("[role=status]")).to_contain_text("7")

    def stored():
        return H5PResult.objects.filter(learner=learner, activity=activity, completed=True).first()

    page.wait_for_function("() => true")  # let the post go
    for _ in range(50):
        if stored():
            break
        page.wait_for_timeout(200)
    result = stored()
    assert result is not None, "no H5P result was stored"
    assert (result.best_score, result.max_score, result.attempts, result.client_reported) == (7, 7, 1, True)
    assert H5PStatement.objects.filter(learner=learner, top_level=True).count() == 1
    assert errors == []

    # The player's frames are named for screen readers; the page stays WCAG 2.1 AA.
    expect(page.locator(PLAYER)).to_have_attribute("title", "Tìm tin nhắn không an toàn")
    expect(page.frame_locator(PLAYER).locator("iframe")).to_have_attribute("title", "Tìm tin nhắn không an toàn")
    # The lesson sized the frame to its content.
    assert page.locator(PLAYER).evaluate("frame => frame.getBoundingClientRect().height") > 300
    assert violations(page) == []

    # Now the lesson can be finished: progress is stored.
    page.get_by_role("button", name="Em đã học xong").click()
    expect(page.locator(".message--success").first).to_be_visible()
    assert step_is_complete(learner=learner, page=lesson)


def test_h5p_state_is_saved_and_restored_when_the_learner_comes_back(h5p_site, page):
    site, lesson, activity = h5p_site
    learner = log_in(page, site.url)
    page.goto(site.url + lesson.url)
    expect(page.locator(PLAYER + "[data-activity-ready]")).to_have_count(1, timeout=30_000)
    frame = content(page)
    frame.get_by_role("button", name=RISKY[0]).click()
    frame.get_by_role("button", name=RISKY[1]).click()
    # H5P's core saves on its own schedule and when the page is left.
    for _ in range(100):
        if H5PState.objects.filter(learner=learner, activity=activity).exists():
            break
        page.wait_for_timeout(250)
    assert H5PState.objects.filter(learner=learner, activity=activity).exists(), "no state was saved"
    page.goto(site.url + lesson.url)
    frame = content(page)
    expect(frame.get_by_role("button", name=RISKY[0])).to_have_attribute("aria-pressed", "true")
    expect(frame.get_by_role("button", name=RISKY[1])).to_have_attribute("aria-pressed", "true")
    expect(frame.get_by_role("button", name=RISKY[2])).to_have_attribute("aria-pressed", "false")


def test_h5p_package_that_fails_to_load_shows_unavailable_and_the_lesson_goes_on(h5p_site, page):
    from h5p import libraries, packages
    from h5p.models import H5PLibrary

    site, lesson, _activity = h5p_site
    # A library file gone from the shared store: the player fails the way a missing library does.
    for library in H5PLibrary.objects.filter(machine_name="H5P.SpotTheRisk"):
        packages.storage().delete(f"{libraries.folder_of(library.digest)}/library.json")
    learner = log_in(page, site.url)
    page.goto(site.url + lesson.url)
    expect(page.frame_locator(PLAYER).get_by_text("Hoạt động này hiện không dùng được")).to_be_visible(timeout=30_000)
    expect(page.locator(PLAYER + "[data-activity-failed]")).to_have_count(1)
    # The required activity cannot be played here: it does not hold up the lesson.
    page.get_by_role("button", name="Em đã học xong").click()
    expect(page.locator(".message--success").first).to_be_visible()
    assert step_is_complete(learner=learner, page=lesson)


def test_h5p_visitor_plays_without_anything_saved_or_tracked(h5p_site, page):
    site, lesson, _activity = h5p_site
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(site.url + lesson.url)
    expect(page.locator(PLAYER + "[data-activity-ready]")).to_have_count(1, timeout=30_000)
    frame = content(page)
    for text in RISKY:
        frame.get_by_role("button", name=text).click()
    frame.get_by_role("button", name="Kiểm tra").click()
    expect(frame.locator("[role=status]")).to_contain_text("7")
    page.wait_for_timeout(500)
    assert errors == []
    assert not H5PStatement.objects.exists() and not H5PResult.objects.exists()
    # H5P's core keeps no tracking id of its own on a shared device.
    assert page.evaluate("() => window.localStorage.getItem('H5PUserUUID')") is None
