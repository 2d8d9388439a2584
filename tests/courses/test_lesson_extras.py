"""What issue 17 added to lessons: the "where the buttons are" box, dated; a content note before
sensitive lessons, by audience; and a pupil's sign-in link that leads to the class-code sign-in."""

import datetime

from django.urls import reverse

from courses.models import CoursePage, LessonPage
from tests.factories import AdultFactory


def _add_app_guide(lesson, checked_on: datetime.date):
    body = list(lesson.body.raw_data)
    body.append(
        {
            "type": "app_guide",
            "value": {
                "checked_on": checked_on.isoformat(),
                "apps": [
                    {
                        "type": "item",
                        "id": "3f0c8a52-5b52-4c39-9d8e-4b7d2f0a1c11",
                        "value": {
                            "app": "TikTok",
                            "block": "Giữ tin nhắn, chọn Chặn.",
                            "report": "Chọn Báo cáo.",
                            "privacy": "",
                        },
                    }
                ],
            },
        }
    )
    lesson.body = body
    lesson.save_revision().publish()
    return LessonPage.objects.get(pk=lesson.pk)


def test_the_app_guide_box_shows_its_apps_and_when_it_was_reviewed(client, lessons):
    lesson = _add_app_guide(lessons[0], datetime.date.today())
    html = client.get(lesson.url).content.decode()
    assert 'class="block-app-guide"' in html and '<h3 class="block-app-guide__app">TikTok</h3>' in html
    assert "Giữ tin nhắn, chọn Chặn." in html
    assert "block-app-guide__checked" in html and "<strong>" not in html.split("block-app-guide__checked", 1)[1][:400]


def test_an_app_guide_reviewed_more_than_a_year_ago_says_the_buttons_may_have_moved(client, lessons):
    lesson = _add_app_guide(lessons[0], datetime.date.today() - datetime.timedelta(days=400))
    html = client.get(lesson.url).content.decode()
    assert "<strong>" in html.split("block-app-guide__checked", 1)[1][:400]


def test_a_sensitive_lesson_opens_with_a_content_note_for_its_reader(client, course, lessons):
    LessonPage.objects.filter(pk=lessons[1].pk).update(sensitive=True)
    child = client.get(lessons[1].url).content.decode()
    assert 'class="content-note"' in child and "111" in child.split('class="content-note"', 1)[1][:800]
    CoursePage.objects.filter(pk=course.pk).update(audience="frontline", age_band="")
    client.force_login(AdultFactory())
    adult = client.get(lessons[1].url).content.decode()
    note = adult.split('class="content-note"', 1)[1][:800]
    assert note != child.split('class="content-note"', 1)[1][:800]
    assert 'class="content-note"' not in client.get(lessons[0].url).content.decode()


def test_a_pupil_lesson_sends_a_visitor_to_the_pupils_sign_in(client, course, lessons):
    html = client.get(lessons[0].url).content.decode()
    assert f'href="{reverse("schools:signin")}"' in html
    assert f'href="{reverse("schools:signin")}"' in client.get(course.url).content.decode()
