"""A pupil's module list (My modules, and the home page) and the class dashboard run a fixed
number of queries, whatever the number of modules and pupils; module lists are cached for
every pupil alike, but each pupil sees only their own progress."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import CourseIndexPage, CoursePage, LessonPage
from progress.services import step_complete
from schools import services
from schools.roster import plan_from_text
from tests.courses.test_query_counts import add_course
from tests.schools.conftest import consent_all


def count_queries(client, url) -> int:
    for _ in range(2):  # fill the caches, then read them
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.fixture
def assigned(classroom, course, leader, pupils, lessons):
    consent_all(pupils, leader)
    services.course_assign(classroom=classroom, course=course, due_on=None, by=leader)
    step_complete(learner=pupils[0], page=lessons[0])


def more_modules(classroom, leader, count=3):
    index = CourseIndexPage.objects.get(locale__language_code="vi")
    for number in range(count):
        extra = add_course(index, number)
        services.course_assign(classroom=classroom, course=extra, due_on=None, by=leader)


def more_pupils(classroom, leader, pupils, count=5):
    names = "\n".join(f"Phạm Văn {chr(65 + n)}" for n in range(count))
    added = services.roster_import(classroom=classroom, plan=plan_from_text(names, existing_names=set()))
    consent_all(added, leader)
    lessons = LessonPage.objects.live().order_by("path")
    for pupil in added:
        for lesson in lessons[:3]:
            step_complete(learner=pupil, page=lesson)
    return added


@pytest.mark.parametrize("url", ["/vi/my-modules/", "/vi/"])
def test_a_pupils_modules_take_a_fixed_number_of_queries(client, classroom, leader, pupils, assigned, url):
    client.force_login(pupils[0])
    before = count_queries(client, url)
    assert before <= 12
    more_modules(classroom, leader)
    more_pupils(classroom, leader, pupils)
    assert count_queries(client, url) == before


def test_a_pupil_sees_only_their_own_progress_in_a_shared_module_list(client, pupils, assigned):
    an, binh, _chau = pupils
    client.force_login(an)
    mine = client.get("/vi/my-modules/").content.decode()
    client.force_login(binh)
    theirs = client.get("/vi/my-modules/").content.decode()
    assert 'value="33"' in mine and 'value="0"' in theirs
    assert an.display_name not in theirs


def test_a_module_list_follows_a_publish(client, pupils, assigned, course):
    client.force_login(pupils[0])
    client.get("/vi/my-modules/")
    course.title = "Tên mới của khóa"
    course.save_revision().publish()
    assert "Tên mới của khóa" in client.get("/vi/my-modules/").content.decode()
    CoursePage.objects.get(pk=course.pk).unpublish()
    assert "Tên mới của khóa" not in client.get("/vi/my-modules/").content.decode()


def test_the_class_dashboard_takes_a_fixed_number_of_queries(client, classroom, leader, pupils, assigned, quiz):
    client.force_login(leader)
    url = reverse("schools:classroom_detail", args=[classroom.pk])
    before = count_queries(client, url)
    more_modules(classroom, leader)
    more_pupils(classroom, leader, pupils)
    assert count_queries(client, url) == before
