"""Question banks, per-attempt order kept with the attempt, an assessment that keeps its answers
to itself, and the wait after failed attempts (issue 17, item 2)."""

import random
import re
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses.models import CoursePage, LessonPage
from quizzes import services
from quizzes.bank import draw
from quizzes.demo import simulated_answers
from quizzes.models import QuizAttempt, QuizPage
from quizzes.selectors import cooldown_until
from tests.factories import AdultFactory

from .conftest import form, right_answers, token_of


def _bank(quiz, per_attempt=3, **settings):
    QuizPage.objects.filter(translation_key=quiz.translation_key).update(questions_per_attempt=per_attempt, **settings)
    quiz.refresh_from_db()
    return quiz


def _lesson_of(quiz) -> dict:
    return {q["id"]: q["value"]["lesson"] for q in quiz.questions.raw_data}


def _drawn(html: str) -> set[str]:
    """The question ids a form asks, from its (masked) field names: q-<question id>[-<part>]."""
    return set(re.findall(r'name="q-([0-9a-f-]{36})', html))


def test_the_loader_names_the_lesson_each_question_assesses_in_each_language(quiz, en_quiz, lessons):
    by_question = _lesson_of(quiz)
    assert set(by_question.values()) == {lesson.pk for lesson in lessons}
    # wagtail-localize keeps a page reference as it is and localises it when read: the English
    # quiz names the same lessons, and its result page shows their English titles (below).
    en_lessons = {LessonPage.objects.get(pk=pk).translation_key for pk in _lesson_of(en_quiz).values()}
    assert en_lessons == {lesson.translation_key for lesson in lessons}


def test_each_attempt_draws_its_count_with_one_question_per_lesson(quiz):
    questions = list(_bank(quiz).questions.raw_data)
    draws = [draw(questions, key=uuid.uuid4().hex, count=3) for _ in range(30)]
    for drawn in draws:
        assert len(drawn) == 3
        assert len({q["value"]["lesson"] for q in drawn}) == 3  # every lesson, every attempt
    assert len({tuple(q["id"] for q in drawn) for drawn in draws}) > 1  # not always the same three
    key = uuid.uuid4().hex
    assert draw(questions, key=key, count=3) == draw(questions, key=key, count=3)


def test_the_form_asks_the_drawn_questions_and_grading_takes_only_those(client, quiz):
    _bank(quiz)
    learner = AdultFactory()
    client.force_login(learner)
    html = client.get(quiz.url).content.decode()
    assert html.count('<fieldset class="question') == 3
    assert "3 câu hỏi, rút ngẫu nhiên từ ngân hàng 6 câu" in html
    asked = _drawn(html)
    token = token_of(html)
    data = {key: value for key, value in right_answers(quiz).items() if key.split("-", 1)[1][:36] in asked}
    response = client.post(quiz.url, form(quiz, {"token": token, **data}))
    assert response.status_code == 302
    attempt = QuizAttempt.objects.get(learner=learner)
    assert {q["id"] for q in attempt.questions} == asked
    assert attempt.percent == 100 and attempt.max_score == 3
    assert set(attempt.layout) <= asked and attempt.layout  # each question's order as shown


def test_an_answer_to_a_question_the_attempt_did_not_draw_is_refused(client, quiz):
    _bank(quiz)
    client.force_login(AdultFactory())
    token = token_of(client.get(quiz.url).content.decode())
    response = client.post(quiz.url, form(quiz, {"token": token, **right_answers(quiz)}))
    assert response.status_code == 400
    assert "không thuộc bài kiểm tra này" in response.content.decode() or "không thuộc" in response.content.decode()
    assert not QuizAttempt.objects.exists()


def test_a_review_lists_the_choices_in_the_order_the_form_showed_them(client, quiz):
    learner = AdultFactory()
    client.force_login(learner)
    html = client.get(quiz.url).content.decode()
    shown = re.findall(r"<span>([^<]+)</span></label></li>", html)
    client.post(quiz.url, form(quiz, {"token": token_of(html), **right_answers(quiz)}))
    attempt = QuizAttempt.objects.get(learner=learner)
    single = next(q for q in attempt.questions if q["type"] == "single_choice")
    texts = {c["id"]: c["value"]["text"] for c in single["value"]["choices"]}
    assert [texts[i] for i in attempt.layout[single["id"]]] == [t for t in shown if t in texts.values()]


def test_the_admin_refuses_fewer_questions_per_attempt_than_lessons_assessed(quiz):
    quiz.questions_per_attempt = 2
    with pytest.raises(ValidationError) as error:
        quiz.full_clean()
    assert "questions_per_attempt" in error.value.message_dict


