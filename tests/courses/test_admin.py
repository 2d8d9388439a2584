"""Editors write courses and lessons in the Wagtail admin; the English pages are edited in
wagtail-localize's translation editor."""

import pytest

from accounts.models import Role
from courses.models import LessonPage
from tests.factories import AdultFactory


@pytest.fixture
def editor(db):
    return AdultFactory(role=Role.EDITOR, is_staff=True, is_superuser=True)


def test_editor_opens_the_course_and_lesson_editors(client, editor, course, lessons):
    client.force_login(editor)
    for page in (course, *lessons):
        response = client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code == 200
    html = client.get(f"/admin/pages/{lessons[1].pk}/edit/").content.decode()
    assert "Hỏi người lớn" in html  # the lesson's own text in the block editor


def test_english_lesson_opens_in_the_translation_editor(client, editor, lessons, en_course):
    client.force_login(editor)
    english = LessonPage.objects.child_of(en_course).first()
    response = client.get(f"/admin/pages/{english.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Private information" in html and "Thông tin riêng tư" in html  # translation beside its source


def test_teachers_cannot_edit_lessons(client, lessons):
    client.force_login(AdultFactory(role=Role.TEACHER))
    response = client.get(f"/admin/pages/{lessons[0].pk}/edit/")
    assert response.status_code in (302, 403)
