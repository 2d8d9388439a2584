"""A walk through the site over real HTTP, as its users take it, against any base URL.

    .venv/bin/python scripts/smoke.py http://127.0.0.1:8000
    .venv/bin/python scripts/stack.py smoke     # the production stack, with faults (what CI runs)

It walks: the health check; home in both languages; the catalogue and every course and lesson
page it links to; the lesson with the H5P activity, its player's own document, both their
Content-Security-Policies and the package's files; a pupil signing in with class code, name
and pictures, answering the check before the lessons, finishing a lesson and sending a quiz;
the service worker and the manifest, the pupil's "Save on this device" list, their offline pass
and a lesson finished offline sent twice without cookies (recorded once);
the teacher's class dashboard and its CSV, the school's learning gains and their CSV; the
trainee social worker finishing the last lesson of the frontline course, and the certificate
that follows, drawn by the task worker, downloaded and verified on the public page and as
JSON; the help page; the site's own 403 and 404 pages in each language.
With `faults` (scripts/stack.py) it also stops Redis and then the database, and checks what
visitors see meanwhile and that the site comes back by itself.

Any 5xx where none is expected, or any missing result, is a failed check; the exit code says
how many. Only the standard library: it runs from any machine with Python 3.11.

The demo accounts are needed (`DEMO_ACCOUNTS=true` before `load_demo`). The pupil's pictures
depend on the server's key: `load_demo` prints them (`--pupil CODE:NAME:PIC,PIC,PIC`).
"""

from __future__ import annotations

import argparse
import datetime
import html
import http.cookiejar
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser

DEMO_PASSWORD = "Demo@2026"
TEACHER = "teacher@example.com"
TRAINEE = "trainee@example.com"
DEFAULT_PUPIL = "DEM3AXYZ:Nguyễn Minh An:sun,star,apple"


# --- HTTP -------------------------------------------------------------------------------------
@dataclass
class Response:
    status: int
    url: str
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return {}


class Browser:
    """One visitor: a cookie jar, redirects followed like a browser's."""

    def __init__(self, base_url: str, timeout: float = 30):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def absolute(self, url: str) -> str:
        return url if url.startswith("http") else self.base_url + url

    def request(self, url: str, data: dict | list | None = None, headers: dict | None = None) -> Response:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.absolute(url), data=body, headers=headers or {})
        if body is not None:
            request.add_header("Referer", self.absolute(url))
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Response(response.status, response.url, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.url, dict(error.headers), error.read())
        except (urllib.error.URLError, OSError) as error:
            # No answer at all (refused, reset, timed out): a failed check, not a crashed walk.
            return Response(0, self.absolute(url), {}, str(error).encode())

    def get(self, url: str, **kwargs) -> Response:
        return self.request(url, **kwargs)

    def post_json(self, url: str, data: dict) -> Response:
        request = urllib.request.Request(
            self.absolute(url), data=json.dumps(data).encode(), headers={"Content-Type": "application/json"}
        )
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Response(response.status, response.url, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.url, dict(error.headers), error.read())
        except (urllib.error.URLError, OSError) as error:
            return Response(0, self.absolute(url), {}, str(error).encode())

    def submit(self, form: Form, values: dict | None = None) -> Response:
        data = list(form.fields.items())
        for name, value in (values or {}).items():
            data = [(key, val) for key, val in data if key != name]
            for item in value if isinstance(value, list) else [value]:
                data.append((name, item))
        return self.request(urllib.parse.urljoin(form.page_url, form.action or form.page_url), data=data)


# --- HTML -------------------------------------------------------------------------------------
@dataclass
class Form:
    page_url: str
    action: str
    attrs: dict
    fields: dict = field(default_factory=dict)  # hidden and text inputs' values
    choices: dict = field(default_factory=dict)  # name -> values of radios, checkboxes, selects


class PageParser(HTMLParser):
    def __init__(self, url: str):
        super().__init__()
        self.url = url
        self.links: list[tuple[str, dict]] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "a" and attrs.get("href"):
            self.links.append((urllib.parse.urljoin(self.url, attrs["href"]), attrs))
        elif tag == "form":
            self._form = Form(self.url, attrs.get("action", ""), attrs)
            self.forms.append(self._form)
        elif self._form is not None and tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in {"radio", "checkbox"}:
                self._form.choices.setdefault(attrs["name"], []).append(attrs.get("value", "on"))
            elif kind not in {"submit", "button", "file"}:
                self._form.fields[attrs["name"]] = attrs.get("value", "")
        elif self._form is not None and tag == "select":
            self._select = attrs.get("name")
        elif self._form is not None and tag == "option" and self._select:
            self._form.choices.setdefault(self._select, []).append(attrs.get("value", ""))
        elif self._form is not None and tag == "textarea" and attrs.get("name"):
            self._form.fields[attrs["name"]] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def parse(response: Response) -> PageParser:
    parser = PageParser(response.url)
    parser.feed(response.text)
    return parser


