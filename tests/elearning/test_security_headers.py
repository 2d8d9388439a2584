"""Every response says what the page may ask of the device, where it may send its address, and
(Content-Security-Policy) what it may load and run: strictly on the site's pages, with what
Wagtail's screens need in the admin. The H5P player's own policy: tests/h5p/test_h5p_player.py."""

import pytest
from django.urls import reverse

from quizzes.demo import load_quizzes
from quizzes.models import QuizPage
from schools import services
from tests.conftest import FIXTURE_MODULE
from tests.factories import AdultFactory


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def _assert_strict_policy(response, url):
    policy = _policy(response)
    assert policy["default-src"] == ["'none'"], url
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"], (url, policy)
    assert not any("unsafe" in source for sources in policy.values() for source in sources), (url, policy)
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"], url
    assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'self'"], url


def _assert_headers(response, url):
    policy = response.get("Permissions-Policy", "")
    for denied in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert denied in policy, (url, policy)
    assert "fullscreen=(self)" in policy, (url, policy)
    assert response.get("Referrer-Policy") == "same-origin", url
    assert response.get("Cross-Origin-Opener-Policy") == "same-origin", url


@pytest.mark.django_db
def test_learner_staff_and_admin_pages_carry_the_policies(client, lessons, home_page):
    load_quizzes(home_page, [FIXTURE_MODULE])
    quiz = QuizPage.objects.get(slug="kiem-tra-nhanh")
    for url in ("/vi/", "/en/", lessons[0].url, quiz.url):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_headers(response, url)
        _assert_strict_policy(response, url)
    teacher = AdultFactory()
    school = services.school_create(founder=teacher, name="Trường A", province="ha-noi", kind="school")
    classroom = services.classroom_create(school=school, teacher=teacher, name="3A", grade=3, sign_in_kind="pictures")
    client.force_login(teacher)
    dashboard = reverse("schools:classroom_detail", args=[classroom.pk])
    _assert_headers(client.get(dashboard), dashboard)
    _assert_strict_policy(client.get(dashboard), dashboard)
    client.force_login(AdultFactory(is_staff=True, is_superuser=True))
    admin = client.get("/admin/")
    assert admin.status_code == 200
    _assert_headers(admin, "/admin/")
    # Wagtail's admin needs inline scripts and styles (elearning/settings/base.py says which
    # screens), never eval, and stays unframeable but by itself (its preview panel).
    policy = _policy(admin)
    assert "'unsafe-inline'" in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == ["'self'"] and policy["object-src"] == ["'none'"]
