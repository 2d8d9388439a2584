"""The learner-facing course pages run a small, fixed number of queries, whatever the number of
courses, lessons and learners. Counted with the development cache (the database), so every read
of the cache counts as a query here too."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.rich_text import RichText

from courses.models import CourseIndexPage, CoursePage, LessonPage, Topic
from progress.services import step_complete
from tests.factories import AdultFactory, PupilFactory

MAX_QUERIES = 12


def count_queries(client, url) -> int:
    # The first request fills the caches (and creates the helpline setting's row); the second
    # reads them as every later reader does.
    for _ in range(2):
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_lesson(course, number):
    lesson = LessonPage(
        title=f"Bài thêm {number}",
        slug=f"bai-them-{number}",
        body=[("text", RichText(f"<p>Bài thêm số {number}.</p>"))],
    )
    course.add_child(instance=lesson)
    lesson.save_revision().publish()
    return lesson


def add_course(index, number):
    course = CoursePage(
        title=f"Khóa thêm {number}", slug=f"khoa-them-{number}", summary="Thêm.", audience="pupil", age_band="6-8"
    )
    index.add_child(instance=course)
    course.topics.set([Topic.objects.get(code="privacy")])
    course.save_revision().publish()
    for lesson in range(2):
        add_lesson(course, f"{number}-{lesson}")
    return course


@pytest.fixture
def pupil(db):
    return PupilFactory(learning_data_consent=True)


@pytest.fixture
def index(course):
    return CourseIndexPage.objects.get(locale__language_code="vi")


def grow(course, index, learners=3):
    """More lessons in the course, more courses in the catalogue, more learners with progress."""
    for number in range(3):
        add_lesson(course, number)
        add_course(index, number)
    for lesson in LessonPage.objects.child_of(course).live():
        for _ in range(learners):
            step_complete(learner=AdultFactory(), page=lesson)


def test_a_pupils_lesson_takes_at_most_12_queries_whatever_the_course(client, pupil, course, index, lessons):
    step_complete(learner=pupil, page=lessons[0])
    client.force_login(pupil)
    before = count_queries(client, lessons[1].url)
    assert before <= MAX_QUERIES
    grow(course, index)
    assert count_queries(client, lessons[1].url) == before


def test_the_catalogue_takes_at_most_12_queries_whatever_its_size(client, pupil, course, index, lessons):
    step_complete(learner=pupil, page=lessons[0])
    client.force_login(pupil)
    before = count_queries(client, index.url)
    assert before <= MAX_QUERIES
    grow(course, index)
    assert count_queries(client, index.url) == before
    assert count_queries(client, index.url + "?audience=pupil&topic=privacy") == before


def test_the_catalogue_for_a_visitor_takes_fewer_queries(client, course, index):
    anonymous = count_queries(client, index.url)
    client.force_login(AdultFactory())
    assert anonymous < count_queries(client, index.url)


def test_a_course_page_takes_a_fixed_number_of_queries(client, pupil, course, index, lessons):
    step_complete(learner=pupil, page=lessons[0])
    client.force_login(pupil)
    before = count_queries(client, course.url)
    assert before <= MAX_QUERIES
    grow(course, index)
    assert count_queries(client, course.url) == before


def test_the_home_page_for_a_visitor_takes_few_queries(client, course):
    # The site, the language and the home page (Wagtail's), one read of the content cache, and
    # the page's cached fragment.
    assert count_queries(client, "/vi/") <= 5
