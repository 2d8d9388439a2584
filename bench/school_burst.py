"""1 500 pupils of 40 classes open their assigned lesson within 10 seconds, then take its quiz,
against the production stack on this machine; prints latency percentiles, errors and lost
attempts.

Targets: lesson opens p95 < 300 ms, quiz submits p95 < 500 ms, no error, no attempt lost.

What it does:

- starts the production stack (`scripts/stack.py`: production settings, its own PostgreSQL and
  Redis, one RQ worker, gunicorn; `--workers`, `--threads` choose gunicorn's workers);
- makes, in the stack's database, with the project's real services (`manage.py shell`): a school
  (`school_create`), 40 classes of grade 4 (`classroom_create`), 1 500 pupils imported from pasted
  lists (`roster_import`, 37 or 38 a class), consent recorded for each (`consent_record`, so that
  attempts are stored) and the first module of their age band assigned to every class
  (`course_assign`); then a session for each pupil, made on the server by Django's own `login()`
  on a request object (as the pupil sign-in view does, with the pupil's session expiry), so the
  burst measures the lesson and the quiz, not 1 500 sign-ins (`bench/pupil_signin.py` measures
  those);
- turns on `pg_stat_statements` (a PostgreSQL restart before the warm-up) to list, afterwards,
  the statements that took PostgreSQL's time (`--no-pg-statements` leaves it off);
- warms up with a few pupils of a 41st class (not counted);
- then every pupil starts at a random instant (seeded) of a 10-second window and, each on its own
  connections with its own cookies, as a browser without JavaScript:
  1. GETs the module's first lesson (200, showing the lesson's title);
  2. GETs the quiz (200; reads the CSRF token, the form's token and the questions from the form);
  3. POSTs answers to every question, keyed by the question block ids the form names (a random
     choice of the form's own options), and must be redirected to the attempt's result;
  4. GETs the result page, as the browser follows the redirect (200).
  `--read-seconds` and `--answer-seconds` put a pause between 1 and 2 and between 2 and 3
  (default none: all of it inside the burst).

The client is asyncio on raw sockets (HTTP/1.1, a connection per request, as gunicorn's sync
workers close them anyway): it uses little CPU, and its CPU is printed with that of gunicorn,
PostgreSQL, Redis and the rest of the machine during the burst. Latency runs from opening the
connection to the last byte of the answer, queueing included (the clients do not wait for each
other: open loop). Afterwards it counts the pupils' attempts in the database: lost = submits
answered with a redirect to a result minus new attempts stored.

Then, as the baseline the speed targets are read against, the same schedule (the same seed: the
same instants, four requests a pupil) against the welcome page of a bare `wagtail start` site made
in a temporary folder while the stack starts (SQLite, its own production settings, the same
gunicorn command), as `bench/serving.py` does: what this machine can serve at all in that window
(`--no-baseline` skips it).

The last line reads `lesson p95 180 ms; quiz p95 240 ms; errors 0; lost 0`. Non-zero exit on
errors, lost attempts or tracebacks in the stack's logs, not on missed latency targets.

Run from the repository root:
    .venv/bin/python bench/school_burst.py
    .venv/bin/python bench/school_burst.py --workers 4
    .venv/bin/python bench/school_burst.py --workers 2 --threads 4   # gthread
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import random
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

# Run as `python bench/school_burst.py`: the repository root is not on the path by itself.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _setup, _stack

# --- The school, in the stack -----------------------------------------------------------------

BUILD = """
import math
import random
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from importlib import import_module
from accounts.models import Role, User
from courses.models import CoursePage, LessonPage
from quizzes.models import QuizPage
from schools import services
from schools.roster import plan_from_text
from bench import _setup

rng = random.Random(SEED)
store = import_module(settings.SESSION_ENGINE).SessionStore
today = timezone.localdate()


