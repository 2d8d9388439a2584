"""What the pages tell the device's offline script (elearning/js/offline.js): who the signed-in
pupil is (`data-pupil`, for pupils only), the forms it may keep on the device when offline
(`data-offline-kind`), the hidden "I've finished" a saved lesson shows offline, and the
indicator with its sentences in both languages."""

import re

import pytest

from quizzes.demo import load_quizzes
from quizzes.models import QuizPage
from tests.conftest import FIXTURE_MODULE
from tests.factories import AdultFactory, PupilFactory


def _body(response) -> str:
    return re.search(r"<body[^>]*>", response.content.decode()).group(0)


@pytest.mark.django_db
def test_only_a_pupils_pages_name_the_pupil(client, lessons):
    assert "data-pupil" not in _body(client.get(lessons[0].url))
    client.force_login(AdultFactory())
    assert "data-pupil" not in _body(client.get(lessons[0].url))
    pupil = PupilFactory(learning_data_consent=True)
    client.force_login(pupil)
    assert f'data-pupil="{pupil.pk}"' in _body(client.get(lessons[0].url))


@pytest.mark.django_db
def test_a_lesson_drawn_for_a_visitor_carries_the_hidden_offline_finish_form(client, lessons):
    text = client.get(lessons[0].url).content.decode()
    form = re.search(r"<form[^>]*data-offline-kind=\"finish\"[^>]*>", text).group(0)
    assert f'data-page="{lessons[0].pk}"' in form and " hidden" in form
    assert "data-offline-note" in text


@pytest.mark.django_db
def test_a_pupils_finish_form_and_quiz_form_are_marked(client, lessons, home_page):
    load_quizzes(home_page, [FIXTURE_MODULE])
    quiz = QuizPage.objects.get(slug="kiem-tra-nhanh")
    client.force_login(PupilFactory(learning_data_consent=True))
    lesson = client.get(lessons[0].url).content.decode()
    finish = re.search(r"<form[^>]*data-finish-lesson[^>]*>", lesson).group(0)
    assert 'data-offline-kind="finish"' in finish and f'data-page="{lessons[0].pk}"' in finish
    assert " hidden" not in finish
    form = re.search(r"<form[^>]*data-quiz[^>]*>", client.get(quiz.url).content.decode()).group(0)
    assert 'data-offline-kind="quiz"' in form and f'data-page="{quiz.pk}"' in form


@pytest.mark.django_db
def test_a_visitors_quiz_is_never_kept_for_sending(client, lessons, home_page):
    load_quizzes(home_page, [FIXTURE_MODULE])
    quiz = QuizPage.objects.get(slug="kiem-tra-nhanh")
    assert "data-offline-kind" not in client.get(quiz.url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "waiting", "sent"),
    [
        ("vi", "Đã lưu trên máy, sẽ gửi khi có mạng", "Đã gửi"),
        ("en", "Saved on this device, will send when online", "Sent"),
    ],
)
def test_the_indicator_speaks_both_languages(client, home_page, language, waiting, sent):
    text = client.get(f"/{language}/").content.decode()
    status = re.search(r"<div class=\"offline-status\"[^>]*>", text, re.S).group(0)
    assert 'role="status"' in status and 'data-sw-url="/sw.js"' in status
    assert f'data-label-waiting="{waiting}"' in status and f'data-label-sent="{sent}"' in status
    assert "elearning/js/offline.js" in text
