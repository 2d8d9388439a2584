"""Taking a quiz through its one form: for each role, with tampered posts, and the result page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import cache as content_cache
from quizzes.models import QuizAttempt, QuizPage
from tests.factories import AdultFactory, PupilFactory

from .conftest import form, ids, right_answers, token_of


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
    response = client.post(quiz.url, form(quiz, data))
    assert response.status_code == 302
    html = client.get(response.url).content.decode()
    assert "5 / 6 điểm (83%)" in html
    assert "Chưa đúng" in html and "Màu em thích thì chia sẻ được." in html  # why it was wrong
    assert "Địa chỉ nhà cho biết em sống ở đâu." in html  # the explanation
    assert QuizAttempt.objects.filter(learner=learner).count() == 1


def test_a_double_submitted_form_records_one_attempt(client, quiz):
    client.force_login(AdultFactory())
    data = {"token": start(client, quiz), **right_answers(quiz)}
    first, second = client.post(quiz.url, form(quiz, data)), client.post(quiz.url, form(quiz, data))
    assert first.url == second.url
    assert QuizAttempt.objects.count() == 1


def test_a_visitor_tries_a_pupil_quiz_and_is_told_nothing_is_saved(client, quiz):
    html = client.get(quiz.url).content.decode()
    assert "không được lưu" in html
    response = client.post(quiz.url, form(quiz, {"token": token_of(html), **right_answers(quiz)}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "6 / 6 điểm (100%)" in page and "Kết quả này không được lưu." in page
    assert not QuizAttempt.objects.exists()


def test_a_pupil_without_consent_can_try_but_nothing_is_stored(client, quiz):
    client.force_login(PupilFactory())
    html = client.get(quiz.url).content.decode()
    response = client.post(quiz.url, form(quiz, {"token": token_of(html), **right_answers(quiz)}))
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
    if tamper == "other_quiz":  # a copy has the same questions, but it is another quiz
        copy = quiz.copy(update_attrs={"slug": "ban-sao", "title": "Bản sao"})
        data["token"] = start(client, QuizPage.objects.get(pk=copy.pk))
    posted = form(quiz, data)
    if tamper == "bad_token":
        posted["token"] = posted["token"][:-3] + "abc"
    response = client.post(quiz.url, posted)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and "Bài làm chưa được gửi" in html
    assert not QuizAttempt.objects.exists()
    # Nothing the learner chose is lost: the answers are still selected (unless the form's token
    # was forged, when nothing of the form can be read).
    assert html.count(" checked") >= (0 if tamper == "bad_token" else 3)


def test_a_missing_answer_is_named(client, quiz):
    data = {"token": start(client, quiz), **right_answers(quiz)}
    del data[f"q-{ids(quiz)['true_false']['id']}"]
    html = client.post(quiz.url, form(quiz, data)).content.decode()
    assert "Hãy trả lời tất cả các câu hỏi. Chưa trả lời: Câu 3." in html


def test_a_learner_sees_only_their_own_attempts(client, quiz):
    owner = AdultFactory()
    client.force_login(owner)
    client.post(quiz.url, form(quiz, {"token": start(client, quiz), **right_answers(quiz)}))
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
    response = client.post(quiz.url, form(quiz, {"token": start(client, quiz), **right_answers(quiz)}))
    client.get(response.url)  # warm the caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(response.url).status_code == 200
    # The content version (a query where the cache is the database), the quiz, the session, the
    # user, the attempt: the address is routed from the quiz's cached one, none per question.
    assert len(queries) <= 5, "\n".join(q["sql"][-200:] for q in queries)


def test_the_quiz_form_reads_in_a_fixed_number_of_queries(client, quiz):
    client.force_login(AdultFactory())
    client.get(quiz.url)  # Wagtail routes it, and the address is cached
    client.get(quiz.url)  # the course is kept by the process
    with CaptureQueriesContext(connection) as queries:
        assert client.get(quiz.url).status_code == 200
    # The content version (a query here, where the cache is the database), the quiz page, the
    # session, the user, the learner's earlier attempts and how many they made (the key of the
    # attempt they would make now: views.quiz._attempt_key): the address, the course and its
    # outline come from the content cache, the questions from the page's own data (each
    # attempt's form is drawn anew: quizzes.masking).
    assert len(queries) <= 6, "\n".join(q["sql"][-300:] for q in queries)


def test_an_edited_question_is_on_the_form_as_soon_as_it_is_published(client, quiz):
    assert "<span>Màu em thích</span>" in client.get(quiz.url).content.decode()
    quiz = QuizPage.objects.get(pk=quiz.pk)
    raw = quiz.questions.raw_data
    for question in raw:
        for item in question["value"].get("choices", []):
            if item["value"]["text"] == "Màu em thích":
                item["value"]["text"] = "Món ăn em thích"
    quiz.questions = raw
    quiz.save_revision().publish()
    html = client.get(quiz.url).content.decode()
    assert "<span>Món ăn em thích</span>" in html and "<span>Màu em thích</span>" not in html


def test_the_language_switcher_on_a_quiz_leads_to_its_translation(client, quiz, en_quiz):
    html = client.get(quiz.url).content.decode()
    assert f'name="next" value="{en_quiz.url}"' in html


def test_a_sub_route_starts_from_its_pages_cached_address(client, quiz):
    """A quiz's result (`results/<id>/`) is routed by the quiz itself from the quiz's cached
    address; once the quiz is unpublished the result is a 404 like the quiz."""
    client.force_login(AdultFactory())
    token = token_of(client.get(quiz.url).content.decode())
    result_url = client.post(quiz.url, form(quiz, {"token": token, **right_answers(quiz)})).url
    assert client.get(result_url).status_code == 200
    content_cache.process_entries.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(result_url).status_code == 200
    assert not [q for q in queries if "wagtailcore_site" in q["sql"]]  # no site look-up
    quiz.unpublish()
    assert client.get(result_url).status_code == 404


def test_the_english_quiz_grades_the_same_way(client, en_quiz):
    client.force_login(AdultFactory())
    response = client.post(en_quiz.url, form(en_quiz, {"token": start(client, en_quiz), **right_answers(en_quiz)}))
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
    client.post(quiz.url, form(quiz, data))
    assert "Kết quả tốt nhất: 50%" in client.get(course.url).content.decode()
    client.post(quiz.url, form(quiz, {"token": start(client, quiz), **right_answers(quiz)}))
    assert "✓ Đạt" in client.get(course.url).content.decode()


def test_the_quiz_of_a_module_with_sensitive_lessons_keeps_the_quick_exit(client, quiz):
    # The fixture module's last lesson is sensitive.
    html = client.get(quiz.url).content.decode()
    assert "data-quick-exit" in html and "quick-exit.js" in html


def test_parts_named_by_their_real_ids_are_refused(client, quiz):
    """The answers to ordering and matching can be worked out from the questions' ids: a post
    that names their parts so, instead of by this attempt's names, is refused."""
    client.force_login(AdultFactory())
    data = {"token": start(client, quiz), **right_answers(quiz)}
    posted = form(quiz, {key: value for key, value in data.items() if not _is_part(quiz, key)})
    posted.update({key: value for key, value in data.items() if _is_part(quiz, key)})  # real-id names
    response = client.post(quiz.url, posted)
    assert response.status_code == 400
    assert not QuizAttempt.objects.exists()


def _is_part(quiz, key: str) -> bool:
    q = ids(quiz)
    return key.startswith((f"q-{q['ordering']['id']}-", f"q-{q['matching']['id']}-"))


def test_a_form_opened_before_forms_were_masked_gets_its_answers_back(client, quiz):
    """A form drawn before this change (its token has no version; its names are the items'
    ids) is not graded, but shown again under a new token with every answer still chosen."""
    from django.core import signing
    from django.utils import timezone

    client.force_login(AdultFactory())
    old = signing.dumps(
        {"quiz": quiz.translation_key.hex, "key": "0" * 32, "started": timezone.now().isoformat()},
        salt="quizzes.form",
    )
    response = client.post(quiz.url, {"token": old, **right_answers(quiz)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Câu trả lời vẫn còn bên dưới" in html
    assert html.count(" checked") >= 3 and html.count(" selected") >= 6
    fresh = token_of(html)
    assert fresh != old
    assert not QuizAttempt.objects.exists()