def session_of(pupil):
    # What schools.views.signin.enter_secret does once the pictures are right.
    request = HttpRequest()
    request.META = {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "school-burst"}
    request.session = store()
    request.user = AnonymousUser()
    login(request, pupil, backend="django.contrib.auth.backends.ModelBackend")
    request.session.set_expiry(settings.PUPIL_SESSION_SECONDS)
    request.session.save()
    return request.session.session_key


with transaction.atomic():
    teacher = User.objects.create_user(
        username="burst-teacher", email="burst-teacher@bench.example", display_name="Cô Hà", role=Role.TEACHER
    )
    school = services.school_create(founder=teacher, name="Trường Tiểu học Bình Minh", province="ha-noi", kind="school")
    classes, course = [], None
    sizes = [PUPILS // CLASSES + (1 if number < PUPILS % CLASSES else 0) for number in range(CLASSES)] + [WARM]
    for number, size in enumerate(sizes):
        name = f"4A{number + 1}" if number < CLASSES else "4W (warm-up)"
        classroom = services.classroom_create(
            school=school, teacher=teacher, name=name, grade=4, sign_in_kind="pictures"
        )
        if course is None:
            course = (
                CoursePage.objects.live()
                .filter(locale__language_code="vi", audience="pupil", age_band=classroom.age_band)
                .order_by("path")
                .first()
            )
        plan = plan_from_text("\\n".join(_setup.pupil_names(size, rng)), existing_names=set())
        pupils = services.roster_import(classroom=classroom, plan=plan)
        for pupil in pupils:
            services.consent_record(
                pupil=pupil, pupil_assent=True, guardian_consent=True, method="paper", given_on=today, by=teacher
            )
        services.course_assign(classroom=classroom, course=course, due_on=today, by=teacher)
        classes.append((classroom, pupils))

lesson = LessonPage.objects.child_of(course).live().order_by("path").first()
quiz = QuizPage.objects.child_of(course).live().first()
sessions = [[session_of(pupil) for pupil in pupils] for _classroom, pupils in classes]
result({
    "course": course.title, "lesson": {"url": lesson.url, "title": lesson.title},
    "quiz": {"id": quiz.pk, "url": quiz.url, "title": quiz.title},
    "classes": [classroom.pk for classroom, _pupils in classes[:-1]],
    "sessions": [key for keys in sessions[:-1] for key in keys], "warm_up": sessions[-1],
    "engine": settings.SESSION_ENGINE,
})
"""

COUNT = """
from quizzes.models import QuizAttempt
result({"attempts": QuizAttempt.objects.filter(
    quiz_id=QUIZ, learner__memberships__classroom_id__in=CLASSES, learner__memberships__role="pupil"
).count()})
"""


def build(stack, *, pupils: int, classes: int, warm: int, seed: int) -> dict:
    code = (
        BUILD.replace("SEED", str(seed))
        .replace("PUPILS", str(pupils))
        .replace("CLASSES", str(classes))
        .replace("WARM", str(warm))
    )
    return _stack.run_python(stack, code)


def count_attempts(stack, data: dict) -> int:
    code = COUNT.replace("QUIZ", str(data["quiz"]["id"])).replace("CLASSES", repr(data["classes"]))
    return _stack.run_python(stack, code)["attempts"]


# --- A minimal asyncio HTTP/1.1 client --------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: str
    seconds: float

    def header(self, name: str) -> str:
        return next((value for key, value in self.headers if key == name), "")

    def cookies(self) -> dict[str, str]:
        found = {}
        for key, value in self.headers:
            if key == "set-cookie":
                pair = value.split(";", 1)[0]
                name, _, content = pair.partition("=")
                found[name.strip()] = content.strip()
        return found


def _dechunk(body: bytes) -> bytes:
    out, rest = bytearray(), body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        rest = rest[size + 2 :]
    return bytes(out)


class Http:
    def __init__(self, base_url: str, timeout: float) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.timeout = timeout

    async def request(self, method: str, path: str, cookies: dict[str, str], form: dict | None = None) -> Answer:
        body = urlencode(form, doseq=True).encode() if form is not None else b""
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Connection: close",
            "Accept-Language: vi",
            "User-Agent: school-burst",
        ]
        if cookies:
            lines.append("Cookie: " + "; ".join(f"{name}={value}" for name, value in cookies.items()))
        if form is not None:
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        started = time.perf_counter()
        async with asyncio.timeout(self.timeout):
            reader, writer = await asyncio.open_connection(self.host, self.port)
            try:
                writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
                raw = await reader.read()  # until the server closes the connection
            finally:
                writer.close()
        seconds = time.perf_counter() - started
        head, _, content = raw.partition(b"\r\n\r\n")
        if not head:
            raise ConnectionError("empty answer")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = []
        for line in header_lines:
            key, _, value = line.partition(":")
            headers.append((key.strip().lower(), value.strip()))
        answer = Answer(int(status_line.split()[1]), headers, "", seconds)
        if answer.header("transfer-encoding") == "chunked":
            content = _dechunk(content)
        answer.body = content.decode("utf-8", errors="replace")
        return answer


# --- The quiz form ----------------------------------------------------------------------------

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN_INPUT = re.compile(r'name="token" value="([^"]+)"')
CHOICE_INPUT = re.compile(r'<input type="(radio|checkbox)" name="(q-[^"]+)" value="([^"]+)"')
SELECT = re.compile(r'<select id="[^"]*" name="(q-[^"]+)">(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="([^"]+)"')
QUESTION_ID = 36  # a block id is a UUID: "q-<36 characters>[-<part id>]"


def quiz_answers(page: str, rng: random.Random) -> dict[str, list[str] | str]:
    """An answer to every question of the form: one of its own options, chosen at random."""
    csrf, token = CSRF_INPUT.search(page), TOKEN_INPUT.search(page)
    if not (csrf and token):
        raise ValueError("the quiz form has no CSRF token or form token")
    form: dict = {"csrfmiddlewaretoken": html.unescape(csrf.group(1)), "token": html.unescape(token.group(1))}
    choices: dict[str, tuple[str, list[str]]] = {}
    for kind, name, value in CHOICE_INPUT.findall(page):
        choices.setdefault(name, (kind, []))[1].append(value)
    for name, (kind, values) in choices.items():
        form[name] = rng.choice(values) if kind == "radio" else rng.sample(values, rng.randint(1, len(values)))
    orderings: dict[str, list[str]] = {}
    for name, options in SELECT.findall(page):
        values = OPTION.findall(options)
        if values and all(value.isdigit() for value in values):  # a step's place: each place once
            orderings.setdefault(name[: 2 + QUESTION_ID], []).append(name)
        elif values:  # a matching item
            form[name] = rng.choice(values)
    for names in orderings.values():
        places = [str(place) for place in range(1, len(names) + 1)]
        rng.shuffle(places)
        form.update(zip(names, places, strict=True))
    if len(form) == 2:
        raise ValueError("the quiz form has no questions")
    return form


# --- One pupil --------------------------------------------------------------------------------

PHASES = ("lesson", "quiz_form", "submit", "result")


@dataclass
class Journey:
    latencies: dict[str, float] = field(default_factory=dict)
    error: str = ""
    phase: str = ""
    submitted: bool = False  # the submit was answered with a redirect to the attempt's result
    started: float = 0.0
    finished: float = 0.0


async def journey(http: Http, data: dict, session: str, *, start_at: float, args, rng: random.Random) -> Journey:
    await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
    result = Journey(started=time.perf_counter())
    cookies = {"sessionid": session}
    lesson, quiz = data["lesson"], data["quiz"]
    try:
        result.phase = "lesson"
        answer = await http.request("GET", lesson["url"], cookies)
        result.latencies["lesson"] = answer.seconds
        if answer.status != 200 or html.escape(lesson["title"]) not in answer.body:
            raise ValueError(f"GET the lesson: {answer.status}")
        cookies |= answer.cookies()
        if args.read_seconds:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * args.read_seconds)

        result.phase = "quiz_form"
        answer = await http.request("GET", quiz["url"], cookies)
        result.latencies["quiz_form"] = answer.seconds
        if answer.status != 200:
            raise ValueError(f"GET the quiz: {answer.status}")
        cookies |= answer.cookies()
        form = quiz_answers(answer.body, rng)
        if args.answer_seconds:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * args.answer_seconds)

        result.phase = "submit"
        answer = await http.request("POST", quiz["url"], cookies, form)
        result.latencies["submit"] = answer.seconds
        location = answer.header("location")
        if answer.status != 302 or not location.startswith(quiz["url"] + "results/"):
            raise ValueError(f"POST the quiz: {answer.status} {location or '(no redirect to a result)'}")
        result.submitted = True
        cookies |= answer.cookies()

        result.phase = "result"
        answer = await http.request("GET", location, cookies)
        result.latencies["result"] = answer.seconds
        if answer.status != 200:
            raise ValueError(f"GET the result: {answer.status}")
        result.phase = ""
    except (OSError, ValueError, TimeoutError, ConnectionError) as error:
        result.error = _failure(result.phase, error)
    result.finished = time.perf_counter()
    return result


def _failure(phase: str, error: Exception) -> str:
    return f"{phase}: {type(error).__name__}: {error}" if str(error) else f"{phase}: timeout"


def _schedule(args, count: int) -> tuple[float, list[tuple[float, random.Random]]]:
    """The burst's start instants and each journey's own random source: the same for the same
    seed, so that the project and the bare site are asked alike."""
    rng = random.Random(args.seed)
    now = time.perf_counter() + 0.5
    if args.spread == "even":
        offsets = [args.window * number / count for number in range(count)]
    else:
        offsets = sorted(rng.uniform(0, args.window) for _ in range(count))
    return now, [(now + offset, random.Random(rng.getrandbits(64))) for offset in offsets]


async def burst(base_url: str, data: dict, sessions: list[str], args) -> tuple[list[Journey], float, float]:
    http = Http(base_url, args.timeout)
    now, schedule = _schedule(args, len(sessions))
    tasks = [
        journey(http, data, session, start_at=start, args=args, rng=rng)
        for session, (start, rng) in zip(sessions, schedule, strict=True)
    ]
    results = await asyncio.gather(*tasks)
    return results, now, time.perf_counter()


async def bare_journey(http: Http, *, start_at: float, args, rng: random.Random) -> Journey:
    """The same four requests at the same instants, each a GET of the bare site's welcome page."""
    await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
    result = Journey(started=time.perf_counter())
    try:
        for phase in PHASES:
            result.phase = phase
            if phase == "quiz_form" and args.read_seconds:
                await asyncio.sleep(rng.uniform(0.5, 1.5) * args.read_seconds)
            if phase == "submit" and args.answer_seconds:
                await asyncio.sleep(rng.uniform(0.5, 1.5) * args.answer_seconds)
            answer = await http.request("GET", "/", {})
            result.latencies[phase] = answer.seconds
            if answer.status != 200 or "Welcome to your new Wagtail site" not in answer.body:
                raise ValueError(f"GET the welcome page: {answer.status}")
        result.phase = ""
    except (OSError, ValueError, TimeoutError, ConnectionError) as error:
        result.error = _failure(result.phase, error)
    result.finished = time.perf_counter()
    return result


async def bare_burst(base_url: str, count: int, args) -> tuple[list[Journey], float, float]:
    """The burst's schedule (same seed: same start instants and pauses) against the bare site."""
    http = Http(base_url, args.timeout)
    now, schedule = _schedule(args, count)
    tasks = [bare_journey(http, start_at=start, args=args, rng=rng) for start, rng in schedule]
    results = await asyncio.gather(*tasks)
    return results, now, time.perf_counter()


async def warm_up(base_url: str, data: dict, sessions: list[str], args) -> None:
    """A few whole journeys, some at once, so that every worker has compiled the templates."""
    http = Http(base_url, args.timeout)
    now = time.perf_counter()
    quiet = argparse.Namespace(read_seconds=0, answer_seconds=0)
    results = await asyncio.gather(
        *(journey(http, data, s, start_at=now, args=quiet, rng=random.Random(n)) for n, s in enumerate(sessions))
    )
    failed = [r.error for r in results if r.error]
    if failed:
        raise RuntimeError(f"the warm-up failed: {failed[:3]}")


# --- PostgreSQL's statements ------------------------------------------------------------------


def pg_statements_on(stack) -> None:
    """pg_stat_statements needs a preloaded library: add it to the cluster's settings, restart
    PostgreSQL (the site reconnects: CONN_HEALTH_CHECKS), create the extension."""
    with open(stack.pg_data / "postgresql.conf", "a") as conf:
        conf.write("\nshared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track = all\n")
    stack.db_stop()
    stack.db_start()
    _sql(stack, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")


def _sql(stack, query: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(stack.env["DATABASE_URL"], autocommit=True) as connection:
        cursor = connection.execute(query)
        return cursor.fetchall() if cursor.description else []


TOP_STATEMENTS = """
SELECT calls, round(total_exec_time::numeric, 1), round(mean_exec_time::numeric, 3), rows,
       regexp_replace(query, '\\s+', ' ', 'g')
FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
ORDER BY total_exec_time DESC LIMIT {limit}
"""


TOTALS = """
SELECT sum(calls)::bigint, round(sum(total_exec_time)::numeric, 1)::float,
       coalesce(sum(calls) FILTER (WHERE query ~* '^\\s*(INSERT|UPDATE|DELETE)'), 0)::bigint
FROM pg_stat_statements
WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


# --- Main -------------------------------------------------------------------------------------


def _ms(values: list[float], percent: float) -> str:
    return f"{_setup.percentile(values, percent) * 1000:.0f}" if values else "-"


def _print_latencies(results: list[Journey], heading: str) -> None:
    print(f"{heading:<10} {'answered':>8} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")
    for phase in PHASES:
        values = [r.latencies[phase] for r in results if phase in r.latencies]
        print(f"{phase:<10} {len(values):8d} {_ms(values, 50):>7} {_ms(values, 95):>7} {_ms(values, 100):>7}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pupils", type=int, default=1500, help="pupils in the burst (default 1500)")
    parser.add_argument("--classes", type=int, default=40, help="classes they are in (default 40)")
    parser.add_argument("--window", type=float, default=10, help="seconds over which lessons are opened (default 10)")
    parser.add_argument("--spread", choices=["random", "even"], default="random", help="start instants (random)")
    parser.add_argument("--read-seconds", type=float, default=0, help="mean pause between lesson and quiz")
    parser.add_argument("--answer-seconds", type=float, default=0, help="mean pause between quiz form and submit")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2: see the docs)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker; >1 is gthread (default 1)")
    parser.add_argument(
        "--gunicorn-arg",
        action="append",
        default=[],
        help="another gunicorn option, e.g. --gunicorn-arg=--backlog=4096 (repeatable)",
    )
    parser.add_argument("--timeout", type=float, default=120, help="seconds a request may take before it fails")
    parser.add_argument("--no-pg-statements", dest="pg_statements", action="store_false")
    parser.add_argument(
        "--no-baseline",
        dest="baseline",
        action="store_false",
        help="skip the same schedule against a bare Wagtail site's welcome page",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the stack's folder (logs, database)")
    args = parser.parse_args()
    if not 1 <= args.pupils / args.classes <= 60:
        parser.error("a class list imports 1 to 60 pupils at a time: change --pupils or --classes")

    gunicorn_args = [*(["--threads", str(args.threads)] if args.threads > 1 else []), *args.gunicorn_arg]
    _stack.raise_open_files_limit(args.pupils * 2 + 256)
    print(f"machine: {_setup.describe_machine()}")
    stack = _stack.Stack(web_workers=args.workers, gunicorn_args=gunicorn_args, keep=args.keep)
    folder = Path(tempfile.mkdtemp(prefix="elearning-bare-")) if args.baseline else None
    try:
        with ThreadPoolExecutor(1) as pool:
            bare = pool.submit(_stack.make_bare_site, folder) if folder else None  # while the stack starts
            with stack:
                try:
                    return run(stack, args, bare, gunicorn_args)
                except RuntimeError as error:
                    raise _stack.fail(stack, error) from error
                finally:
                    if args.keep:
                        print(f"kept: {stack.root}" + (f" and {folder}" if folder else ""))
    finally:
        if folder and not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def run(stack, args, bare, gunicorn_args: list[str]) -> int:
    kind = f"gthread, {args.threads} threads each" if args.threads > 1 else "sync"
    print(f"gunicorn: {args.workers} workers ({kind}) {' '.join(args.gunicorn_arg)}".rstrip())
    started = time.perf_counter()
    warm = 8
    data = build(stack, pupils=args.pupils, classes=args.classes, warm=warm, seed=args.seed)
    sessions = data["sessions"]
    print(
        f"made in {time.perf_counter() - started:.0f} s through the services: {len(sessions)} pupils in "
        f"{len(data['classes'])} classes with consent, assigned '{data['course']}'; a session each "
        f"({data['engine']}); lesson {data['lesson']['url']}, quiz {data['quiz']['url']}"
    )
    waited = _stack.wait_for_tasks(stack)
    print(f"task queue drained ({waited} tasks were waiting, mostly load_demo's index updates)")
    if args.pg_statements:
        pg_statements_on(stack)
    asyncio.run(warm_up(stack.base_url, data, data["warm_up"], args))
    _stack.wait_for_tasks(stack)
    before_attempts = count_attempts(stack, data)
    if args.pg_statements:
        _sql(stack, "SELECT pg_stat_statements_reset()")

    roots = {"gunicorn": stack._web.pid, "postgres": _stack.postmaster_pid(stack), "redis": stack._redis.pid}
    roots["rq worker"] = stack._worker.pid
    cpu_before, machine_before, own_before = _stack.cpu_by_group(roots), _stack.machine_busy(), os.times()
    print(
        f"burst: {len(sessions)} pupils start within {args.window:g} s ({args.spread}); each GETs the lesson, "
        f"GETs the quiz, POSTs it and GETs the result"
        + (f"; pauses {args.read_seconds:g} s and {args.answer_seconds:g} s" if args.read_seconds else "")
    )
    results, began, ended = asyncio.run(burst(stack.base_url, data, sessions, args))
    cpu_after, machine_after, own_after = _stack.cpu_by_group(roots), _stack.machine_busy(), os.times()
    after_attempts = count_attempts(stack, data)
    statements = _sql(stack, TOP_STATEMENTS.format(limit=8)) if args.pg_statements else []
    totals = _sql(stack, TOTALS)[0] if args.pg_statements else None
    tracebacks = stack.tracebacks()

    wall = ended - began
    print()
    _print_latencies(results, "step")
    errors = [r for r in results if r.error]
    kinds: dict[str, int] = {}
    for r in errors:
        kinds[r.error[:160]] = kinds.get(r.error[:160], 0) + 1
    for text, count in sorted(kinds.items(), key=lambda item: -item[1])[:10]:
        print(f"  error x{count}: {text}")
    requests = sum(len(r.latencies) for r in results)
    lesson_done = [r.started + r.latencies["lesson"] for r in results if "lesson" in r.latencies]
    print(
        f"achieved: {len(sessions)} lesson opens asked for in {args.window:g} s ({len(sessions) / args.window:.0f}/s); "
        f"the last lesson answered {max(lesson_done) - began:.1f} s after the start; all {requests} requests "
        f"answered in {wall:.1f} s ({requests / wall:.0f} req/s overall)"
    )
    submitted = sum(r.submitted for r in results)
    stored = after_attempts - before_attempts
    lost = submitted - stored
    print(f"attempts: {submitted} submits answered with their result, {stored} new attempts stored; lost {lost}")

    own = (own_after.user - own_before.user) + (own_after.system - own_before.system)
    used = {name: cpu_after[name] - cpu_before[name] for name in roots} | {"this client": own}
    busy = machine_after - machine_before
    used["rest of the machine"] = max(0.0, busy - sum(used.values()))
    print(
        f"CPU during the burst ({wall:.1f} s, {os.cpu_count()} cores = {wall * os.cpu_count():.0f} CPU-s): "
        + ", ".join(f"{name} {seconds:.1f} s ({seconds / wall:.2f} cores)" for name, seconds in used.items())
    )
    if totals:
        calls, milliseconds, writes = totals
        print(
            f"PostgreSQL ran {calls} statements during the burst ({calls / requests:.1f} a request, {writes} of "
            f"them INSERT, UPDATE or DELETE), {milliseconds / 1000:.1f} s of execution in all "
            f"({milliseconds / requests:.2f} ms a request)"
        )
    if statements:
        print("PostgreSQL's statements by total time during the burst (calls, total ms, mean ms, rows, statement):")
        for calls, total, mean, rows, query in statements:
            print(f"  {calls:6d} {total:9} ms {mean:8} ms {rows:7d}  {query[:150]}")
    for traceback in tracebacks:
        print(f"ERROR traceback in the stack's logs:\n{traceback}")

    baseline_errors = run_baseline(bare, args, gunicorn_args, len(sessions)) if bare else 0

    lesson_p95 = _ms([r.latencies["lesson"] for r in results if "lesson" in r.latencies], 95)
    quiz_p95 = _ms([r.latencies["submit"] for r in results if "submit" in r.latencies], 95)
    print(f"lesson p95 {lesson_p95} ms; quiz p95 {quiz_p95} ms; errors {len(errors)}; lost {lost}")
    return 1 if errors or lost or tracebacks or baseline_errors else 0


def run_baseline(bare, args, gunicorn_args: list[str], pupils: int) -> int:
    """The burst's schedule against a bare `wagtail start` site's welcome page, served the same
    way: what the machine can do at all for this many requests in this window."""
    site, env = bare.result()
    with _stack.bare_site_served(site, env, workers=args.workers, gunicorn_args=gunicorn_args) as bare_url:
        quiet = argparse.Namespace(**{**vars(args), "read_seconds": 0, "answer_seconds": 0, "window": 0.1})
        asyncio.run(bare_burst(bare_url, 8, quiet))  # warm-up
        results, began, ended = asyncio.run(bare_burst(bare_url, pupils, args))
    wall = ended - began
    print()
    print(
        "baseline: the same schedule (the same instants, four requests a pupil) against the welcome page of a "
        "bare `wagtail start` site (SQLite, its production settings, the same gunicorn command):"
    )
    _print_latencies(results, "request")
    requests = sum(len(r.latencies) for r in results)
    errors = [r for r in results if r.error]
    for r in errors[:5]:
        print(f"  error: {r.error[:160]}")
    everything = [value for r in results for value in r.latencies.values()]
    print(
        f"baseline: all {requests} requests answered in {wall:.1f} s ({requests / wall:.0f} req/s overall); "
        f"bare Wagtail p95 {_ms(everything, 95)} ms; errors {len(errors)}"
    )
    return len(errors)


if __name__ == "__main__":
    sys.exit(main())
