"""Evidence that learning happens (issue 17, item 7): the check before the lessons, and for the
school leader the share of pupils who moved from wrong to right per lesson, per class and per
school; no pupil named, groups under five suppressed; every role tried against the pages."""

import csv
import io
import uuid

import pytest
from django.core.management import call_command
from django.urls import reverse

from progress.models import StepRecord
from quizzes import services as quiz_services
from quizzes.models import Phase, QuizAttempt
from quizzes.questions import TYPES
from schools import gains, services
from schools.roster import plan_from_text
from tests.factories import AdultFactory

from .conftest import consent_all

NAMES = "Nguyễn Văn An\nTrần Thị Bình\nLê Minh Châu\nPhạm Thu Dung\nHoàng Gia Huy\nVõ Thanh Lam"


@pytest.fixture
def six(classroom, leader):
    pupils = services.roster_import(classroom=classroom, plan=plan_from_text(NAMES, existing_names=set()))
    consent_all(pupils, leader)
    return pupils


def _answers(questions, *, right: bool) -> dict:
    import random

    rng = random.Random(0)
    return {q["id"]: TYPES[q["type"]].simulate(q["value"], rng=rng, right=right) for q in questions}


def _take(pupil, quiz, *, phase, right):
    key = uuid.uuid4()
    questions = quiz_services.questions_of(quiz, key=key.hex, phase=phase)
    return quiz_services.attempt_submit(
        learner=pupil, quiz=quiz, submission_key=key, answers=_answers(questions, right=right), phase=phase
    )[0]


def test_the_check_before_draws_one_question_per_lesson_and_counts_for_nothing(quiz, six):
    pupil = six[0]
    attempt = _take(pupil, quiz, phase=Phase.BEFORE, right=False)
    lessons = [q["value"]["lesson"] for q in attempt.questions]
    assert len(lessons) == 3 and len(set(lessons)) == 3
    assert not attempt.passed
    assert _take(pupil, quiz, phase=Phase.BEFORE, right=True) == attempt  # answered once
    assert not StepRecord.objects.filter(learner=pupil).exists()  # no progress, no pass
    _take(pupil, quiz, phase=Phase.QUIZ, right=True)
    other = six[1]
    _take(other, quiz, phase=Phase.QUIZ, right=True)
    with pytest.raises(quiz_services.PrecheckClosed):  # after the quiz, no check "before"
        _take(other, quiz, phase=Phase.BEFORE, right=True)


def test_the_share_who_moved_from_wrong_to_right_per_lesson(quiz, school, six):
    for pupil in six[:5]:  # five wrong before, right after
        _take(pupil, quiz, phase=Phase.BEFORE, right=False)
        _take(pupil, quiz, phase=Phase.QUIZ, right=True)
    _take(six[5], quiz, phase=Phase.BEFORE, right=True)  # right before: not among the "wrong before"
    _take(six[5], quiz, phase=Phase.QUIZ, right=True)
    whole, classes = gains.school_gains(school=school)
    (module,) = whole.modules
    assert len(module.outcomes) == 3
    for outcome in module.outcomes:
        assert (outcome.pupils, outcome.wrong_before, outcome.moved, outcome.share) == (6, 5, 5, 100.0)
    assert classes[0].modules[0].outcomes[0].pupils == 6


def test_a_group_under_five_is_suppressed_and_no_pupil_is_named(client, quiz, school, leader, six):
    for pupil in six[:4]:
        _take(pupil, quiz, phase=Phase.BEFORE, right=False)
        _take(pupil, quiz, phase=Phase.QUIZ, right=True)
    client.force_login(leader)
    html = client.get(reverse("schools:school_gains", args=[school.pk])).content.decode()
    assert html.count("Ít hơn 5 học sinh: không hiển thị.") == 6  # the school and its class, three lessons each
    for pupil in six:
        assert pupil.display_name not in html
    data = client.get(reverse("schools:school_gains_export", args=[school.pk])).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert len(rows) == 1 + 2 * 3  # the school and its class, three lessons each
    assert all(row[4] == "" and row[8] for row in rows[1:])  # figures left out, a note instead
    assert not any(pupil.display_name in data for pupil in six)


