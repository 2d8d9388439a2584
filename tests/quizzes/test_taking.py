"""Taking a quiz through its one form: for each role, with tampered posts, and the result page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.models import QuizAttempt, QuizPage
from tests.factories import AdultFactory, PupilFactory

from .conftest import ids, right_answers, token_of


def start(client, quiz) -> str:
    response = client.get(quiz.url)
    assert response.status_code == 200
    return token_of(response.content.decode())


def result_url(quiz, attempt) -> str:
    return quiz.url + quiz.reverse_subpage("result", kwargs={"attempt_id": attempt.pk})


def test_the_quiz_form_shows_every_question_and_works_without_javascript(client, quiz):
    html = client.get(quiz.url).content.decode()
    assert html.count('<fieldset class="question') == 6
    assert 'type="radio"' in html and 'type="checkbox"' in html and "<select" in html
    assert "Gửi bài làm" in html  # "Send my answers": a plain submit button


def test_a_learner_takes_the_quiz_and_sees_the_result_with_explanations(client, quiz):
    learner = AdultFactory()
    client.force_login(learner)
    data = {"token": start(client, quiz), **right_answers(quiz)}
    q = ids(quiz)
    data[f"q-{q['single_choice']['id']}"] = q["single_choice"]["items"][1]  # one wrong answer
    response = client.post(quiz.url, data)
    assert response.status_code == 302
    html = client.get(response.url).content.decode()
    assert "5 / 6 điểm (83%)" in html
    assert "Chưa đúng" in html and "Màu em thích thì chia sẻ được." in html  # why it was wrong
    assert "Địa chỉ nhà cho biết em sống ở đâu." in html  # the explanation
    assert QuizAttempt.objects.filter(learner=learner).count() == 1


def test_a_double_submitted_form_records_one_attempt(client, quiz):
    client.force_login(AdultFactory())
    data = {"token": start(client, quiz), **right_answers(quiz)}
    first, second = client.post(quiz.url, data), client.post(quiz.url, data)
    assert first.url == second.url
    assert QuizAttempt.objects.count() == 1


def test_a_visitor_tries_a_pupil_quiz_and_is_told_nothing_is_saved(client, quiz):
    html = client.get(quiz.url).content.decode()
    assert "không được lưu" in html
    response = client.post(quiz.url, {"token": token_of(html), **right_answers(quiz)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "6 / 6 điểm (100%)" in page and "Kết quả này không được lưu." in page
    assert not QuizAttempt.objects.exists()


def test_a_pupil_without_consent_can_try_but_nothing_is_stored(client, quiz):
    client.force_login(PupilFactory())
    html = client.get(quiz.url).content.decode()
    response = client.post(quiz.url, {"token": token_of(html), **right_answers(quiz)})
    assert response.status_code == 200
    assert not QuizAttempt.objects.exists()


@pytest.mark.parametrize(
    "tamper",
    ["unknown_question", "unknown_choice", "wrong_type", "missing_answer", "bad_token", "other_quiz"],
)
def test_a_tampered_post_gets_a_clear_error_and_records_nothing(client, quiz, tamper):
    client.force_login(AdultFactory())
    data = {"token": start(client, quiz), **right_answers(quiz)}
    q = ids(quiz)
    if tamper == "unknown_question":
        data["q-00000000-0000-0000-0000-000000000000"] = "x"
    elif tamper == "unknown_choice":
        data[f"q-{q['scenario']['id']}"] = "not-an-option"
    elif tamper == "wrong_type":
        data[f"q-{q['true_false']['id']}"] = "perhaps"
    elif tamper == "missing_answer":
        del data[f"q-{q['matching']['id']}-{q['matching']['items'][0]}"]
    elif tamper == "bad_token":
        data["token"] = data["token"][:-3] + "abc"
    elif tamper == "other_quiz":  # a copy has the same questions, but it is another quiz
        copy = quiz.copy(update_attrs={"slug": "ban-sao", "title": "Bản sao"})
        data["token"] = start(client, QuizPage.objects.get(pk=copy.pk))
    response = client.post(quiz.url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and "Bài làm chưa được gửi" in html
    assert not QuizAttempt.objects.exists()
    # Nothing the learner chose is lost: the answers are still selected.
    assert html.count(" checked") >= 3


def test_a_missing_answer_is_named(client, quiz):
    data = {"token": start(client, quiz), **right_answers(quiz)}
    del data[f"q-{ids(quiz)['true_false']['id']}"]
    html = client.post(quiz.url, data).content.decode()
    assert "Hãy trả lời tất cả các câu hỏi. Chưa trả lời: Câu 3." in html


def test_a_learner_sees_only_their_own_attempts(client, quiz):
    owner = AdultFactory()
    client.force_login(owner)
    client.post(quiz.url, {"token": start(client, quiz), **right_answers(quiz)})
    attempt = QuizAttempt.objects.get()
    url = result_url(quiz, attempt)
    assert client.get(url).status_code == 200
    for other in (AdultFactory(), AdultFactory(role="social_worker"), PupilFactory()):
        client.force_login(other)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


def test_the_result_page_reads_in_a_fixed_number_of_queries(client, quiz):
    learner = AdultFactory()
    client.force_login(learner)
    response = client.post(quiz.url, {"token": start(client, quiz), **right_answers(quiz)})
    client.get(response.url)  # warm the caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(response.url).status_code == 200
    # Site, session, user, page routing, settings, the attempt: none per question or per answer.
    assert len(queries) <= 21, [q["sql"][:120] for q in queries]


def test_the_english_quiz_grades_the_same_way(client, en_quiz):
    client.force_login(AdultFactory())
    response = client.post(en_quiz.url, {"token": start(client, en_quiz), **right_answers(en_quiz)})
    html = client.get(response.url).content.decode()
    assert "6 of 6 points (100%)" in html
    assert "Well done, you passed!" in html


def test_the_course_page_lists_the_quiz_with_its_best_score_then_passed(client, quiz, course):
    client.force_login(AdultFactory())
    html = client.get(course.url).content.decode()
    assert "Bài kiểm tra</span>" in html and ">Kiểm tra nhanh</a>" in html
    data = {"token": start(client, quiz), **right_answers(quiz)}
    q = ids(quiz)
    for wrong in ("single_choice", "scenario", "true_false"):
        data[f"q-{q[wrong]['id']}"] = {
            "single_choice": q["single_choice"]["items"][1],
            "scenario": q["scenario"]["items"][2],
            "true_false": "true",
        }[wrong]
    client.post(quiz.url, data)
    assert "Kết quả tốt nhất: 50%" in client.get(course.url).content.decode()
    client.post(quiz.url, {"token": start(client, quiz), **right_answers(quiz)})
    assert "✓ Đạt" in client.get(course.url).content.decode()


def test_the_quiz_of_a_module_with_sensitive_lessons_keeps_the_quick_exit(client, quiz):
    # The fixture module's last lesson is sensitive.
    html = client.get(quiz.url).content.decode()
    assert "data-quick-exit" in html and "quick-exit.js" in html
