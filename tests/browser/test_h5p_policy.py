"""Real published H5P packages play under the player's Content-Security-Policy: a True/False, a
Drag the Words and a Question Set (whose EmbeddedJS needs 'unsafe-eval', given to its player
only), from `../shared/h5p-corpus/` (skipped with a message where that folder is missing). The
browser fixture fails the test on any violation, in the player's document or in the content's
own frame.

The packages' files are stored as they are, without the upload's checks: what the upload accepts
is a question for the upload's own tests; this one is about what the policy lets run."""

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CORPUS = Path(settings.BASE_DIR).parent / "shared" / "h5p-corpus"
PACKAGES = {
    "tunapanda__h5p-test.h5p": "Is this false?",
    "lumi__test_data_example-packages_H5P.DragText.h5p": "What are the colors of these berries",
    "dthies__question-set-616.h5p": "Which of the berries listed below",
}
PLAYER = "iframe[data-activity-frame]"


def store_as_it_is(path: Path):
    from quizzes import packages, services
    from quizzes.models import H5PActivity

    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}
    metadata = json.loads(files["h5p.json"])
    libraries = sorted({name.split("/", 1)[0] for name in files if "/" in name} - {"content"})
    package = packages.CheckedPackage(
        sha256=hashlib.sha256(data).hexdigest(),
        title=metadata["title"],
        language="en",
        main_library=metadata["mainLibrary"],
        libraries=tuple(libraries),
        size_bytes=len(data),
        files=files,
    )
    return services.h5p_activity_save(activity=H5PActivity(title=metadata["title"], language="en"), package=package)


@pytest.mark.parametrize("name", list(PACKAGES))
def test_a_published_package_plays_under_the_players_policy(site, h5p_storage, page, name):
    if not (CORPUS / name).exists():
        pytest.skip(f"The H5P corpus is not at {CORPUS}: nothing to play.")
    from courses.demo import load_curriculum
    from courses.models import LessonPage
    from elearning.models import HomePage
    from tests.conftest import FIXTURE_MODULE
    from tests.quizzes.conftest import embed

    load_curriculum(HomePage.objects.get(locale__language_code="vi"), [FIXTURE_MODULE])
    lesson = embed(LessonPage.objects.get(slug="thong-tin-rieng-tu"), store_as_it_is(CORPUS / name))

    page.goto(site.url + lesson.url)
    expect(page.locator(PLAYER + "[data-activity-ready]")).to_have_count(1, timeout=30_000)
    content = page.frame_locator(PLAYER).frame_locator("iframe")
    expect(content.locator("body")).to_contain_text(PACKAGES[name], timeout=15_000)