def test_the_programme_export_covers_every_school(quiz, school, six, tmp_path):
    for pupil in six[:5]:
        _take(pupil, quiz, phase=Phase.BEFORE, right=False)
        _take(pupil, quiz, phase=Phase.QUIZ, right=False)
    out = tmp_path / "gains.csv"
    call_command("learning_gains_export", "--output", str(out), "--language", "en")
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "School" and rows[1][0] == school.name
    assert {row[4] for row in rows[1:]} == {"5"} and {row[6] for row in rows[1:]} == {"0"}


@pytest.mark.parametrize("role", ["anonymous", "pupil", "teacher", "other_leader", "leader"])
def test_only_the_school_leader_sees_its_learning_gains(client, school, leader, six, other_teacher, role):
    users = {
        "anonymous": None,
        "pupil": six[0],
        "teacher": other_teacher,
        "other_leader": AdultFactory(),
        "leader": leader,
    }
    if role == "other_leader":
        services.school_create(founder=users[role], name="Trường khác", province="ha-noi", kind="school")
    if users[role] is not None:
        client.force_login(users[role])
    for name in ("schools:school_gains", "schools:school_gains_export"):
        response = client.get(reverse(name, args=[school.pk]))
        if role == "leader":
            assert response.status_code == 200
        else:
            assert response.status_code in (302, 403, 404)
            assert response.status_code != 200


def test_the_course_page_offers_the_check_to_a_pupil_who_has_not_started(client, quiz, six):
    pupil = six[0]
    client.force_login(pupil)
    course_url = quiz.get_parent().url
    html = client.get(course_url).content.decode()
    precheck_url = quiz.url + quiz.reverse_subpage("precheck")
    assert precheck_url in html
    form = client.get(precheck_url).content.decode()
    assert form.count('<fieldset class="question') == 3
    _take(pupil, quiz, phase=Phase.BEFORE, right=True)
    assert precheck_url not in client.get(course_url).content.decode()
    assert QuizAttempt.objects.filter(learner=pupil, phase=Phase.BEFORE).count() == 1


def test_the_check_before_is_never_shown_as_a_result_nor_taken_as_the_quiz(client, quiz, six):
    from tests.quizzes.conftest import form, right_answers, token_of

    pupil = six[0]
    client.force_login(pupil)
    precheck_url = quiz.url + quiz.reverse_subpage("precheck")
    html = client.get(precheck_url).content.decode()
    # Its form sent to the quiz: nothing of it is read, nothing recorded, no result shown.
    response = client.post(quiz.url, form(quiz, {"token": token_of(html), **right_answers(quiz)}))
    assert response.status_code == 400 and not QuizAttempt.objects.exists()
    before = _take(pupil, quiz, phase=Phase.BEFORE, right=True)
    result = quiz.url + quiz.reverse_subpage("result", kwargs={"attempt_id": before.pk})
    assert client.get(result).status_code == 404


def test_the_check_before_closes_once_the_lessons_are_begun(client, quiz, six, lessons):
    from progress.services import step_complete

    pupil = six[0]
    step_complete(learner=pupil, page=lessons[0])
    client.force_login(pupil)
    html = client.get(quiz.url + quiz.reverse_subpage("precheck")).content.decode()
    assert 'class="quiz-form' not in html
    with pytest.raises(quiz_services.PrecheckClosed):
        _take(pupil, quiz, phase=Phase.BEFORE, right=True)


def test_the_school_figure_is_withheld_when_it_would_give_away_a_small_class(quiz, school, leader, six):
    small = services.classroom_create(school=school, teacher=leader, name="3B", grade=3, sign_in_kind="pictures")
    (alone,) = services.roster_import(classroom=small, plan=plan_from_text("Đỗ Minh Khoa", existing_names=set()))
    consent_all([alone], leader)
    for pupil in six[:5]:
        _take(pupil, quiz, phase=Phase.BEFORE, right=False)
        _take(pupil, quiz, phase=Phase.QUIZ, right=True)
    _take(alone, quiz, phase=Phase.BEFORE, right=False)
    _take(alone, quiz, phase=Phase.QUIZ, right=False)
    whole, classes = gains.school_gains(school=school)
    shown = {group.name: group for group in classes}
    assert not shown["3A"].modules[0].outcomes[0].suppressed  # five pupils
    assert shown["3B"].modules[0].outcomes[0].suppressed  # one pupil
    # The school's six minus 3A's five would be 3B's one pupil: withheld too.
    assert all(outcome.suppressed for outcome in whole.modules[0].outcomes)
