"""Real published H5P packages, uploaded the way the admin's form does, play in Chromium under the
player's Content-Security-Policy: a True/False (answered here, and its score reported), a Drag
the Words and a Question Set (whose EmbeddedJS needs 'unsafe-eval', given to its player only),
from `../shared/h5p-corpus/` (skipped with a message where that folder is missing). The browser
fixture fails the test on any violation, in the player's document or in the content's frame."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from h5p.models import H5PResult
from tests.browser.test_quizzes import log_in

pytestmark = pytest.mark.browser

CORPUS = Path(settings.BASE_DIR).parent / "shared" / "h5p-corpus"
PACKAGES = {
    "tunapanda__h5p-test.h5p": "Is this false?",
    "lumi__test_data_example-packages_H5P.DragText.h5p": "What are the colors of these berries",
    "dthies__question-set-616.h5p": "Which of the berries listed below",
}
PLAYER = "iframe[data-activity-frame]"


def upload(path: Path):
    """As the admin's form does: the package is checked, then stored with its activity."""
    from wagtail.models import Locale

    from h5p import packages, services
    from h5p.models import H5PActivity

    checked = packages.check_bytes(path.read_bytes())
    return services.activity_save(
        activity=H5PActivity(title=checked.title or path.stem, locale=Locale.objects.get(language_code="en")),
        package=checked,
    )


def lesson_with(path: Path):
    from courses.demo import load_curriculum
    from courses.models import LessonPage
    from elearning.models import HomePage
    from tests.conftest import FIXTURE_MODULE
    from tests.h5p.conftest import embed

    load_curriculum(HomePage.objects.get(locale__language_code="vi"), [FIXTURE_MODULE])
    activity = upload(path)
    return embed(LessonPage.objects.get(slug="thong-tin-rieng-tu"), activity), activity


@pytest.mark.parametrize("name", list(PACKAGES))
def test_a_published_package_plays_under_the_players_policy(site, h5p_storage, page, name):
    if not (CORPUS / name).exists():
        pytest.skip(f"The H5P corpus is not at {CORPUS}: nothing to play.")
    lesson, _activity = lesson_with(CORPUS / name)

    page.goto(site.url + lesson.url)
    expect(page.locator(PLAYER + "[data-activity-ready]")).to_have_count(1, timeout=30_000)
    content = page.frame_locator(PLAYER).frame_locator("iframe")
    expect(content.locator("body")).to_contain_text(PACKAGES[name], timeout=15_000)


def test_a_published_true_false_reports_its_score(site, h5p_storage, page):
    if not (CORPUS / "tunapanda__h5p-test.h5p").exists():
        pytest.skip(f"The H5P corpus is not at {CORPUS}: nothing to play.")
    lesson, activity = lesson_with(CORPUS / "tunapanda__h5p-test.h5p")
    learner = log_in(page, site.url)
    page.goto(site.url + lesson.url)
    expect(page.locator(PLAYER + "[data-activity-ready]")).to_have_count(1, timeout=30_000)
    content = page.frame_locator(PLAYER).frame_locator("iframe")
    content.get_by_role("radio", name="False").click()  # the package's right answer
    content.get_by_role("button", name="Check").click()
    for _ in range(50):  # the statement is posted from the player, then stored
        if H5PResult.objects.filter(learner=learner, activity=activity).exists():
            break
        page.wait_for_timeout(200)
    result = H5PResult.objects.get(learner=learner, activity=activity)
    assert (result.best_score, result.max_score, result.client_reported) == (1, 1, True)


# Three of the corpus's activities whose own content is small (the Question Set's pictures alone
# are 1.9 MB: what an activity's author puts in is not the platform's to shrink).
THREE = {
    "tunapanda__h5p-test.h5p": "Is this false?",
    "lumi__test_data_example-packages_H5P.DragText.h5p": "What are the colors of these berries",
    "albasha__questionnaire_igo-20cc9a8b.h5p": "What is your favorite berry?",
}


def test_a_lesson_with_three_published_activities_loads_each_library_once(site, h5p_storage, page):
    """The issue's measure: a lesson with three third-party activities under 800 KB on first
    load (a new browser profile, nothing cached), each shared library fetched once. Measured as
    the test server sends it: the site's own static files uncompressed (in production whitenoise
    sends them compressed, some 150 KB less); the packages' text compressed by the H5P view."""
    if not all((CORPUS / name).exists() for name in THREE):
        pytest.skip(f"The H5P corpus is not at {CORPUS}: nothing to play.")
    from tests.h5p.conftest import embed

    first, *others = THREE
    lesson, _activity = lesson_with(CORPUS / first)
    for name in others:
        lesson = embed(lesson, upload(CORPUS / name))
    assert len(lesson.embedded_h5p_activity_ids()) == 3
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(site.url + lesson.url)
    expect(page.locator(PLAYER + "[data-activity-ready]")).to_have_count(3, timeout=45_000)
    for number, name in enumerate(THREE):
        content = page.frame_locator(PLAYER).nth(number).frame_locator("iframe")
        expect(content.locator("body")).to_contain_text(THREE[name], timeout=15_000)
    page.wait_for_load_state("networkidle")
    total = 0
    library_addresses = []
    fetched = [request for request in finished if request.sizes()["responseBodySize"] >= 0]  # not from the cache
    for request in fetched:
        sizes = request.sizes()
        total += sizes["responseBodySize"] + max(0, sizes["responseHeadersSize"]) + max(0, sizes["requestHeadersSize"])
        if "/h5p/libraries/" in request.url:
            library_addresses.append(request.url)
    print(f"first load: {len(fetched)} requests over the network ({len(finished)} in all), {total / 1024:.0f} KB")
    assert len(library_addresses) == len(set(library_addresses))  # each library file once
    assert total < 800 * 1024, f"{total / 1024:.0f} KB in {len(fetched)} requests"
