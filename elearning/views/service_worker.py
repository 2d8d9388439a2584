"""The service worker (`/sw.js`) and the page it shows when the device is offline.

The worker's body is the static source `elearning/static/elearning/js/sw.js` with what it needs
from the server written in: the addresses of the scripts and the offline pages (hashed in
production), the site's languages, the first parts of the addresses it must never keep, and a
VERSION drawn from all of that and from the device scripts' sources. A deployment that changes any
of them changes the worker's bytes, so the browser installs the new worker on its next connection
(it checks `/sw.js` with every navigation, past the HTTP cache: `Cache-Control: no-cache`).

It is served from the root, so that its scope (`Service-Worker-Allowed: /`) covers every page;
the response keeps the site's Content-Security-Policy, which is the worker's own policy
(`script-src 'self'` for its importScripts, `connect-src 'self'` for what it fetches)."""

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

SOURCE = "elearning/js/sw.js"
# Scripts whose change must reach devices with a new worker (their source goes into VERSION).
DEVICE_SCRIPTS = ["elearning/js/offline-db.js", "elearning/js/offline-send.js", "elearning/js/offline.js"]
# The first part of an address (after the language) that the worker never answers from a cache,
# and never keeps: staff pages and dashboards, sign-in, accounts, certificates, the pupil's talk
# requests, family consent, the projector, the classroom kit and family page, the offline
# endpoints themselves. The help page is not one: it is the same for everyone.
# tests/elearning/test_service_worker.py checks that every such page of the site falls under one.
PRIVATE_SECTIONS = [
    "schools",
    "classes",
    "class",
    "accounts",
    "certificates",
    "offline",
    "talk",
    "consent",
    "projector",
    "kit",
    "f",
]
PLACEHOLDER = "{} /* SW_CONFIG */"


def _path(name: str) -> Path | None:
    found = finders.find(name)
    return Path(found) if found else None


def _read(name: str) -> str:
    path = _path(name)
    return path.read_text(encoding="utf-8") if path else ""


def _config() -> dict:
    languages = [code for code, _name in settings.LANGUAGES]
    offline_pages = {}
    for code in languages:
        with translation.override(code):
            offline_pages[code] = reverse("offline_page")
    return {
        "db": static("elearning/js/offline-db.js"),
        "send": static("elearning/js/offline-send.js"),
        "offlinePages": offline_pages,
        # What the offline page needs to draw itself, kept beside it.
        "shell": [static("elearning/css/site.css"), *(static(name) for name in DEVICE_SCRIPTS)],
        "languages": languages,
        "private": PRIVATE_SECTIONS,
        "files": [settings.STATIC_URL, settings.MEDIA_URL, "/h5p/"],
        "defaultLanguage": settings.LANGUAGE_CODE,
    }


def worker_source() -> str:
    """The worker's body: its source with the configuration and the VERSION written in, drawn
    again only when one of the sources changed (development; a deployment starts new processes)."""
    stamps = []
    for name in [SOURCE, *DEVICE_SCRIPTS]:
        path = _path(name)
        stamps.append(path.stat().st_mtime_ns if path else 0)
    return _drawn(tuple(stamps), static("elearning/js/offline-db.js"))


@lru_cache(maxsize=4)
def _drawn(_stamps: tuple, _db_url: str) -> str:
    source = _read(SOURCE)
    config = _config()
    digest = hashlib.sha256(source.encode())
    for name in DEVICE_SCRIPTS:
        digest.update(_read(name).encode())
    digest.update(json.dumps(config, sort_keys=True).encode())
    config["version"] = digest.hexdigest()[:16]
    return source.replace(PLACEHOLDER, json.dumps(config), 1)


@require_safe
def service_worker(request):
    response = HttpResponse(worker_source(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
def offline_page(request):
    """What a device shows for a page it has not saved, with no connection. The worker keeps it
    from its install (fetched without cookies: it shows nobody's name)."""
    return render(request, "elearning/offline.html")
