""" "Save on this device": the lists of what a class's modules need offline (schools.offline), who
may fetch them, and the size of each demo module's whole download."""

import importlib.util
import json
import re
from unittest.mock import patch

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import reverse

from courses import cache as content_cache
from courses.curriculum import MODULES_DIR
from courses.demo import load_curriculum, load_h5p_demo
from courses.models import CoursePage, LessonPage
from quizzes.demo import load_quizzes
from quizzes.models import QuizPage
from schools import offline, services
from tests.h5p.builders import package_files, zipped
from tests.h5p.conftest import embed, h5p_activity  # noqa: F401

# The bound: one assigned module, everything it needs, transferred.
MODULE_BUDGET_BYTES = 2 * 1024 * 1024
STAFF_PREFIXES = ("/vi/classes/", "/vi/schools/", "/en/classes/", "/en/schools/", "/admin/", "/vi/accounts/")


@pytest.fixture
def assigned(classroom, leader, course, quiz):
    services.course_assign(classroom=classroom, course=course, due_on=None, by=leader)
    return course


def _list(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_the_class_list_holds_the_module_its_lessons_and_what_they_load(
    client,
    leader,
    classroom,
    assigned,
    lessons,
    h5p_activity,  # noqa: F811
):
    embed(lessons[0], h5p_activity)
    client.force_login(leader)
    data = _list(client, reverse("schools:classroom_offline", args=[classroom.pk]))
    urls = [item["url"] for item in data["content"]]
    assert data["title"] == "3A"
    assert data["modules"] == [{"title": assigned.title, "url": assigned.url, "bytes": data["modules"][0]["bytes"]}]
    assert assigned.url in urls
    assert all(lesson.url in urls for lesson in LessonPage.objects.child_of(assigned).live())
    assert f"/vi/h5p/play/{lessons[0].pk}/{h5p_activity.pk}/" in urls
    assert any(url.endswith("/h5p.json") for url in urls)
    assert any(url.endswith("/library.json") for url in urls)
    assert any(url.endswith("h5p-standalone/main.bundle.js") for url in urls)
    assert any(url.endswith("h5p-standalone/frame.bundle.js") for url in urls)
    assert any(url.endswith(".woff2") for url in urls), "the fonts the stylesheets name"
    assert any(url.endswith("elearning/css/site.css") for url in urls)
    assert "learner" not in data, "a teacher's device keeps no pupil's pages"
    assert not [url for url in urls if url.startswith(STAFF_PREFIXES)]
    assert len(urls) == len(set(urls))
    assert all(item["bytes"] > 0 for item in data["content"])
    assert data["bytes"] == sum(item["bytes"] for item in data["content"]) == data["modules"][0]["bytes"]
    assert data["version"]


def test_the_list_names_the_pictures_the_lessons_show(client, home_page, leader, classroom):
    load_curriculum(home_page, [MODULES_DIR / "10-pupil-6-8-privacy"])
    course = CoursePage.objects.get(locale__language_code="vi", audience="pupil")
    services.course_assign(classroom=classroom, course=course, due_on=None, by=leader)
    client.force_login(leader)
    urls = [item["url"] for item in _list(client, reverse("schools:classroom_offline", args=[classroom.pk]))["content"]]
    pictures = {url for url in urls if url.startswith("/media/")}
    html = "".join(client.get(lesson.url).content.decode() for lesson in LessonPage.objects.child_of(course).live())
    shown = set(re.findall(r'<img src="([^"]+)"', html))
    assert pictures and shown == pictures


def test_a_pupil_list_adds_their_quiz_and_my_modules_page(client, pupil, classroom, assigned, quiz):
    client.force_login(pupil)
    data = _list(client, reverse("schools:my_modules_offline"))
    learner = [item["url"] for item in data["learner"]]
    assert quiz.url in learner
    assert reverse("schools:my_modules") in learner
    assert quiz.url not in [item["url"] for item in data["content"]]
    assert data["bytes"] == sum(item["bytes"] for item in data["content"] + data["learner"])


def test_a_module_hidden_from_pupils_is_not_in_their_list(client, pupil, classroom, assigned):
    classroom.assignments.update(visible=False)
    client.force_login(pupil)
    data = _list(client, reverse("schools:my_modules_offline"))
    assert data["modules"] == [] and data["content"] == []


def test_an_archived_class_saves_nothing(client, leader, classroom, assigned):
    classroom.active = False
    classroom.save()
    client.force_login(leader)
    data = _list(client, reverse("schools:classroom_offline", args=[classroom.pk]))
    assert data["modules"] == [] and data["bytes"] == 0


def test_the_list_follows_the_reader_language(client, leader, classroom, assigned, en_course):
    client.force_login(leader)
    data = _list(client, reverse("schools:classroom_offline", args=[classroom.pk]).replace("/vi/", "/en/", 1))
    assert data["modules"][0]["url"] == en_course.url


@pytest.mark.parametrize("who", ["teacher", "pupil"])
def test_the_version_follows_the_content_not_the_content_cache(
    client, who, leader, pupil, classroom, assigned, lessons
):
    """The content cache's version expires every few minutes with nothing published: the list's
    version stays, so devices fetch nothing again; a publication changes it."""
    if who == "teacher":
        client.force_login(leader)
        url = reverse("schools:classroom_offline", args=[classroom.pk])
    else:
        client.force_login(pupil)
        url = reverse("schools:my_modules_offline")
    first = _list(client, url)
    cache.delete(content_cache.VERSION_KEY)  # expired: a new one is drawn, nothing changed
    content_cache.process_entries.clear()
    second = _list(client, url)
    assert content_cache.version() != "" and second["version"] == first["version"]
    assert [item["url"] for item in second["content"]] == [item["url"] for item in first["content"]]
    lessons[0].title = f"{lessons[0].title} (mới)"
    lessons[0].save_revision().publish()
    assert _list(client, url)["version"] != first["version"]


def test_one_process_builds_a_module_while_the_others_serve_the_last_one(rf, leader, classroom, assigned, lessons):
    request = rf.get("/vi/", HTTP_HOST="testserver")
    built = offline.module_download(assigned, request=request)
    lessons[0].title = f"{lessons[0].title} (mới)"
    lessons[0].save_revision().publish()
    # Another process holds the lock for the new version: this one serves the last download.
    with patch.object(offline.cache, "add", return_value=False):
        assert offline.module_download(assigned, request=rf.get("/vi/", HTTP_HOST="testserver")) == built
    # The lock free again: built for the new version, and kept for it.
    fresh = offline.module_download(assigned, request=rf.get("/vi/", HTTP_HOST="testserver"))
    assert fresh != built
    with patch.object(offline, "_build_module", side_effect=AssertionError("built twice")):
        assert offline.module_download(assigned, request=rf.get("/vi/", HTTP_HOST="testserver")) == fresh


def test_fetching_the_pupil_list_leaves_their_waiting_message_and_sets_no_cookie(
    rf, client, pupil, classroom, assigned
):
    storage = CookieStorage(rf.get("/"))
    storage.add(constants.SUCCESS, "Your teacher has read your message.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies[CookieStorage.cookie_name] = carrier.cookies[CookieStorage.cookie_name].value
    client.force_login(pupil)
    response = client.get(reverse("schools:my_modules_offline"))
    assert response.status_code == 200
    assert CookieStorage.cookie_name not in response.cookies, "the message is not used up"
    assert settings.CSRF_COOKIE_NAME not in response.cookies
    assert "Your teacher has read your message." in client.get(reverse("schools:my_modules")).content.decode()


def test_a_package_file_with_any_name_is_saved_and_a_failing_file_is_left_out(
    client, leader, classroom, assigned, lessons, monkeypatch
):
    from h5p import packages, services
    from h5p.models import H5PActivity

    files = package_files()
    files["content/images/ảnh.png"] = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32
    files["content/images/a#1?b.png"] = b"\x89PNG\r\n\x1a\n" + b"\x02" * 32
    checked = packages.check_bytes(zipped(files))
    activity = services.activity_save(activity=H5PActivity(title="Ảnh"), package=checked, filename="anh.h5p")
    embed(lessons[0], activity)
    client.force_login(leader)
    url = reverse("schools:classroom_offline", args=[classroom.pk])
    urls = [item["url"] for item in _list(client, url)["content"]]
    named = {name: [u for u in urls if u.endswith(name)] for name in ("/%E1%BA%A3nh.png", "/a%231%3Fb.png")}
    assert all(len(found) == 1 for found in named.values()), named
    for found in named.values():
        assert client.get(found[0]).status_code == 200, found[0]

    real_get = offline._get

    def failing(address, **kwargs):
        if address.endswith("/%E1%BA%A3nh.png"):
            raise RuntimeError("cannot serve")
        return real_get(address, **kwargs)

    monkeypatch.setattr(offline, "_get", failing)
    cache.delete(content_cache.VERSION_KEY)
    content_cache.process_entries.clear()
    cache.clear()
    urls = [item["url"] for item in _list(client, url)["content"]]
    assert named["/a%231%3Fb.png"][0] in urls and named["/%E1%BA%A3nh.png"][0] not in urls


def test_the_site_policy_lets_pages_fetch_the_h5p_content_origin(monkeypatch):
    """With H5P_CONTENT_ORIGIN set, the save list names that origin's files; the device fetches
    them from the site's pages (save.js), so the site's connect-src allows it."""
    monkeypatch.setenv("H5P_CONTENT_ORIGIN", "https://h5p.example.org/")
    spec = importlib.util.spec_from_file_location("fresh_settings", settings.BASE_DIR / "elearning/settings/base.py")
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    assert fresh.CONTENT_SECURITY_POLICY["DIRECTIVES"]["connect-src"] == ["'self'", "https://h5p.example.org"]
    monkeypatch.delenv("H5P_CONTENT_ORIGIN")
    spec.loader.exec_module(fresh)
    assert fresh.CONTENT_SECURITY_POLICY["DIRECTIVES"]["connect-src"] == ["'self'"]


@pytest.mark.parametrize("who", ["visitor", "teacher"])
def test_the_pupil_list_is_for_pupils_only(client, who, leader):
    if who == "teacher":
        client.force_login(leader)
    assert client.get(reverse("schools:my_modules_offline")).status_code == 404


# --- The size of each demo module ---------------------------------------------------------------

PUPIL_MODULES = sorted(folder.name for folder in MODULES_DIR.iterdir() if "-pupil-" in folder.name)


@pytest.mark.parametrize("folder", PUPIL_MODULES)
def test_each_demo_pupil_module_downloads_in_under_2_mb(rf, home_page, folder, h5p_storage):
    """The whole download of one module (pages, pictures, quizzes, the H5P player and packages,
    static files), as the list counts it, in both languages. One module loaded per test (the
    whole curriculum takes most of a minute), the H5P demo activity placed where load_demo puts it."""
    load_curriculum(home_page, [MODULES_DIR / folder])
    load_quizzes(home_page, [MODULES_DIR / folder])
    load_h5p_demo()
    sizes = {}
    for language in ("vi", "en"):
        course = CoursePage.objects.get(locale__language_code=language, audience="pupil")
        request = rf.get(f"/{language}/", HTTP_HOST="testserver")
        download = offline.module_download(course, request=request)
        assert QuizPage.objects.child_of(course).live().exists() == bool(download.quizzes)
        sizes[language] = download.bytes
        print(f"{folder} {language}: {download.bytes} bytes, {len(download.content) + len(download.quizzes)} files")
    assert max(sizes.values()) < MODULE_BUDGET_BYTES, sizes