def form_where(response: Response, attribute: str) -> Form | None:
    return next((form for form in parse(response).forms if attribute in form.attrs), None)


def quiz_answers(quiz: Form) -> dict[str, list[str]]:
    """Some answer to every question: the first choice; in a question of several drop-downs
    (ordering, matching: `q-<question>-<item>`), a different option in each."""
    answers, used = {}, {}
    for name, values in quiz.choices.items():
        options = [value for value in values if value]
        group = name[:38]
        index = used.get(group, 0)
        used[group] = index + 1
        answers[name] = [options[index % len(options)]] if "" in values else options[:1]
    return answers


# --- the walk ---------------------------------------------------------------------------------
class Smoke:
    def __init__(self, base_url: str, pupil: str = DEFAULT_PUPIL, verbose: bool = True):
        self.base_url = base_url.rstrip("/")
        self.pupil = pupil
        self.verbose = verbose
        self.failures: list[str] = []
        self.passed = 0

    def check(self, name: str, condition: bool, detail: str = "") -> bool:
        if condition:
            self.passed += 1
            if self.verbose:
                print(f"ok   {name}", flush=True)
        else:
            self.failures.append(name)
            print(f"FAIL {name}{': ' + detail if detail else ''}", flush=True)
        return condition

    def page(self, browser: Browser, url: str, name: str, status: int = 200, contains: str = "", **kwargs) -> Response:
        response = browser.get(url, **kwargs)
        ok = response.status == status and (not contains or contains in response.text)
        detail = f"{response.status} at {response.url}" + (f", without {contains!r}" if contains else "")
        self.check(name, ok, detail)
        return response

    def browser(self) -> Browser:
        return Browser(self.base_url)

    def sign_in_adult(self, email: str) -> Browser:
        browser = self.browser()
        page = browser.get("/vi/accounts/login/")
        form = next((form for form in parse(page).forms if "password" in form.fields), None)
        if not self.check(f"{email}: the log-in form", form is not None, f"{page.status}"):
            return browser
        response = browser.submit(form, {"login": email, "password": DEMO_PASSWORD})
        self.check(
            f"{email}: logs in",
            response.status == 200 and "account_logout" not in response.url and "/login/" not in response.url,
            f"{response.status} {response.url}",
        )
        return browser

    # --- each journey ---
    def health(self) -> None:
        response = self.browser().get("/healthz")
        self.check(
            "/healthz answers ok", response.status == 200 and response.json().get("status") == "ok", response.text[:200]
        )

    def home(self) -> None:
        browser = self.browser()
        self.page(browser, "/vi/", "home in Vietnamese", contains='lang="vi"')
        self.page(browser, "/en/", "home in English", contains='lang="en"')
        self.page(browser, "/vi/help/", "help page", contains="tel:")

    def catalogue(self) -> dict[str, list[str]]:
        """Every course of the Vietnamese catalogue with its lesson and quiz pages, all fetched."""
        browser = self.browser()
        home = browser.get("/vi/")
        catalogue_url = next(
            (url for url, attrs in parse(home).links if url.rstrip("/").count("/") == 4 and "/vi/khoa" in url),
            f"{self.base_url}/vi/khoa-hoc/",
        )
        catalogue = self.page(browser, catalogue_url, "catalogue")
        prefix = urllib.parse.urlsplit(catalogue.url).path
        courses: dict[str, list[str]] = {}
        for url, _attrs in parse(catalogue).links:
            path = urllib.parse.urlsplit(url).path
            if path.startswith(prefix) and path != prefix and path.count("/") == prefix.count("/") + 1:
                courses.setdefault(url, [])
        self.check("catalogue lists courses", len(courses) >= 3, f"{len(courses)} found")
        for course_url in courses:
            course = browser.get(course_url)
            self.check(
                f"course page {urllib.parse.urlsplit(course_url).path}", course.status == 200, str(course.status)
            )
            course_path = urllib.parse.urlsplit(course_url).path
            for url, _attrs in parse(course).links:
                path = urllib.parse.urlsplit(url).path
                if path.startswith(course_path) and path != course_path and url not in courses[course_url]:
                    courses[course_url].append(url)
        steps = sorted({url for urls in courses.values() for url in urls})
        bad = [f"{browser.get(url).status} {url}" for url in steps]
        bad = [line for line in bad if not line.startswith("200 ")]
        self.check(
            f"every lesson and quiz page of the catalogue answers ({len(steps)})", steps and not bad, "; ".join(bad[:5])
        )
        return courses

    def h5p(self, courses: dict[str, list[str]]) -> None:
        browser = self.browser()
        for url in (url for urls in courses.values() for url in urls):
            response = browser.get(url)
            frame = re.search(r'<iframe class="h5p-player__frame" src="([^"]+)"', response.text)
            if not frame:
                continue
            self.check("a lesson frames the H5P player", True)
            policy = response.headers.get("Content-Security-Policy", "")
            self.check(
                "the lesson's Content-Security-Policy is strict",
                "script-src 'self';" in policy + ";" and "unsafe" not in policy,
                policy,
            )
            player = self.page(
                browser, html.unescape(frame.group(1)), "the H5P player's document", contains="data-h5p-player"
            )
            policy = player.headers.get("Content-Security-Policy", "")
            self.check(
                "the player's own policy: framed by the site only, no inline script but its hashed line",
                "frame-ancestors 'self'" in policy and "'sha256-" in policy and "'unsafe-eval'" not in policy,
                policy,
            )
            bundle = re.search(r'data-h5p-bundle="([^"]+)"', player.text)
            if bundle:
                self.page(browser, bundle.group(1), "the H5P player's script")
            package = re.search(r"(/h5p/[0-9a-f]{16,})", player.text)
            if self.check("the player names its H5P package", package is not None):
                for path in ("h5p.json", "content/content.json"):
                    file = self.page(browser, f"{package.group(1)}/{path}", f"H5P package file {path}")
                    self.check(
                        f"H5P {path} is JSON",
                        file.headers.get("Content-Type", "").startswith("application/json"),
                        file.headers.get("Content-Type", ""),
                    )
            # The site's shared libraries: the package's main library from the players' one address.
            libraries = re.search(r'"librariesPath": "([^"]+)"', player.text)
            if self.check("the player names the site's shared libraries", libraries is not None) and package:
                manifest = json.loads(browser.get(f"{package.group(1)}/h5p.json").text)
                main = next(d for d in manifest["preloadedDependencies"] if d["machineName"] == manifest["mainLibrary"])
                folder = f"{main['machineName']}-{main['majorVersion']}.{main['minorVersion']}"
                self.page(
                    browser, f"{libraries.group(1)}/{folder}/library.json", "the main library from the shared store"
                )
            return
        self.check("a lesson frames the H5P player", False, "none of the catalogue's pages has one")

    def pupil_signs_in(self) -> Browser | None:
        code, name, pictures = self.pupil.split(":")
        browser = self.browser()
        page = self.page(browser, "/vi/class/", "pupil sign-in page")
        form = next((form for form in parse(page).forms if "code" in form.fields), None)
        if not self.check("pupil sign-in: the class code form", form is not None):
            return None
        names = browser.submit(form, {"code": code})
        link = next((url for url, _attrs in parse(names).links if "/class/pupil/" in url and name in names.text), None)
        match = re.search(r'href="([^"]+/class/pupil/\d+/)"[^>]*>\s*' + re.escape(name), names.text)
        link = urllib.parse.urljoin(names.url, match.group(1)) if match else None
        if not self.check(
            "pupil sign-in: the class's names, with the pupil's",
            names.status == 200 and link is not None,
            f"{names.status} {names.url}",
        ):
            return None
        secret = browser.get(link)
        form = next((form for form in parse(secret).forms if form.choices), None)
        if not self.check("pupil sign-in: the pictures", form is not None, str(secret.status)):
            return None
        values = dict(zip(form.choices, pictures.split(","), strict=False))
        signed_in = browser.submit(form, values)
        self.check(
            "pupil signs in and lands on My modules",
            signed_in.status == 200 and "/my-modules/" in signed_in.url,
            f"{signed_in.status} {signed_in.url}",
        )
        return browser

    def pupil_learns(self, browser: Browser) -> None:
        modules = self.page(browser, "/vi/my-modules/", "My modules")
        # A module's course page (/vi/<catalogue>/<course>/), not the catalogue in the menu.
        links = [
            url
            for url, _attrs in parse(modules).links
            if "/vi/khoa" in url and len(urllib.parse.urlsplit(url).path.strip("/").split("/")) == 3
        ]
        if not self.check("My modules lists assigned modules", bool(links)):
            return
        course = browser.get(links[0])
        course_path = urllib.parse.urlsplit(course.url).path
        steps = [
            url
            for url, _attrs in parse(course).links
            if urllib.parse.urlsplit(url).path.startswith(course_path)
            and urllib.parse.urlsplit(url).path != course_path
        ]
        lesson_done = quiz_done = False
        for url in dict.fromkeys(steps):
            page = browser.get(url)
            if urllib.parse.urlsplit(url).path.endswith("/before/"):
                # The course page offers the check before the lessons: one question per lesson.
                check = form_where(page, "data-quiz")
                if check:
                    response = browser.submit(check, quiz_answers(check))
                    self.check(
                        "pupil answers the check before the lessons",
                        response.status == 200 and "result-summary" in response.text,
                        f"{response.status} {response.url}",
                    )
                continue
            finish = form_where(page, "data-finish-lesson")
            if finish and not lesson_done:
                response = browser.submit(finish)
                lesson_done = self.check(
                    "pupil finishes a lesson", response.status == 200, f"{response.status} {response.url}"
                )
            quiz = form_where(page, "data-quiz")
            if quiz and not quiz_done:
                answers = quiz_answers(quiz)
                response = browser.submit(quiz, answers)
                quiz_done = self.check(
                    "pupil sends a quiz and gets a result",
                    response.status == 200 and "%" in response.text,
                    f"{response.status} {response.url}",
                )
            if lesson_done and quiz_done:
                return
        self.check("the module has a lesson and a quiz", lesson_done and quiz_done)

    def pupil_offline(self, browser: Browser) -> None:
        """The installable app and work done offline: the service worker and the manifest, the
        pupil's "Save on this device" list (nothing private in it), their offline pass, and a
        lesson finished offline sent later without cookies, twice: recorded once."""
        worker = self.page(browser, "/sw.js", "offline: the service worker answers")
        self.check(
            "offline: the service worker may control the whole site",
            worker.headers.get("Service-Worker-Allowed") == "/"
            and "javascript" in worker.headers.get("Content-Type", ""),
            str(worker.headers),
        )
        manifest = self.page(browser, "/vi/manifest.webmanifest", "offline: the manifest answers")
        self.check("offline: the manifest names the app", bool(manifest.json().get("name")), manifest.text[:200])
        listing = self.page(browser, "/vi/my-modules/offline.json", "offline: the pupil's list to save").json()
        content = [item["url"] for item in listing.get("content", [])]
        private = [url for url in content if re.search(r"/(classes|schools|admin|accounts)/", url)]
        self.check(
            "offline: the list has the modules' pages and files, nothing private",
            bool(content) and listing.get("bytes", 0) > 0 and not private,
            f"{len(content)} items, private: {private[:3]}",
        )
        credential = self.page(browser, "/vi/offline/pass/", "offline: the pupil's pass").json().get("pass")
        page_id = None
        for url in content:
            if url.startswith("/vi/") and url.endswith("/") and "/h5p/" not in url:
                form = next(
                    (f for f in parse(browser.get(url)).forms if f.attrs.get("data-offline-kind") == "finish"), None
                )
                if form:
                    page_id = int(form.attrs["data-page"])
                    break
        found = bool(page_id is not None and credential)
        if not self.check("offline: a saved lesson has its offline 'I've finished'", found):
            return
        item = {
            "kind": "finish",
            "key": str(uuid.uuid4()),
            "pass": credential,
            "page": page_id,
            "at": datetime.datetime.now(datetime.UTC).isoformat(),
        }
        first = self.browser().post_json("/vi/offline/send/", item)  # no cookies: the pass says who
        again = self.browser().post_json("/vi/offline/send/", item)
        self.check(
            "offline: a lesson finished offline is recorded, and the same item again once only",
            first.status in (200, 201) and again.status == 200 and again.json().get("status") == "replay",
            f"{first.status} {first.text[:120]} / {again.status} {again.text[:120]}",
        )

    def pupil_asks_to_talk(self, browser: Browser) -> None:
        page = self.page(browser, "/vi/talk/", "pupil: the 'I want to talk' page, 111 beside it", contains="tel:111")
        form = next((form for form in parse(page).forms if "adult" in form.choices), None)
        if not self.check("pupil: the talk form offers the class's adults", form is not None):
            return
        values = {name: form.choices[name][0] for name in ("adult", "about", "urgent") if name in form.choices}
        sent = browser.submit(form, values)
        self.check(
            "pupil asks to talk and sees it was received, with 111",
            sent.status == 200 and 'data-testid="talk-status"' in sent.text and "tel:111" in sent.text,
            f"{sent.status} {sent.url}",
        )

    def teacher(self) -> None:
        browser = self.sign_in_adult(TEACHER)
        staff = self.page(browser, "/vi/schools/", "teacher: My classes")
        classes = sorted({url for url, _attrs in parse(staff).links if re.search(r"/vi/classes/\d+/$", url)})
        if not self.check("teacher: classes listed", bool(classes)):
            return
        dashboard = self.page(browser, classes[0], "teacher: class dashboard")
        self.teach_in_class(browser, dashboard)
        self.classroom_kit(browser, dashboard)
        export = browser.get(classes[0] + "export.csv")
        self.check(
            "teacher: class CSV export",
            export.status == 200 and "csv" in export.headers.get("Content-Type", "") and export.text.count("\n") > 5,
            f"{export.status} {export.headers.get('Content-Type')}",
        )
        schools = sorted({url for url, _attrs in parse(staff).links if re.search(r"/vi/schools/\d+/$", url)})
        if self.check("teacher: leads a school", bool(schools)):
            self.page(
                browser, schools[0] + "audit/", "teacher: the school's audit log", contains='data-testid="audit-log"'
            )
            self.page(
                browser, schools[0] + "learning-gains/", "teacher: the school's learning gains", contains="data-table"
            )
            self.talk_requests(browser, schools[0])
            gains = browser.get(schools[0] + "learning-gains.csv")
            self.check(
                "teacher: learning gains CSV, no pupil named",
                gains.status == 200 and "csv" in gains.headers.get("Content-Type", "") and gains.text.count("\n") > 3,
                f"{gains.status} {gains.headers.get('Content-Type')}",
            )

    def classroom_kit(self, browser: Browser, dashboard: Response) -> None:
        """The class page links each module's kit: three A4 PDFs and the family page, no sign-in."""
        links = {attrs.get("data-testid"): url for url, attrs in parse(dashboard).links if attrs.get("data-testid")}
        if not self.check("teacher: the class page links a module's classroom kit", "kit-plan" in links):
            return
        for testid in ("kit-plan", "kit-worksheet", "kit-family"):
            pdf = browser.get(links[testid])
            self.check(
                f"teacher: the kit's {testid.removeprefix('kit-')} PDF",
                pdf.status == 200 and pdf.body.startswith(b"%PDF"),
                f"{pdf.status} {pdf.headers.get('Content-Type')}",
            )
        family = self.browser().get(links["kit-family-page"])
        self.check(
            "a visitor opens the family page without signing in, with the helpline",
            family.status == 200 and "tel:111" in family.text,
            f"{family.status} {family.url}",
        )

    def teach_in_class(self, browser: Browser, dashboard: Response) -> None:
        """Start teaching a module from the class page; the presenter moves the projector's slide."""
        links = [url for url, _attrs in parse(dashboard).links if re.search(r"/modules/\d+/teach/$", url)]
        if not self.check("teacher: 'Teach in class' on the class's modules", bool(links)):
            return
        start = browser.get(links[0])
        # The page's own form (the top bar's sign-out form names its action).
        form = next(
            (form for form in parse(start).forms if "csrfmiddlewaretoken" in form.fields and not form.action), None
        )
        presenter = browser.submit(form) if form else start
        if not self.check(
            "teacher: starts teaching, the presenter's view opens",
            presenter.status == 200 and "data-teach-next" in presenter.text,
            f"{presenter.status} {presenter.url}",
        ):
            return
        before = browser.get(presenter.url + "state.json").json()
        following = form_where(presenter, "data-teach-next")
        moved = browser.submit(following) if following else presenter
        after = browser.get(presenter.url + "state.json").json()
        self.check(
            "teacher: 'Next' moves the slide every screen shows",
            moved.status == 200 and after.get("position") == before.get("position", -2) + 1,
            f"{before} -> {after}",
        )
        self.page(browser, presenter.url + "screen/", "teacher: the projector's view", contains="data-teach")
        # The projector's link opens the slides in a browser where no one signed in, and moves them.
        link = next(
            (url for url, attrs in parse(presenter).links if attrs.get("data-testid") == "projector-link"), None
        )
        if not self.check("teacher: the presenter's view gives the projector's link", link is not None):
            return
        projector = self.browser()
        screen = self.page(projector, link, "the projector's link opens without signing in", contains="data-teach")
        following = form_where(screen, "data-teach-next")
        moved = projector.submit(following) if following else screen
        latest = browser.get(presenter.url + "state.json").json()
        self.check(
            "the projector's 'Next' (a clicker) moves the presenter's slide too",
            moved.status == 200 and latest.get("position") == after.get("position", -2) + 1,
            f"{after} -> {latest}",
        )

    def talk_requests(self, browser: Browser, school_url: str) -> None:
        """The leader sees the pupil's request to talk, opens it (the guide) and closes it."""
        page = self.page(browser, school_url + "talk/", "leader: the school's talk requests")
        requests = [url for url, _attrs in parse(page).links if re.search(r"/talk/requests/\d+/$", url)]
        if not self.check("leader: the pupil's request to talk is listed", bool(requests)):
            return
        request = self.page(
            browser, requests[0], "leader: the request with its guide", contains='data-testid="talk-guide"'
        )
        form = next(
            (form for form in parse(request).forms if "csrfmiddlewaretoken" in form.fields and not form.action), None
        )
        closed = browser.submit(form, {"status": "closed"}) if form else request
        self.check(
            "leader: closes the request; the page says when it is deleted",
            closed.status == 200 and 'data-testid="talk-delete-on"' in closed.text,
            f"{closed.status} {closed.url}",
        )

    def certificate(self, wait_seconds: float = 180) -> None:
        browser = self.sign_in_adult(TRAINEE)
        mine = browser.get("/vi/certificates/")
        already = "/pdf/" in mine.text
        if not already:
            finished = False
            for course_url in self.courses:
                course = browser.get(course_url)
                match = re.search(r'<a class="button" href="([^"]+)">', course.text)
                # The frontline course is the one the trainee has started: it has finished steps.
                if not match or "status--done" not in course.text:
                    continue
                lesson = browser.get(urllib.parse.urljoin(course.url, match.group(1)))
                finish = form_where(lesson, "data-finish-lesson")
                if finish:
                    response = browser.submit(finish)
                    finished = self.check(
                        "trainee finishes the last lesson of the frontline course",
                        response.status == 200,
                        f"{response.status}",
                    )
                    break
            if not finished:
                self.check("trainee has a lesson left in the frontline course", False)
                return
        deadline = time.monotonic() + wait_seconds
        pdf = None
        while time.monotonic() < deadline:
            mine = browser.get("/vi/certificates/")
            download = re.search(r'href="([^"]+/pdf/)"', mine.text)
            if download:
                pdf = browser.get(download.group(1))
                if pdf.status == 200:
                    break
            time.sleep(0.5)
        ok = pdf is not None and pdf.status == 200 and pdf.body.startswith(b"%PDF")
        if not self.check(
            "the certificate's PDF is drawn (by the task worker) and downloads", ok, f"{pdf and pdf.status}"
        ):
            return
        code = re.search(r"\b([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\b", mine.text)
        if not self.check("My certificates shows the code", code is not None):
            return
        anyone = self.browser()
        self.page(
            anyone,
            f"/vi/certificates/verify/{code.group(1)}/",
            "certificate verified on the public page",
            contains=code.group(1),
        )
        verified = anyone.get(f"/en/certificates/verify/{code.group(1)}/", headers={"Accept": "application/json"})
        self.check(
            "certificate verified as JSON",
            verified.status == 200 and verified.json().get("status") == "valid",
            verified.text[:200],
        )

    def error_pages(self) -> None:
        browser = self.browser()
        for language, words in (("vi", "Không tìm thấy trang"), ("en", "Page not found")):
            response = self.page(
                browser, f"/{language}/khong-co-trang-nay/", f"404 page in {language}", status=404, contains=words
            )
            self.check(f"404 page in {language} has the helpline", "tel:111" in response.text)
        browser.get("/vi/class/")
        for language, words in (("vi", "Trang này đã mở quá lâu"), ("en", "This page was open too long")):
            response = browser.request(f"/{language}/class/", data={"code": "ABCDEF"})  # no CSRF token
            self.check(
                f"403 page (form expired) in {language}",
                response.status == 403 and words in response.text and "tel:111" in response.text,
                f"{response.status}",
            )

    # --- faults ---
    def redis_outage(self, faults: StackFaults, pupil: Browser | None) -> None:
        faults.redis_stop()
        try:
            anyone = self.browser()
            self.page(anyone, "/vi/", "Redis stopped: home still answers")
            self.page(anyone, "/vi/khoa-hoc/", "Redis stopped: catalogue still answers")
            health = anyone.get("/healthz")
            self.check(
                "Redis stopped: /healthz says degraded, cache unavailable, 200",
                health.status == 200
                and health.json() == {"status": "degraded", "database": "ok", "cache": "unavailable"},
                health.text,
            )
            if pupil:
                self.page(pupil, "/vi/my-modules/", "Redis stopped: the pupil is still signed in")
            wrong = self.browser()
            page = wrong.get("/vi/class/")
            form = next(form for form in parse(page).forms if "code" in form.fields)
            response = wrong.submit(form, {"code": "ZZZZZZ"})
            self.check(
                "Redis stopped: a wrong class code gets its message, not a 500",
                response.status == 400,
                str(response.status),
            )
            self.teacher()
        finally:
            faults.redis_start()
        self.wait_for(
            "Redis back: /healthz says ok by itself", lambda: self.browser().get("/healthz").text, '"status": "ok"'
        )

    def database_outage(self, faults: StackFaults) -> None:
        faults.db_stop()
        try:
            anyone = self.browser()
            for language, words in (("vi", "nghỉ"), ("en", "resting")):
                response = self.page(
                    anyone, f"/{language}/", f"database stopped: 503 page in {language}", status=503, contains=words
                )
                self.check(
                    f"database stopped: the 503 page in {language} has the helpline and Retry-After",
                    "tel:111" in response.text and "Retry-After" in response.headers,
                    str(response.headers),
                )
            health = anyone.get("/healthz")
            self.check(
                "database stopped: /healthz answers 503",
                health.status == 503 and health.json().get("database") == "unavailable",
                health.text,
            )
        finally:
            faults.db_start()
        self.wait_for(
            "database back: /healthz says ok by itself", lambda: self.browser().get("/healthz").text, '"status": "ok"'
        )
        self.page(self.browser(), "/vi/", "database back: home answers")

    def wait_for(self, name: str, probe, expected: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        seen = ""
        while time.monotonic() < deadline:
            seen = probe()
            if expected in seen:
                break
            time.sleep(0.5)
        self.check(name, expected in seen, seen[:200])

    def run(self, faults: StackFaults | None = None) -> list[str]:
        self.health()
        self.home()
        self.courses = self.catalogue()
        self.h5p(self.courses)
        pupil = self.pupil_signs_in()
        if pupil:
            self.pupil_learns(pupil)
            self.pupil_offline(pupil)
            self.pupil_asks_to_talk(pupil)
        self.teacher()
        self.certificate()
        self.error_pages()
        if faults:
            self.redis_outage(faults, pupil)
            self.database_outage(faults)
        print(f"smoke: {self.passed} passed, {len(self.failures)} failed", flush=True)
        return self.failures


class StackFaults:
    """Stops and starts the services of a scripts/stack.py stack."""

    def __init__(self, stack):
        self.stack = stack

    def redis_stop(self):
        self.stack.redis_stop()

    def redis_start(self):
        self.stack.redis_start()

    def db_stop(self):
        self.stack.db_stop()

    def db_start(self):
        self.stack.db_start()


def run(base_url: str, faults: StackFaults | None = None, pupil: str = DEFAULT_PUPIL) -> list[str]:
    return Smoke(base_url, pupil=pupil).run(faults)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:8000")
    parser.add_argument(
        "--pupil", default=DEFAULT_PUPIL, help=f"CODE:NAME:PICTURE,PICTURE,PICTURE (default {DEFAULT_PUPIL!r})"
    )
    args = parser.parse_args()
    return 1 if run(args.base_url, pupil=args.pupil) else 0


if __name__ == "__main__":
    sys.exit(main())
