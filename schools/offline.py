"""What "Save on this device" stores for a class: every address its assigned modules need to be
read without a connection, and how many bytes fetching each one transfers.

Two lists, as the device keeps them (elearning/static/elearning/js/offline-db.js):

- `content`: what every reader sees alike, fetched by the device without cookies, so exactly what
  a visitor gets: the module pages and their lessons, the pictures they show, each embedded H5P
  activity's player document and every file that player loads (the package's h5p.json and
  content/, each library's library.json, scripts, styles and fonts, h5p-standalone's bundles),
  and the site's own static files those pages use. Nothing of any learner.
- `learner`: one pupil's own pages, fetched with their cookies: their quiz pages (each holds
  their signed form token and their draw of the bank) and their my-modules page.

How the addresses are found: each page is rendered as a visitor gets it, by the site's own
request handler inside this process (`_get`), and read for what a browser would load from it
(stylesheets, scripts, pictures, frames; the fonts and pictures each stylesheet names; the H5P
player's configuration). So the list holds the rendition addresses and static files the
templates actually use, whatever they become, rather than a second description of them.

How the bytes are counted: what the server sends for a browser that accepts gzip and brotli,
as a phone's browser does: a page's HTML gzip-compressed as the site sends it
(`elearning.middleware.CompressPagesMiddleware`); a static file as whitenoise serves it (its
precompressed .br or .gz in production, where `CompressedManifestStaticFilesStorage` writes them;
as it is in development and tests, so the tests' figures err on the large side); an H5P file as
the H5P view sends it (text gzipped); a picture at its stored size. Headers are not counted.

When it is built: a module's download is built once per content version (`courses.cache`), so any
publication is seen at once; one process builds it while the others serve the download built
before (a lock in the shared cache: `_single_build`), so a new version does not start one crawl
per request. The content version also rolls every few minutes without any change (it expires),
so the list's own `version` is not it but a digest of what the device keeps (`content_version`):
every address with, for what the site makes per request (pages, the manifest, H5P JSON), a digest
of its decoded body (its compressed size varies: the site pads each compressed page by a random
number of bytes against BREACH; a CSRF token, different in every rendering, is left out), for a
quiz page its published revision (a visitor's rendering draws its own questions, token and masked
choices), and for the rest (static, H5P and media files, streamed, whose address changes with
them) its size. It changes when something a
saved device holds changes, and only then.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import logging
import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from posixpath import normpath
from urllib.parse import quote, unquote, urljoin, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.template.loader import render_to_string
from django.utils import translation

from courses import cache as content_cache
from courses.models import CoursePage, LessonPage
from courses.pages import request_key
from quizzes.models import QuizPage

from . import selectors

logger = logging.getLogger(__name__)

# What a phone's browser says it accepts; the count is of what the server sends for it.
ACCEPT_ENCODING = "gzip, deflate, br"
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(['"])([^'"]+)\1""")
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


@dataclass(frozen=True)
class Item:
    url: str
    bytes: int
    # A digest of the body, for what the list reads (pages, stylesheets, JSON); "" for files
    # whose address already names their content (static, H5P and media files).
    digest: str = ""


@dataclass(frozen=True)
class ModuleDownload:
    """One module's whole download: its shared addresses and its quiz pages (their sizes as a
    visitor's rendering: a pupil's own form differs only by its token and masked names)."""

    title: str
    url: str
    content: tuple[Item, ...]
    quizzes: tuple[Item, ...]

    @property
    def content_bytes(self) -> int:
        return sum(item.bytes for item in self.content)

    @property
    def bytes(self) -> int:
        return self.content_bytes + sum(item.bytes for item in self.quizzes)


# --- Fetching as a visitor, inside this process -------------------------------------------------

_handler: BaseHandler | None = None


def _site_handler() -> BaseHandler:
    """The site's own request handler (URLs and middleware), as the WSGI server runs it, but
    without the request signals that close the database connection."""
    global _handler
    if _handler is None:
        handler = BaseHandler()
        handler.load_middleware()
        _handler = handler
    return _handler


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    sent: int  # bytes of the body as sent
    body: bytes  # decoded, for reading what it names (HTML and CSS only)
    content_type: str
    digest: str = ""  # of the decoded body, for what is made per request (not streamed files)


def _digest(body: bytes) -> str:
    """A digest of a decoded body without what differs in every rendering (a CSRF token)."""
    return hashlib.sha256(CSRF_INPUT.sub(b"", body)).hexdigest()[:16]


