from pathlib import Path

import pytest

from courses.demo import load_curriculum
from courses.models import CoursePage, LessonPage

# A small module in both languages (ages 6-8; its last lesson is sensitive).
FIXTURE_MODULE = Path(__file__).parent / "curriculum" / "10-fixture"


@pytest.fixture
def course(home_page):
    """The fixture module loaded as a Vietnamese course with its English translation."""
    load_curriculum(home_page, [FIXTURE_MODULE])
    return CoursePage.objects.get(slug="bi-mat-va-em")


@pytest.fixture
def lessons(course):
    return list(LessonPage.objects.child_of(course).order_by("path"))


@pytest.fixture
def en_course(course):
    return CoursePage.objects.get(slug="secrets-and-you")
