"""Recording attempts: once per submission, progress and best score kept under concurrency,
and old attempts readable after the quiz changes."""

import threading
import uuid

import pytest
from django.db import connection
from django.http import QueryDict

from progress import selectors as progress_selectors
from progress import services as progress_services
from progress.models import StepRecord
from quizzes import services
from quizzes.grading import read_answers
from quizzes.models import QuizAnswer, QuizAttempt, QuizPage
from tests.factories import AdultFactory, PupilFactory

from .conftest import ids, right_answers


def answers(quiz, **wrong):
    data = QueryDict(mutable=True)
    for key, value in right_answers(quiz).items():
        data.setlist(key, value if isinstance(value, list) else [value])
    q = ids(quiz)
    if wrong.get("single"):
        data[f"q-{q['single_choice']['id']}"] = q["single_choice"]["items"][1]
    if wrong.get("scenario"):
        data[f"q-{q['scenario']['id']}"] = q["scenario"]["items"][2]
    if wrong.get("true_false"):
        data[f"q-{q['true_false']['id']}"] = "true"
    return read_answers(services.questions_of(quiz), data)


def submit(learner, quiz, key=None, **wrong):
    return services.attempt_submit(
        learner=learner, quiz=quiz, submission_key=key or uuid.uuid4(), answers=answers(quiz, **wrong)
    )


def test_an_attempt_records_its_score_and_one_row_per_question(quiz):
    attempt, created = submit(AdultFactory(), quiz, single=True)
    assert created and attempt.score == 5 and attempt.max_score == 6 and attempt.passed
    assert QuizAnswer.objects.filter(attempt=attempt).count() == 6
    assert QuizAnswer.objects.filter(attempt=attempt, correct=False).count() == 1


def test_submitting_the_same_form_twice_records_one_attempt(quiz):
    learner, key = AdultFactory(), uuid.uuid4()
    first, created = submit(learner, quiz, key)
    second, created_again = submit(learner, quiz, key)
    assert (created, created_again) == (True, False) and first.pk == second.pk
    assert QuizAttempt.objects.count() == 1 and QuizAnswer.objects.count() == 6


def test_passing_completes_the_step_and_failing_keeps_the_best_score(quiz, course, lessons):
    learner = AdultFactory()
    submit(learner, quiz, single=True, scenario=True, true_false=True)  # 3 of 6: not passed
    record = StepRecord.objects.get(learner=learner)
    assert record.progress == 0.5 and record.completed_at is None
    submit(learner, quiz)  # 6 of 6
    submit(learner, quiz, single=True, scenario=True, true_false=True)  # a worse try later
    record.refresh_from_db()
    assert record.progress == 1.0 and record.completed_at is not None


def test_the_course_is_complete_when_every_lesson_is_read_and_the_quiz_passed(quiz, course, lessons):
    learner = AdultFactory()
    for lesson in lessons:
        progress_services.step_complete(learner=learner, page=lesson)
    assert not progress_selectors.container_progress(learner=learner, container=course).is_complete
    submit(learner, quiz, single=True, scenario=True, true_false=True)
    assert not progress_selectors.container_progress(learner=learner, container=course).is_complete
    submit(learner, quiz)
    assert progress_selectors.container_progress(learner=learner, container=course).is_complete


def test_nothing_is_recorded_for_a_pupil_without_consent(quiz):
    with pytest.raises(progress_services.ProgressNotRecorded):
        submit(PupilFactory(), quiz)
    assert not QuizAttempt.objects.exists()


def test_attempts_allowed_is_enforced(quiz):
    QuizPage.objects.filter(pk=quiz.pk).update(attempts_allowed=1)
    quiz.refresh_from_db()
    learner = AdultFactory()
    submit(learner, quiz)
    with pytest.raises(services.AttemptsUsedUp):
        submit(learner, quiz)


def test_an_old_attempt_is_regraded_from_its_snapshot_after_the_quiz_changes(client, quiz):
    learner = AdultFactory()
    attempt, _created = submit(learner, quiz)
    edited = QuizPage.objects.get(pk=quiz.pk)
    data = edited.questions.raw_data
    data[0]["value"]["question"] = "Một câu hỏi đã sửa"
    for choice in data[0]["value"]["choices"]:  # the right answer is now the other one
        choice["value"]["correct"] = not choice["value"]["correct"]
    del data[-1]  # and the scenario is gone
    edited.questions = data
    edited.save_revision().publish()
    client.force_login(learner)
    html = client.get(quiz.url + quiz.reverse_subpage("result", kwargs={"attempt_id": attempt.pk})).content.decode()
    assert "Thông tin nào là riêng tư?" in html and "Một câu hỏi đã sửa" not in html
    assert "(100%)" in html


def test_an_attempt_answered_earlier_keeps_the_time_it_was_answered(quiz):
    """A quiz answered offline and sent later (quizzes.offline): the attempt and the step it
    completes are dated when the learner answered."""
    from datetime import timedelta

    from django.utils import timezone

    learner, answered = AdultFactory(), timezone.now() - timedelta(days=2)
    attempt, created = services.attempt_submit(
        learner=learner, quiz=quiz, submission_key=uuid.uuid4(), answers=answers(quiz), submitted_at=answered
    )
    assert created and attempt.submitted_at == answered
    assert StepRecord.objects.get(learner=learner).completed_at == answered


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submits_record_one_attempt_and_keep_the_best_progress(home_page):
    """Four requests at once: the same form twice (a double tap) and two different tries."""
    from courses.demo import load_curriculum
    from quizzes.demo import load_quizzes
    from tests.conftest import FIXTURE_MODULE

    load_curriculum(home_page, [FIXTURE_MODULE])
    load_quizzes(home_page, [FIXTURE_MODULE])
    quiz = QuizPage.objects.get(slug="kiem-tra-nhanh")
    learner, key = AdultFactory(), uuid.uuid4()
    prepared = [
        (key, answers(quiz)),
        (key, answers(quiz)),
        (uuid.uuid4(), answers(quiz, single=True, scenario=True, true_false=True)),
        (uuid.uuid4(), answers(quiz, single=True)),
    ]
    barrier, errors = threading.Barrier(len(prepared)), []

    def run(submission_key, given):
        try:
            barrier.wait()
            services.attempt_submit(learner=learner, quiz=quiz, submission_key=submission_key, answers=given)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=args) for args in prepared]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert QuizAttempt.objects.filter(learner=learner).count() == 3
    record = StepRecord.objects.get(learner=learner)
    assert record.progress == 1.0 and record.completed_at is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_scores_never_lower_the_best(home_page):
    from courses.demo import load_curriculum
    from quizzes.demo import load_quizzes
    from tests.conftest import FIXTURE_MODULE

    load_curriculum(home_page, [FIXTURE_MODULE])
    load_quizzes(home_page, [FIXTURE_MODULE])
    quiz = QuizPage.objects.get(slug="kiem-tra-nhanh")
    learner = AdultFactory()
    fractions = [0.1, 0.9, 0.3, 0.5, 0.7, 0.2, 0.8, 0.4]
    barrier, errors = threading.Barrier(len(fractions)), []

    def run(fraction):
        try:
            barrier.wait()
            progress_services.step_score(learner=learner, page=quiz, fraction=fraction, completed=False)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f,)) for f in fractions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert StepRecord.objects.get(learner=learner).progress == 0.9