def _get(url: str, *, host: str, scheme: str, read: bool) -> Fetched:
    """GET `url` (its path percent-encoded, as a browser sends it) as a visitor (no cookies)
    through the site's handler; `read`: also decode the body (compressed bodies are decompressed,
    after counting)."""
    parts = urlsplit(url)
    environ = {
        "REQUEST_METHOD": "GET",
        # As a WSGI server passes it: the decoded path's UTF-8 bytes, one character per byte.
        "PATH_INFO": unquote(parts.path).encode("utf-8").decode("latin-1"),
        "QUERY_STRING": parts.query,
        "SCRIPT_NAME": "",
        "HTTP_HOST": parts.netloc or host,
        "SERVER_NAME": (parts.netloc or host).split(":")[0],
        "SERVER_PORT": "443" if (parts.scheme or scheme) == "https" else "80",
        "HTTP_ACCEPT_ENCODING": ACCEPT_ENCODING,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": parts.scheme or scheme,
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }
    # The handler activates the page's language; the caller's request keeps its own.
    with translation.override(translation.get_language()):
        response = _site_handler().get_response(WSGIRequest(environ))
    try:
        content_type = response.get("Content-Type", "").split(";")[0].strip()
        if response.streaming:
            if not read and response.has_header("Content-Length"):
                raw, sent = b"", int(response["Content-Length"])
            else:
                raw = b"".join(response.streaming_content)
                sent = len(raw)
        else:
            raw = response.content
            sent = len(raw)
        made = response.status_code == 200 and (read or not response.streaming)
        decoded = _decoded(raw, response.get("Content-Encoding", "")) if made else b""
        body = decoded if read else b""
        digest = _digest(decoded) if made and not response.streaming else ""
    finally:
        # What response.close() does, without its request_finished signal: that would close this
        # thread's database connection in the middle of the caller's request.
        for closer in response._resource_closers:
            closer()
    return Fetched(url=url, status=response.status_code, sent=sent, body=body, content_type=content_type, digest=digest)