@pytest.fixture
def assessment(course, quiz):
    """The fixture quiz as a frontline final assessment (its course issues certificates): a bank
    of 6, 3 per attempt, a wait of 24 hours after 3 failed attempts in a row."""
    CoursePage.objects.filter(translation_key=course.translation_key).update(
        audience="frontline", age_band="", issues_certificate=True
    )
    return _bank(quiz, cooldown_after_failures=3, cooldown_hours=24)


def test_the_english_assessment_names_the_english_lessons_to_revisit(client, assessment, en_quiz):
    en_quiz.refresh_from_db()
    client.force_login(AdultFactory())
    response = _fail(client, en_quiz)
    html = client.get(response.url).content.decode()
    for title in ("Private information", "Ask an adult", "Call 111"):
        assert title in html
    assert html.count("Read this lesson again") == 3


def _fail(client, quiz, html=None):
    """Answer the quiz wrong (in the form `html`, or one opened now)."""
    html = html or client.get(quiz.url).content.decode()
    asked = _drawn(html)
    data = {key: value for key, value in right_answers(quiz).items() if key.split("-", 1)[1][:36] in asked}
    for question in quiz.questions.raw_data:  # a wrong answer to every choice question asked
        if question["id"] in asked and question["type"] in ("single_choice", "scenario"):
            items = question["value"].get("choices") or question["value"]["options"]
            data[f"q-{question['id']}"] = items[-1]["id"]
        if question["id"] in asked and question["type"] == "true_false":
            data[f"q-{question['id']}"] = "true"
        if question["id"] in asked and question["type"] == "ordering":
            steps = [s["id"] for s in question["value"]["steps"]]
            for position, step in enumerate(reversed(steps), 1):
                data[f"q-{question['id']}-{step}"] = str(position)
        if question["id"] in asked and question["type"] == "matching":
            pairs = [p["id"] for p in question["value"]["pairs"]]
            for n, pair in enumerate(pairs):
                data[f"q-{question['id']}-{pair}"] = pairs[(n + 1) % len(pairs)]
        if question["id"] in asked and question["type"] == "multiple_choice":
            data[f"q-{question['id']}"] = [question["value"]["choices"][-1]["id"]]
    return client.post(quiz.url, form(quiz, {"token": token_of(html), **data}))


def test_a_failed_assessment_shows_the_score_per_lesson_and_never_the_answers(client, assessment, lessons):
    client.force_login(AdultFactory())
    response = _fail(client, assessment)
    attempt = QuizAttempt.objects.get()
    assert not attempt.passed
    html = client.get(response.url).content.decode()
    assert "Điểm của anh/chị theo từng bài học" in html or "theo từng bài học" in html
    for question in attempt.questions:  # no keyed answer, no feedback, no explanation
        value = question["value"]
        assert value["explanation"] not in html
        for item in value.get("choices") or value.get("options") or []:
            assert item["value"]["feedback"] not in html
    assert "Câu hỏi từng câu" not in html and "review-list" not in html
    for lesson in lessons:  # every lesson was assessed; each failed one links back to it
        assert lesson.title in html
    assert html.count("Đọc lại bài này") == 3


def test_a_visitor_is_asked_to_sign_in_before_an_assessment_and_is_never_graded(client, assessment):
    # A caregivers' course may issue certificates and be read without an account; its
    # assessment is not: a visitor sending one form again and again would learn its answers.
    CoursePage.objects.filter(pk=assessment.get_parent().pk).update(audience="caregiver")
    html = client.get(assessment.url).content.decode()
    assert 'class="quiz-form' not in html and "/accounts/login/" in html
    response = client.post(assessment.url, {"token": "x", **right_answers(assessment)})
    page = response.content.decode()
    assert "result-summary" not in page and "Đọc lại bài này" not in page


def test_the_assessment_page_states_its_rules(client, assessment):
    client.force_login(AdultFactory())
    html = client.get(assessment.url).content.decode()
    assert "3 câu hỏi, rút ngẫu nhiên từ ngân hàng 6 câu" in html
    assert "không xem được đáp án" in html
    assert "Sau 3 lần liên tiếp chưa đạt, hãy chờ 24 giờ" in html


