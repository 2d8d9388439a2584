"""Recording a finished step: once, whatever the number of clicks, and only for the learner."""

import threading

import pytest
from django.db import connection

from courses.models import LessonPage
from progress import selectors, services
from progress.models import StepRecord
from tests.factories import AdultFactory, PupilFactory


@pytest.fixture
def lesson(lessons):
    return lessons[0]


def test_completing_a_step_records_it_once(lesson):
    learner = AdultFactory()
    record, newly = services.step_complete(learner=learner, page=lesson)
    again, newly_again = services.step_complete(learner=learner, page=lesson)
    assert (newly, newly_again) == (True, False)
    assert again.pk == record.pk and again.completed_at == record.completed_at
    assert StepRecord.objects.count() == 1


def test_a_step_finished_earlier_keeps_the_time_it_was_finished(lesson):
    """A lesson finished offline and sent later: its time is the pressing's, not the arrival's;
    sent again, the first time stands."""
    from datetime import timedelta

    from django.utils import timezone

    learner, pressed = AdultFactory(), timezone.now() - timedelta(hours=5)
    record, _newly = services.step_complete(learner=learner, page=lesson, completed_at=pressed)
    again, newly = services.step_complete(learner=learner, page=lesson, completed_at=timezone.now())
    assert record.completed_at == again.completed_at == pressed and not newly


def test_a_double_submitted_finish_form_records_once(client, lesson):
    learner = AdultFactory()
    client.force_login(learner)
    first, second = client.post(lesson.url), client.post(lesson.url)
    assert first.status_code == second.status_code == 302
    assert StepRecord.objects.filter(learner=learner).count() == 1


def test_finishing_a_lesson_leads_to_the_next_one(client, lessons):
    client.force_login(AdultFactory())
    response = client.post(lessons[0].url)
    assert response.url == lessons[1].url


def test_finishing_the_last_step_completes_the_course(client, course, lessons):
    learner = AdultFactory()
    client.force_login(learner)
    for lesson in lessons:
        client.post(lesson.url)
    progress = selectors.container_progress(learner=learner, container=course)
    assert progress.is_complete and progress.fraction == 1.0
    html = client.get(course.url).content.decode()
    assert "Đã xong 3/3 bước" in html


def test_a_step_finished_in_one_language_is_finished_in_the_other(lesson, en_course):
    learner = AdultFactory()
    services.step_complete(learner=learner, page=lesson)
    progress = selectors.container_progress(learner=learner, container=en_course)
    assert [step.completed for step in progress.steps] == [True, False, False]
    assert progress.steps[0].page.locale.language_code == "en"


def test_nothing_is_recorded_for_a_visitor_or_a_pupil_without_consent(lesson):
    from django.contrib.auth.models import AnonymousUser

    for learner in (AnonymousUser(), PupilFactory()):
        with pytest.raises(services.ProgressNotRecorded):
            services.step_complete(learner=learner, page=lesson)
    assert not StepRecord.objects.exists()


def test_only_step_pages_count(course):
    with pytest.raises(ValueError):
        services.step_complete(learner=AdultFactory(), page=course)


def test_a_learner_sees_only_their_own_progress(client, course, lessons):
    alice, bob = AdultFactory(), AdultFactory()
    services.step_complete(learner=alice, page=lessons[0])
    assert selectors.container_progress(learner=bob, container=course).completed_count == 0
    client.force_login(bob)
    html = client.get(course.url).content.decode()
    assert "Đã xong 0/3 bước" in html and "✓ Xong" not in html


def test_progress_selectors_use_a_fixed_number_of_queries(course, lessons, django_assert_num_queries):
    learner = AdultFactory()
    services.step_complete(learner=learner, page=lessons[0])
    # The steps, their specific pages (one query per page type) and the learner's records.
    with django_assert_num_queries(3):
        progress = selectors.container_progress(learner=learner, container=course)
        assert progress.completed_count == 1
    with django_assert_num_queries(2):
        by_course = selectors.containers_progress(learner=learner, containers=[course])
        assert by_course[course.pk].completed_count == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_double_submit_records_one_completion(home_page):
    """Two requests of the same learner at once (a double tap on a slow network)."""
    from courses.demo import load_curriculum
    from tests.conftest import FIXTURE_MODULE as module

    load_curriculum(home_page, [module])
    lesson = LessonPage.objects.filter(locale__language_code="vi").first()
    learner = AdultFactory()
    barrier, results, errors = threading.Barrier(4), [], []

    def finish():
        try:
            barrier.wait()
            results.append(services.step_complete(learner=learner, page=lesson)[1])
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=finish) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [False, False, False, True]
    assert StepRecord.objects.filter(learner=learner).count() == 1
