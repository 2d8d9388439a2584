"""Taking a quiz through the form: a first smoke test."""

from quizzes.models import QuizAttempt
from tests.factories import AdultFactory

from .conftest import right_answers, token_of


def test_an_adult_takes_the_quiz_and_sees_the_result(client, quiz):
    client.force_login(AdultFactory())
    html = client.get(quiz.url).content.decode()
    response = client.post(quiz.url, {"token": token_of(html), **right_answers(quiz)})
    assert response.status_code == 302, response.content.decode()[:3000]
    result = client.get(response.url).content.decode()
    assert "6 / 6" in result or "6 trên 6" in result or "6 of 6" in result or "(100%)" in result
    assert QuizAttempt.objects.count() == 1
