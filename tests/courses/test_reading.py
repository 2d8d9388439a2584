"""Reading courses and lessons: in both languages, for visitors and learners, and who may open
the adult training."""

import pytest
from django.urls import reverse

from courses.models import CoursePage, LessonPage
from progress.models import StepRecord
from tests.factories import AdultFactory, PupilFactory


def test_course_page_lists_its_lessons_in_order_in_vietnamese(client, course, lessons):
    html = client.get(course.url).content.decode()
    positions = [html.index(f">{lesson.title}</a>") for lesson in lessons]
    assert positions == sorted(positions)
    assert "Nói được thông tin nào là riêng tư." in html  # an objective
    assert "Bắt đầu bài học đầu tiên" in html  # "Start the first lesson"


def test_english_translation_is_linked_and_in_english(client, course, en_course):
    assert en_course.translation_key == course.translation_key
    assert en_course.locale.language_code == "en"
    html = client.get(en_course.url).content.decode()
    assert "Secrets and you" in html
    assert "Ask an adult" in html
    assert "Start the first lesson" in html


def test_lesson_renders_every_block_in_both_languages(client, lessons):
    vi_html = client.get(lessons[1].url).content.decode()
    assert "Em sẽ làm gì?" in vi_html and "Hỏi người lớn." in vi_html
    en = lessons[1].get_translation(lessons[1].locale.__class__.objects.get(language_code="en"))
    en_html = client.get(en.url).content.decode()
    assert "What would you do?" in en_html and "Ask your parents." in en_html
    assert "That&#x27;s right!" in en_html or "That's right!" in en_html


def test_helpline_card_uses_the_number_of_the_site_setting(client, lessons):
    html = client.get(lessons[2].url).content.decode()
    assert 'href="tel:111"' in html
    assert "Em có thể gọi 111." in html


def test_lesson_has_previous_and_next_links(client, lessons):
    html = client.get(lessons[1].url).content.decode()
    assert f'rel="prev" href="{lessons[0].url}"' in html
    assert f'rel="next" href="{lessons[2].url}"' in html


def test_sensitive_lesson_offers_a_quick_exit_that_replaces_the_history_entry(client, lessons, settings):
    settings.QUICK_EXIT_URL = "https://www.example.org/weather"
    html = client.get(lessons[2].url).content.decode()
    assert 'href="https://www.example.org/weather"' in html and "data-quick-exit" in html
    assert "quick-exit.js" in html
    assert "data-quick-exit" not in client.get(lessons[0].url).content.decode()


def test_a_visitor_reads_without_an_account_and_is_told_nothing_is_saved(client, lessons):
    html = client.get(lessons[0].url).content.decode()
    assert f'<form method="post" action="{lessons[0].url}">' not in html  # no "I've finished" form
    assert "tiến độ sẽ không được lưu" in html
    response = client.post(lessons[0].url)
    assert response.status_code == 302
    assert not StepRecord.objects.exists()


@pytest.fixture
def training(course):
    """The fixture course turned into teacher training (needs an adult account)."""
    page = CoursePage.objects.get(pk=course.pk)
    page.audience, page.age_band = "teacher", ""
    page.save_revision().publish()
    return page


def test_adult_training_sends_a_visitor_to_log_in(client, training):
    lesson = LessonPage.objects.child_of(training).first()
    for url in (training.url, lesson.url):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_adult_training_is_refused_to_a_pupil(client, training):
    client.force_login(PupilFactory())
    assert client.get(training.url).status_code == 403
    assert client.get(LessonPage.objects.child_of(training).first().url).status_code == 403


def test_adult_training_opens_for_a_signed_in_adult(client, training):
    client.force_login(AdultFactory())
    assert client.get(training.url).status_code == 200