def test_after_three_failed_attempts_in_a_row_the_learner_waits(client, assessment):
    learner = AdultFactory()
    client.force_login(learner)
    for _ in range(2):
        assert _fail(client, assessment).status_code == 302
    opened = client.get(assessment.url).content.decode()  # the third form, opened in another tab too
    assert _fail(client, assessment).status_code == 302
    html = client.get(assessment.url).content.decode()
    assert "quiz-form" not in html and "3 lần liên tiếp chưa đạt" in html
    # The form opened before is the same attempt (its key is the learner's third): sent again, it
    # records nothing more.
    assert _fail(client, assessment, opened).status_code == 302
    assert QuizAttempt.objects.filter(learner=learner).count() == 3
    # And the service itself refuses a fourth attempt until the wait is over.
    with pytest.raises(services.CoolingDown):
        key = uuid.uuid4()
        answers = simulated_answers(services.questions_of(assessment, key=key.hex), rng=random.Random(1), skill=0)
        services.attempt_submit(learner=learner, quiz=assessment, submission_key=key, answers=answers)
    later = timezone.now() + timedelta(hours=24, minutes=1)
    assert cooldown_until(learner=learner, quiz=assessment, now=later) is None
    QuizAttempt.objects.filter(learner=learner).update(submitted_at=timezone.now() - timedelta(hours=25))
    assert 'class="quiz-form' in client.get(assessment.url).content.decode()


def test_the_wait_counts_failures_since_the_last_pass_and_comes_back_every_three(assessment):
    learner = AdultFactory()
    now = timezone.now()

    def record(passed, hours_ago):
        questions = services.questions_of(assessment)
        QuizAttempt.objects.create(
            learner=learner,
            quiz=assessment,
            submission_key=uuid.uuid4(),
            score=1,
            max_score=3,
            percent=100 if passed else 33,
            passed=passed,
            pass_mark_percent=80,
            questions=questions,
        )
        QuizAttempt.objects.filter(learner=learner).order_by("-pk").filter(
            pk=QuizAttempt.objects.latest("pk").pk
        ).update(submitted_at=now - timedelta(hours=hours_ago))

    record(False, 10)
    record(False, 9)
    record(True, 8)  # a pass starts the count again
    record(False, 3)
    record(False, 2)
    assert cooldown_until(learner=learner, quiz=assessment) is None
    record(False, 1)
    assert cooldown_until(learner=learner, quiz=assessment) == now - timedelta(hours=1) + timedelta(hours=24)
    record(False, 0)  # the fourth: tried after waiting; the next wait comes after the sixth
    assert cooldown_until(learner=learner, quiz=assessment) is None


def test_a_frontline_assessment_of_another_course_is_not_a_certificate_quiz(client, quiz):
    assert not CoursePage.objects.get(pk=quiz.get_parent().pk).issues_certificate
    client.force_login(AdultFactory())
    html = client.get(quiz.url).content.decode()
    response = client.post(quiz.url, form(quiz, {"token": token_of(html), **right_answers(quiz)}))
    assert "review-list" in client.get(response.url).content.decode()


def test_reloading_shows_the_same_draw_until_it_is_sent(client, quiz):
    _bank(quiz)
    learner = AdultFactory()
    client.force_login(learner)
    first, again = (client.get(quiz.url).content.decode() for _ in range(2))
    assert _drawn(first) == _drawn(again)
    asked = _drawn(first)
    data = {key: value for key, value in right_answers(quiz).items() if key.split("-", 1)[1][:36] in asked}
    client.post(quiz.url, form(quiz, {"token": token_of(first), **data}))
    keys = {str(QuizAttempt.objects.get(learner=learner).submission_key.hex)}
    draws = set()
    for _ in range(6):  # the next attempts draw with other keys
        html = client.get(quiz.url).content.decode()
        draws.add(frozenset(_drawn(html)))
        answered = {k: v for k, v in right_answers(quiz).items() if k.split("-", 1)[1][:36] in _drawn(html)}
        client.post(quiz.url, form(quiz, {"token": token_of(html), **answered}))
    keys |= {a.submission_key.hex for a in QuizAttempt.objects.filter(learner=learner)}
    assert len(keys) == 7 and len(draws) > 1


def test_a_form_opened_by_another_account_is_not_taken(client, quiz):
    other = AdultFactory()
    client.force_login(other)
    token = token_of(client.get(quiz.url).content.decode())
    learner = AdultFactory()
    client.force_login(learner)
    response = client.post(quiz.url, form(quiz, {"token": token, **right_answers(quiz)}))
    assert response.status_code == 400
    assert not QuizAttempt.objects.exists()


def test_attempts_allowed_count_every_language(client, quiz, en_quiz):
    QuizPage.objects.filter(translation_key=quiz.translation_key).update(attempts_allowed=1)
    quiz.refresh_from_db()
    en_quiz.refresh_from_db()
    learner = AdultFactory()
    client.force_login(learner)
    for page in (quiz, en_quiz):
        html = client.get(page.url).content.decode()
        client.post(page.url, form(page, {"token": token_of(html), **right_answers(page)}))
    assert QuizAttempt.objects.filter(learner=learner).count() == 1
