"""The service worker (`/sw.js`): served from the root with the headers a worker needs, under the
site's own Content-Security-Policy, versioned by its sources, and told which parts of the site it
must never keep. The offline page it keeps. Its behaviour in a browser: tests/browser/test_offline.py."""

import json
import re

import pytest
from django.urls import reverse

import certificates.urls
import schools.urls
from elearning.views import service_worker as sw
from tests.elearning.test_security_headers import _assert_strict_policy, _policy
from tests.factories import AdultFactory, PupilFactory


def _config(response) -> dict:
    return json.loads(re.search(r"var CONFIG = (\{.*\});", response.content.decode()).group(1))


@pytest.mark.django_db
def test_the_worker_is_served_from_the_root_with_the_headers_a_worker_needs(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"
    assert reverse("service_worker") == "/sw.js"
    body = response.content.decode()
    assert sw.PLACEHOLDER not in body
    config = _config(response)
    assert re.fullmatch(r"[0-9a-f]{16}", config["version"])
    assert config["db"] == "/static/elearning/js/offline-db.js"
    assert config["offlinePages"] == {"vi": "/vi/offline/", "en": "/en/offline/"}
    assert "importScripts(CONFIG.db, CONFIG.send)" in body


@pytest.mark.django_db
def test_the_worker_keeps_the_sites_strict_policy_and_says_worker_src_outright(client, home_page):
    for user in (None, PupilFactory()):
        if user:
            client.force_login(user)
        response = client.get("/sw.js")
        _assert_strict_policy(response, "/sw.js")
        policy = _policy(response)
        # The worker's own policy: scripts it imports and what it fetches, from the site only.
        assert policy["worker-src"] == ["'self'"] and policy["connect-src"] == ["'self'"]
    page = client.get("/vi/")
    assert _policy(page)["worker-src"] == ["'self'"]


@pytest.mark.django_db
def test_the_version_changes_when_a_source_of_the_worker_changes(client, monkeypatch):
    before = _config(client.get("/sw.js"))["version"]
    assert _config(client.get("/sw.js"))["version"] == before  # the same sources, the same worker
    real = sw._read
    for changed in (sw.SOURCE, "elearning/js/offline.js"):

        def edited(name, changed=changed):
            return real(name) + ("\n// edited" if name == changed else "")

        monkeypatch.setattr(sw, "_read", edited)
        sw._drawn.cache_clear()
        assert _config(client.get("/sw.js"))["version"] != before, changed
    monkeypatch.setattr(sw, "_read", real)
    sw._drawn.cache_clear()
    assert _config(client.get("/sw.js"))["version"] == before


def _first_segment(route: str) -> str:
    return route.split("/")[0]


def test_every_staff_and_account_address_is_a_private_section():
    """The worker never answers these from a cache: every address of schools (but the pupil's own
    modules page, which their own cache keeps), of certificates and of accounts."""
    routes = [p.pattern._route for p in schools.urls.urlpatterns + certificates.urls.urlpatterns]
    kept = {"my-modules/"}
    # JSON, CSV and PDF addresses are never a page the worker keeps, wherever they are.
    documents = (".json", ".csv", ".pdf")
    assert r"\.(json|csv|pdf|" in sw._read(sw.SOURCE)
    for route in routes:
        if route in kept or route.endswith(documents):
            continue
        assert _first_segment(route) in sw.PRIVATE_SECTIONS, route
    for name in ("account_login", "account_logout", "account_email"):
        assert _first_segment(reverse(name).removeprefix("/vi/")) in sw.PRIVATE_SECTIONS, name
    assert _first_segment(reverse("offline_page").removeprefix("/vi/")) in sw.PRIVATE_SECTIONS


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "heading"), [("vi", "Máy đang không có mạng"), ("en", "You are offline")])
def test_the_offline_page_says_saved_lessons_still_open_in_both_languages(client, home_page, language, heading):
    response = client.get(f"/{language}/offline/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "data-offline-page" in text and heading in text
    assert "data-pupil" not in text


@pytest.mark.django_db
def test_a_signed_in_adult_gets_the_worker_too(client):
    client.force_login(AdultFactory())
    response = client.get("/sw.js")
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