def _decoded(raw: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(raw)
    if encoding == "br":
        import brotli  # whitenoise wrote the .br file with it

        return brotli.decompress(raw)
    return raw


# --- Reading what a page and a stylesheet load --------------------------------------------------


class _Subresources(HTMLParser):
    """What a browser loads from a page: stylesheets, scripts, pictures, frames, media, and the
    H5P player's configuration (a JSON script)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.player_config: str | None = None
        self._in_config = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and {"stylesheet", "icon", "manifest"} & set((attrs.get("rel") or "").split()):
            self._add(attrs.get("href"))
        elif tag in {"script", "img", "iframe", "source", "audio", "video", "track"}:
            self._add(attrs.get("src"))
            for candidate in (attrs.get("srcset") or "").split(","):
                self._add(candidate.strip().split(" ")[0])
            self._add(attrs.get("poster"))
        if tag == "script" and attrs.get("id") == "h5p-player-config":
            self._in_config = True
        if attrs.get("data-h5p-bundle"):
            self._add(attrs["data-h5p-bundle"])

    def handle_endtag(self, tag):
        self._in_config = False

    def handle_data(self, data):
        if self._in_config:
            self.player_config = (self.player_config or "") + data

    def _add(self, url):
        if url and not url.startswith(("data:", "blob:", "#")):
            self.urls.append(url)


def _css_references(css: str, base: str) -> list[str]:
    found = [m.group(2) for m in CSS_URL.finditer(css)] + [m.group(2) for m in CSS_IMPORT.finditer(css)]
    return [urljoin(base, ref.split("#")[0].split("?")[0]) for ref in found if not ref.startswith(("data:", "#"))]


class _Collector:
    """Fetches addresses once each, following what pages and stylesheets name, and keeps the
    same-origin ones (and the H5P content origin's) with their sizes, in the order found."""

    def __init__(self, *, host: str, scheme: str):
        self.host, self.scheme = host, scheme
        self.found: dict[str, Item] = {}

    def _ours(self, url: str) -> str | None:
        parts = urlsplit(url)
        if not parts.netloc:
            return parts.path + (f"?{parts.query}" if parts.query else "")
        origin = f"{parts.scheme}://{parts.netloc}"
        if parts.netloc == self.host or (settings.H5P_CONTENT_ORIGIN and origin == settings.H5P_CONTENT_ORIGIN):
            return url if parts.netloc != self.host else parts.path
        return None  # another site's (a video host): not saved

    def page(self, url: str) -> Fetched | None:
        """A page: counted, and everything it loads followed."""
        fetched = self._fetch(url, read=True)
        if fetched is None:
            return None
        parser = _Subresources()
        parser.feed(fetched.body.decode("utf-8", "replace"))
        for sub in parser.urls:
            self.resource(urljoin(url, sub))
        if parser.player_config:
            self._player(json.loads(parser.player_config))
        return fetched

    def resource(self, url: str) -> None:
        url = self._ours(url)
        if url is None or url in self.found:
            return
        if url.startswith(settings.MEDIA_URL):
            self._media(url)
            return
        if re.match(r"^/[a-z]{2}/h5p/play/", urlsplit(url).path):
            self.page(url)  # the player document: a page of its own
            return
        is_css = url.split("?")[0].endswith(".css")
        fetched = self._fetch(url, read=is_css)
        if fetched is not None and is_css:
            for ref in _css_references(fetched.body.decode("utf-8", "replace"), url):
                self.resource(ref)

    def _fetch(self, url: str, *, read: bool) -> Fetched | None:
        url = self._ours(url) or url
        if url in self.found:
            return None
        try:
            fetched = _get(url, host=self.host, scheme=self.scheme, read=read)
        except Exception:
            # One file the site cannot serve must not cost the whole list: the rest is saved.
            logger.exception("Save on this device: %s could not be fetched; it is left out.", url)
            return None
        if fetched.status != 200:
            return None  # nothing a browser could keep (a missing file is not the list's to mend)
        self.found[url] = Item(url=url, bytes=fetched.sent, digest=fetched.digest)
        return fetched

    def _media(self, url: str) -> None:
        name = url.removeprefix(settings.MEDIA_URL)
        with contextlib.suppress(OSError, NotImplementedError):  # not stored: nothing to keep
            self.found[url] = Item(url=url, bytes=default_storage.size(name))

    def _json(self, url: str) -> dict | None:
        fetched = self._fetch(url, read=True)
        if fetched is None:
            return None
        try:
            return json.loads(fetched.body.decode("utf-8-sig"))
        except ValueError:
            return None

    def _player(self, config: dict) -> None:
        """Every file h5p-standalone loads for one activity: its bundles and styles, the
        package's h5p.json and content/, then each library (folders named Machine-major.minor)
        with its dependencies, scripts and styles, and what those styles name."""
        options = config.get("options") or {}
        for key in ("frameJs", "frameCss"):
            if options.get(key):
                self.resource(options[key])
        for url in options.get("customJs") or []:
            self.resource(url)
        if config.get("main_bundle"):
            self.resource(config["main_bundle"])
        base, libraries = options.get("h5pJsonPath"), options.get("librariesPath")
        if not base or not libraries:
            return
        package = self._json(f"{base}/h5p.json") or {}
        self._json(f"{base}/content/content.json")
        self._content_files(base)
        pending = list(package.get("preloadedDependencies") or [])
        seen = set()
        while pending:
            dependency = pending.pop(0)
            folder = "{}-{}.{}".format(
                dependency.get("machineName"), dependency.get("majorVersion"), dependency.get("minorVersion")
            )
            if folder in seen:
                continue
            seen.add(folder)
            library = self._json(f"{libraries}/{folder}/library.json") or {}
            pending.extend(library.get("preloadedDependencies") or [])
            for kind in ("preloadedJs", "preloadedCss"):
                for entry in library.get(kind) or []:
                    path = normpath(entry.get("path", "")) if isinstance(entry, dict) else ""
                    if path and not path.startswith(".."):
                        self.resource(f"{libraries}/{folder}/{path}")

    def _content_files(self, base: str) -> None:
        """The package's content/ folder (pictures, sound): the player loads what content.json
        names, which is what an editor put in the package."""
        from h5p import packages

        sha256 = urlsplit(base).path.rstrip("/").rsplit("/", 1)[-1]
        try:
            files = packages.storage()
            names = list(packages.walk(files, f"{packages.folder(sha256)}/content"))
        except (OSError, ValueError):
            return
        for name in sorted(names):
            inside = name.split("/content/", 1)[1]
            if inside != "content.json":
                # Percent-encoded: a name may hold any letter, and "#" or "?".
                self.resource(f"{base}/content/{quote(inside, safe='/')}")


def _steps(course: CoursePage) -> tuple[list, list]:
    lessons = list(LessonPage.objects.child_of(course).live().order_by("path").defer_streamfields())
    quizzes = list(QuizPage.objects.child_of(course).live().order_by("path"))
    return lessons, quizzes


def _build_module(course: CoursePage, *, host: str, scheme: str, request) -> ModuleDownload:
    collector = _Collector(host=host, scheme=scheme)
    lessons, quizzes = _steps(course)
    collector.page(course.get_url(request))
    for lesson in lessons:
        collector.page(lesson.get_url(request))
    content = dict(collector.found)
    learner = []
    for quiz in quizzes:
        # The quiz page is the pupil's own; its pictures and static files are shared.
        urls = [quiz.get_url(request)]
        if quiz.offers_precheck:
            urls.append(f"{urls[0]}before/")
        for url in urls:
            fetched = collector.page(url)
            if fetched is not None:
                item = collector.found.pop(url)
                # A visitor's rendering draws its own questions: the published revision (the
                # questions are the page's) names what the pupil's page holds.
                stamp = f"revision-{quiz.latest_revision_id}-{quiz.last_published_at}"
                learner.append(Item(url=item.url, bytes=item.bytes, digest=stamp))
    content.update(collector.found)
    return ModuleDownload(
        title=course.title, url=course.get_url(request), content=tuple(content.values()), quizzes=tuple(learner)
    )


# How long one process may hold the right to build a module's download before another may.
BUILD_LOCK_SECONDS = 5 * 60


def module_download(course: CoursePage, *, request) -> ModuleDownload:
    """One module's whole download for the reader's language and host (built once per content
    version: `courses.cache`)."""
    key = f"offline-module:{course.pk}:{request_key(request)}:{request.scheme}"
    found = content_cache.lookup(request, key)  # reads the version before the database
    if found is not None:
        return found
    host, scheme = request.get_host(), request.scheme
    return _single_build(request, key, lambda: _build_module(course, host=host, scheme=scheme, request=request))


def _single_build(request, key: str, build) -> ModuleDownload:
    """Build `key` for the current content version, one process at a time: the one that takes
    the lock (`cache.add`) builds and stores it; the others meanwhile get the download built
    last (of an earlier version: the device sees the new one at its next check), or, when none
    was ever built, build their own. A crashed builder's lock expires (BUILD_LOCK_SECONDS)."""
    lock, last = f"offline-module-building:{key}", f"offline-module-last:{key}"
    if not cache.add(lock, True, BUILD_LOCK_SECONDS):
        earlier = cache.get(last)
        if earlier is not None:
            return earlier
        return build()
    try:
        download = build()
        content_cache.store(request, key, download)
        cache.set(last, download, content_cache.TIMEOUT)
    finally:
        cache.delete(lock)
    return download


def content_version(items) -> str:
    """The digest of what a device keeps of a list: each address with its body's digest (what
    is read) or its size (the rest), in order of address."""
    digest = hashlib.sha256()
    for item in sorted(items, key=lambda item: item.url):
        digest.update(f"{item.url}\t{item.digest or item.bytes}\n".encode())
    return digest.hexdigest()[:32]


# --- The lists ----------------------------------------------------------------------------------


def _assigned_courses(classroom, *, pupils_see: bool) -> list[CoursePage]:
    assignments = classroom.assignments.order_by("due_on", "assigned_at")
    if pupils_see:
        assignments = assignments.filter(visible=True)
    courses = [a.course for a in assignments.select_related("course")]
    local = selectors.localised_courses(courses)
    return [local[c.translation_key] for c in courses if c.translation_key in local]


def save_list(*, classroom, request, learner=None) -> dict:
    """The list "Save on this device" fetches for `classroom` (`learner`: the signed-in pupil,
    whose own pages are added), in the shape save.js reads."""
    modules, content, learner_items = [], {}, {}
    if classroom.active:
        for course in _assigned_courses(classroom, pupils_see=learner is not None):
            download = module_download(course, request=request)
            # A teacher's device keeps no quiz page (each is one pupil's own form).
            size = download.bytes if learner is not None else download.content_bytes
            modules.append({"title": download.title, "url": download.url, "bytes": size})
            for item in download.content:
                content.setdefault(item.url, item)
            if learner is not None:
                for item in download.quizzes:
                    learner_items.setdefault(item.url, item)
    if learner is not None:
        page = _my_modules_page(request)
        learner_items[page.url] = page
    total = sum(item.bytes for item in (*content.values(), *learner_items.values()))
    # The pupil's my-modules page follows their progress, not the content: not in the version.
    shared = [*content.values(), *(item for url, item in learner_items.items() if url != _my_modules_url())]
    result = {
        "version": content_version(shared),
        "title": classroom.name,
        "bytes": total,
        "modules": modules,
        "content": [{"url": item.url, "bytes": item.bytes} for item in content.values()],
    }
    if learner is not None:
        result["learner"] = [{"url": item.url, "bytes": item.bytes} for item in learner_items.values()]
    return result


def _my_modules_url() -> str:
    from django.urls import reverse

    return reverse("schools:my_modules")


def _my_modules_page(request) -> Item:
    """The pupil's my-modules page, rendered as its view renders it (uncompressed: the count
    errs on the large side), through a copy of the request that shares none of its state: the
    pupil's waiting messages are not read (so not used up: the next page still shows them) and
    no CSRF cookie is asked for on the list's response."""
    class_name, modules = selectors.pupil_class_and_modules(pupil=request.user, request=request)
    html = render_to_string(
        "schools/my_modules.html", {"modules": modules, "class_name": class_name}, request=_detached(request)
    )
    return Item(url=_my_modules_url(), bytes=len(html.encode()))


def _detached(request):
    """A shallow copy of `request` with its own META (where CSRF notes that a cookie is needed)
    and no messages."""
    copy = request.__class__.__new__(request.__class__)
    copy.__dict__.update(request.__dict__)
    copy.META = dict(request.META)
    copy._messages = []
    return copy
