"""What is cached for every reader alike changes as soon as an editor publishes, and what is a
learner's own (ticks, "best so far", the finish button, names) never shows on another learner's
page."""

import pytest
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from courses import cache as content_cache
from courses.models import CourseIndexPage, CoursePage, LessonPage
from elearning.models import HelplineSettings
from progress.services import step_complete
from tests.factories import PupilFactory


def html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def pupils(db):
    return PupilFactory(display_name="Nguyễn Văn An", learning_data_consent=True), PupilFactory(
        display_name="Trần Thị Bình", learning_data_consent=True
    )


def publish_body(lesson, text):
    lesson.body = [("text", RichText(f"<p>{text}</p>"))]
    lesson.save_revision().publish()


def test_a_lesson_shows_its_new_revision_at_once(client, lessons):
    lesson = lessons[0]
    assert "Phiên bản mới của bài." not in html(client, lesson.url)
    html(client, lesson.url)  # cached now
    publish_body(lesson, "Phiên bản mới của bài.")
    assert "Phiên bản mới của bài." in html(client, lesson.url)


def test_a_saved_draft_is_not_shown_and_a_preview_is_not_cached(client, lessons):
    lesson = lessons[0]
    html(client, lesson.url)
    lesson.body = [("text", RichText("<p>Bản nháp chưa đăng.</p>"))]
    lesson.save_revision()
    assert "Bản nháp chưa đăng." not in html(client, lesson.url)


def test_the_lesson_body_is_a_cached_fragment(client, lessons):
    """A body changed behind Wagtail's back (no revision, so no signal) is not seen: the body came
    from the cache. Publishing it is seen."""
    lesson = lessons[0]
    html(client, lesson.url)
    LessonPage.objects.filter(pk=lesson.pk).update(body=[{"type": "text", "value": "<p>Sửa ngầm.</p>"}])
    assert "Sửa ngầm." not in html(client, lesson.url)
    lesson.refresh_from_db()
    lesson.save_revision().publish()
    assert "Sửa ngầm." in html(client, lesson.url)


def test_a_course_and_the_catalogue_follow_a_publish_an_unpublish_and_a_move(client, course, lessons):
    index = CourseIndexPage.objects.get(locale__language_code="vi")
    assert f">{lessons[1].title}</a>" in html(client, course.url)
    lessons[1].unpublish()
    assert f">{lessons[1].title}</a>" not in html(client, course.url)
    other = CoursePage(title="Khóa mới", slug="khoa-moi", summary="Mới.", audience="caregiver")
    html(client, index.url)
    index.add_child(instance=other)
    other.save_revision().publish()
    assert ">Khóa mới</a>" in html(client, index.url)
    lessons[2].move(other, pos="last-child")
    assert f">{lessons[2].title}</a>" in html(client, other.url)
    assert f">{lessons[2].title}</a>" not in html(client, course.url)


def test_a_changed_helpline_number_shows_on_every_page_at_once(client, lessons):
    assert 'href="tel:111"' in html(client, lessons[2].url)
    setting = HelplineSettings.load()
    setting.phone_number = "18001567"
    setting.save()
    assert 'href="tel:18001567"' in html(client, lessons[2].url)  # in the cached lesson body
    assert "18001567" in html(client, "/vi/")


def test_a_new_view_restriction_applies_at_once(client, course, lessons):
    body = html(client, lessons[0].url)
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="bi-mat"
    )
    restricted = client.get(lessons[0].url).content.decode()
    assert restricted != body and 'name="password"' in restricted
    restriction.delete()
    assert 'name="password"' not in html(client, lessons[0].url)


def test_one_pupils_ticks_never_show_on_anothers_course_page(client, course, lessons, pupils):
    an, binh = pupils
    step_complete(learner=an, page=lessons[0])
    client.force_login(an)
    mine = html(client, course.url)
    assert "✓ Xong" in mine and "Đã xong 1/3 bước" in mine
    client.force_login(binh)
    theirs = html(client, course.url)
    assert "✓ Xong" not in theirs and "Đã xong 0/3 bước" in theirs
    assert "Nguyễn Văn An" not in theirs and "Trần Thị Bình" in theirs


def test_one_pupils_finished_lesson_never_shows_on_anothers(client, lessons, pupils):
    an, binh = pupils
    step_complete(learner=an, page=lessons[0])
    client.force_login(an)
    assert "Em đã học xong bài này." in html(client, lessons[0].url)
    client.force_login(binh)
    theirs = html(client, lessons[0].url)
    assert "Em đã học xong bài này." not in theirs
    assert "data-finish-lesson" in theirs and "Nguyễn Văn An" not in theirs


def test_one_learners_progress_never_shows_on_anothers_catalogue(client, course, lessons, pupils):
    an, binh = pupils
    index = CourseIndexPage.objects.get(locale__language_code="vi")
    step_complete(learner=an, page=lessons[0])
    html(client, index.url)  # a visitor's listing, cached whole: nobody's progress in it
    client.force_login(an)
    assert "Đã xong 1/3 bước" in html(client, index.url)
    client.force_login(binh)
    assert 'class="progress"' not in html(client, index.url)


def test_entries_of_an_older_version_are_never_used(rf, db):
    request = rf.get("/")
    assert content_cache.fetch(request, {"probe": lambda: "first"}) == {"probe": "first"}
    content_cache.bump()
    later = rf.get("/")
    assert content_cache.fetch(later, {"probe": lambda: "second"}) == {"probe": "second"}
    again = rf.get("/")
    assert content_cache.fetch(again, {"probe": lambda: "third"}) == {"probe": "second"}
