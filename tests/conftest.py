from pathlib import Path

import pytest

from elearning.demo import load_site

# A small module in both languages (ages 6-8; its last lesson is sensitive; its quiz has one
# question of each type).
FIXTURE_MODULE = Path(__file__).parent / "courses" / "curriculum" / "10-fixture"


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in Vietnamese: a request to an /en/ page leaves English active in the
    thread, and `reverse()` in the next test would build /en/ URLs (the order of tests differs
    between runs, and between workers under pytest-xdist)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def home_page(db):
    """The Vietnamese home page as the site root, with its English translation."""
    return load_site()


@pytest.fixture
def course(home_page):
    """The fixture module loaded as a Vietnamese course with its English translation."""
    from courses.demo import load_curriculum
    from courses.models import CoursePage

    load_curriculum(home_page, [FIXTURE_MODULE])
    return CoursePage.objects.get(slug="bi-mat-va-em")


@pytest.fixture
def lessons(course):
    from courses.models import LessonPage

    return list(LessonPage.objects.child_of(course).order_by("path"))


@pytest.fixture
def en_course(course):
    from courses.models import CoursePage

    return CoursePage.objects.get(slug="secrets-and-you")


@pytest.fixture
def h5p_storage(settings, tmp_path):
    """A storage folder of its own for H5P packages, so that stored packages never leak between
    tests (identical uploads are stored once)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "h5p": {**settings.STORAGES["h5p"], "OPTIONS": {"location": str(tmp_path / "h5p")}},
    }
