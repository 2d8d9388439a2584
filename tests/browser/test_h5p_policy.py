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
