"""The catalogue: filters, search and progress, in both languages."""

import pytest

from courses.models import CourseIndexPage, CoursePage, Topic
from progress import services
from tests.factories import AdultFactory


@pytest.fixture
def catalogue(course):
    """The fixture course (pupils 6-8, privacy + reporting) and a caregiver course beside it."""
    index = CourseIndexPage.objects.get(locale__language_code="vi")
    other = CoursePage(title="Cha mẹ và con", slug="cha-me", summary="Cho cha mẹ.", audience="caregiver")
    index.add_child(instance=other)
    other.topics.set([Topic.objects.get(code="screen_time")])
    other.save_revision().publish()
    return index


def titles(client, url):
    html = client.get(url).content.decode()
    return {title for title in ("Bí mật và em", "Cha mẹ và con") if f">{title}</a>" in html}


def test_without_filters_every_course_is_listed(client, catalogue):
    assert titles(client, catalogue.url) == {"Bí mật và em", "Cha mẹ và con"}


def test_filter_by_audience(client, catalogue):
    assert titles(client, catalogue.url + "?audience=caregiver") == {"Cha mẹ và con"}


def test_filter_by_age_band_shows_that_age_only(client, catalogue):
    assert titles(client, catalogue.url + "?age=6-8") == {"Bí mật và em"}
    assert titles(client, catalogue.url + "?age=9-11") == set()


def test_filter_by_topic(client, catalogue):
    assert titles(client, catalogue.url + "?topic=privacy") == {"Bí mật và em"}
    assert titles(client, catalogue.url + "?topic=screen_time") == {"Cha mẹ và con"}


def test_an_unknown_filter_value_is_explained_and_ignored(client, catalogue):
    response = client.get(catalogue.url + "?age=99")
    assert response.status_code == 200
    assert "Chọn lại từ danh sách" in response.content.decode()


def test_search_finds_a_course_by_the_words_of_its_lessons(client, catalogue):
    html = client.get(catalogue.url + "?q=trường").content.decode()
    assert ">Bí mật và em</a>" in html and ">Cha mẹ và con</a>" not in html
    assert ">Thông tin riêng tư</a>" in html  # the matching lesson itself


def test_english_catalogue_lists_the_english_course(client, catalogue, en_course):
    index = CourseIndexPage.objects.get(locale__language_code="en")
    html = client.get(index.url + "?age=6-8").content.decode()
    assert ">Secrets and you</a>" in html and "Bí mật và em" not in html


def test_catalogue_shows_each_learners_own_progress(client, catalogue, lessons):
    learner, other = AdultFactory(), AdultFactory()
    services.step_complete(learner=learner, page=lessons[0])
    client.force_login(learner)
    assert "Đã xong 1/3 bước" in client.get(catalogue.url).content.decode()
    client.force_login(other)
    html = client.get(catalogue.url).content.decode()
    assert 'class="progress"' not in html


def count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the caches (site root paths, renditions)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_catalogue_query_count_does_not_grow_with_courses(client, catalogue):
    client.force_login(AdultFactory())
    before = count_queries(client, catalogue.url)
    for number in range(3):
        extra = CoursePage(title=f"Thêm {number}", slug=f"them-{number}", summary="S", audience="caregiver")
        catalogue.add_child(instance=extra)
        extra.topics.set([Topic.objects.get(code="privacy")])
        extra.save_revision().publish()
    assert count_queries(client, catalogue.url) == before


def test_home_page_and_top_bar_lead_to_the_catalogue_by_audience(client, catalogue):
    html = client.get("/vi/").content.decode()
    assert f'href="{catalogue.url}?audience=pupil"' in html
    assert f'href="{catalogue.url}?audience=frontline"' in html
    assert f'<a href="{catalogue.url}">Khóa học</a>' in html  # the top bar, on every page


def test_search_typed_without_diacritics_finds_what_the_vietnamese_finds(client, catalogue):
    with_marks = client.get(catalogue.url + "?q=trường").content.decode()
    without = client.get(catalogue.url + "?q=truong").content.decode()
    assert ">Thông tin riêng tư</a>" in without and ">Bí mật và em</a>" in without
    for html in (with_marks, without):
        assert ">Cha mẹ và con</a>" not in html


def test_search_says_which_lesson_of_a_course_matched(client, catalogue):
    html = client.get(catalogue.url + "?q=rieng+tu").content.decode()
    card = html.split(">Bí mật và em</a>", 1)[1].split("</li>", 1)[0]
    assert 'class="course-card__matches"' in card and ">Thông tin riêng tư</a>" in card
    assert "(trong Bí mật và em)" in html or "Bí mật và em)" in html


def test_the_language_switcher_keeps_the_catalogues_filters(client, catalogue, en_course):
    html = client.get(catalogue.url + "?age=6-8&topic=privacy").content.decode()
    english = CourseIndexPage.objects.get(locale__language_code="en")
    assert f'name="next" value="{english.url}?age=6-8&amp;topic=privacy"' in html
