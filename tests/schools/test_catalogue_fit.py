"""What a pupil's catalogue offers (issue 18, item 4): it opens on their class's age band and the
modules assigned to it; older bands' modules on sexual images and grooming are held back unless
their teacher assigned them. Adults and visitors see the whole catalogue as before."""

import datetime

import pytest
from django.urls import reverse

from courses.models import CourseIndexPage, CoursePage, Topic
from schools import services
from tests.factories import AdultFactory

TITLES = ("Bí mật và em", "Bạn bè trên mạng", "Người lạ và hình ảnh", "Cha mẹ và con")


@pytest.fixture
def catalogue(course):
    """Beside the fixture course (6-8): a 9-11 course, a 12-14 course on grooming and images,
    and a caregivers' course."""
    index = CourseIndexPage.objects.get(locale__language_code="vi")
    for title, slug, audience, band, topic in (
        ("Bạn bè trên mạng", "ban-be", "pupil", "9-11", "cyberbullying"),
        ("Người lạ và hình ảnh", "nguoi-la", "pupil", "12-14", "grooming"),
        ("Cha mẹ và con", "cha-me", "caregiver", "", "screen_time"),
    ):
        page = CoursePage(title=title, slug=slug, summary="…", audience=audience, age_band=band)
        index.add_child(instance=page)
        page.topics.set([Topic.objects.get(code=topic)])
        page.save_revision().publish()
    return index


def listed(client, url) -> list[str]:
    html = client.get(url).content.decode()
    return [title for title in TITLES if f">{title}</a>" in html]


def test_a_pupils_catalogue_opens_on_their_class_and_says_so(client, catalogue, classroom, pupil):
    client.force_login(pupil)  # grade 3: ages 6-8
    html = client.get(catalogue.url).content.decode()
    assert [title for title in TITLES if f">{title}</a>" in html] == ["Bí mật và em"]
    assert 'class="note catalogue-fit"' in html and "6-8" in html
    assert f'href="{catalogue.url}?age="' in html  # every age, one tap away
    assert listed(client, catalogue.url + "?age=") == ["Bí mật và em", "Bạn bè trên mạng", "Cha mẹ và con"]


def test_older_modules_on_grooming_are_held_back_unless_the_teacher_assigned_them(
    client, catalogue, classroom, pupil, leader
):
    client.force_login(pupil)
    assert "Người lạ và hình ảnh" not in listed(client, catalogue.url + "?age=")
    assert "Người lạ và hình ảnh" not in listed(client, catalogue.url + "?q=la")
    older = CoursePage.objects.get(slug="nguoi-la")
    services.course_assign(classroom=classroom, course=older, due_on=datetime.date(2026, 12, 20), by=leader)
    html = client.get(catalogue.url).content.decode()
    # Assigned: offered, first, with the class's band, and marked as given to the class.
    assert listed(client, catalogue.url) == ["Bí mật và em", "Người lạ và hình ảnh"]
    assert html.index(">Người lạ và hình ảnh</a>") < html.index(">Bí mật và em</a>")
    assert "tag--assigned" in html


@pytest.mark.parametrize("who", ["visitor", "adult"])
def test_adults_and_visitors_see_every_course(client, catalogue, who):
    if who == "adult":
        client.force_login(AdultFactory())
    assert listed(client, catalogue.url) == list(TITLES)


def test_a_teacher_lands_on_their_classes_after_signing_in(client, leader):
    leader.set_password("bao-ve-tre-em-2026")
    leader.save()
    response = client.post(reverse("account_login"), {"login": leader.email, "password": "bao-ve-tre-em-2026"})
    assert response.status_code == 302 and response.url == reverse("schools:staff_home")


def test_an_overdue_module_says_so_in_words_not_by_colour_alone(client, course, classroom, pupil, leader):
    services.course_assign(classroom=classroom, course=course, due_on=datetime.date(2020, 1, 6), by=leader)
    client.force_login(pupil)
    mine = client.get(reverse("schools:my_modules")).content.decode()
    assert "status--late" in mine and "quá hạn" in mine
    client.force_login(leader)
    dashboard = client.get(reverse("schools:classroom_detail", args=[classroom.pk])).content.decode()
    assert "<strong>quá hạn</strong>" in dashboard
