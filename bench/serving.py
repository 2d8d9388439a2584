"""Requests per second of six pages of the production stack against a bare `wagtail start` site
on the same machine, under the same load generator, and their ratio.

Targets (page req/s ÷ bare Wagtail home req/s): lesson, course, my modules and home ≥ 0.8;
catalogue ≥ 0.5; class dashboard (40 pupils x 10 modules) ≥ 0.3.

What it does:

- starts the production stack (`scripts/stack.py`: production settings, its own PostgreSQL and
  Redis, one RQ worker, gunicorn with 2 sync workers, demo accounts on) and, meanwhile, a bare
  Wagtail site made with `wagtail start baresite` in a temporary folder: migrated on SQLite,
  served by its own production settings (DEBUG off; the secret key and allowed hosts in a
  `local.py` there) with the same gunicorn command (2 workers, bound to 127.0.0.1);
- in the stack, through the real services (`manage.py shell`): a class of 40 pupils in the demo
  school taught by the demo teacher, with consent, 10 pupil modules assigned and seeded progress
  (as `bench/class_dashboard.py` makes it);
- signs in over HTTP: the demo teacher through allauth's log-in form, the demo pupil of class 3A
  with the class code, their name and their pictures;
- checks that each page answers 200 with what it should show (as the signed-in user);
- loads each with `wrk -t2 -c16` for 10 s in all (the signed-in ones with their session cookie),
  in 2-second runs that alternate with 2-second runs against the bare site's home page (bare,
  page, page, bare, bare, page...): a page's baseline is the bare site's rate in the runs beside
  its own, so drift in the machine's load (it is shared) falls on both alike. A Lua hook counts
  every answer that is not 200 (wrk itself counts only 4xx and 5xx): any non-200, socket error or
  traceback in the stack's logs fails the run.

The last line reads `lesson 0.83; course 0.90; my_modules 0.85; home 0.88; catalogue 0.55;
dashboard 0.31`. The exit status is non-zero only on errors, not on missed targets.

Needs `wrk` (`make bench-deps`). Run from the repository root:
    .venv/bin/python bench/serving.py
    .venv/bin/python bench/serving.py --duration 5 --rounds 2
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

# Run as `python bench/serving.py`: the repository root is not on the path by itself.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _stack

DEMO_PASSWORD = "Demo@2026"
DEMO_TEACHER = "teacher@example.com"

# Counts every answer other than 200 (redirects too: a lost session answers 302).
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not200 = 0 end
function response(status, headers, body) if status ~= 200 then not200 = not200 + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("not200") end
  io.write(string.format("NOT200 %d\\n", total))
end
"""


# --- The stack's pages ------------------------------------------------------------------------

PREPARE = """
import random
from django.utils import timezone
from accounts import credentials
from accounts.models import User
from courses.models import CourseIndexPage, CoursePage, LessonPage
from schools import services
from schools.models import Classroom, CourseAssignment
from schools.roster import plan_from_text
from bench import _setup, class_dashboard

rng = random.Random(SEED)
# The demo pupil of the README, and the first module class 3A was assigned.
demo_class = Classroom.objects.get(class_code="DEM3AXYZ")
pupil = User.objects.get(display_name="Nguyễn Minh An", memberships__classroom=demo_class)
assignments = list(CourseAssignment.objects.filter(classroom=demo_class).select_related("course").order_by("pk"))
course = assignments[0].course
lesson = LessonPage.objects.child_of(course).live().order_by("path").first()

# A class of 40 pupils x 10 modules in the demo school, taught by the demo teacher.
teacher = User.objects.get(email="teacher@example.com")
classroom = services.classroom_create(
    school=demo_class.school, teacher=teacher, name="4B (benchmark)", grade=4, sign_in_kind="pictures"
)
plan = plan_from_text("\\n".join(_setup.pupil_names(PUPILS, rng)), existing_names=set())
pupils = services.roster_import(classroom=classroom, plan=plan)
courses = CoursePage.objects.live().filter(locale__language_code="vi", audience="pupil").order_by("path")
courses = list(courses[:MODULES])
bench = _setup.BenchClass(teacher=teacher, school=demo_class.school, classroom=classroom, pupils=pupils)
class_dashboard.assign_and_consent(bench, courses, timezone.localdate())
written = class_dashboard.make_progress(bench, courses, rng)
catalogue = CourseIndexPage.objects.get(locale__language_code="vi")
first_in_catalogue = CoursePage.objects.live().child_of(catalogue).order_by("path").first()

result({
    "pupil": {"id": pupil.pk, "name": pupil.display_name, "class_code": demo_class.class_code,
              "secret": list(credentials.secret_of(pupil.pupil_credential)), "kind": pupil.pupil_credential.kind},
    "lesson": {"url": lesson.url, "title": lesson.title},
    "course": {"url": course.url, "title": course.title, "first_lesson": lesson.title},
    "assigned": [a.course.title for a in assignments],
    "catalogue": {"url": catalogue.url, "first": first_in_catalogue.title},
    "dashboard": {"id": classroom.pk, "pupils": len(pupils), "modules": len(courses),
                  "written": dict(written)},
})
"""


@dataclass
class Page:
    name: str
    path: str
    target: float
    cookie: str = ""
    must_show: list[str] = field(default_factory=list)
    must_show_count: tuple[str, int] | None = None  # a regular expression and how many distinct matches


def prepare(stack, *, seed: int) -> dict:
    code = PREPARE.replace("SEED", str(seed)).replace("PUPILS", "40").replace("MODULES", "10")
    started = time.perf_counter()
    data = _stack.run_python(stack, code)
    written = data["dashboard"]["written"]
    print(
        f"dashboard class: {data['dashboard']['pupils']} pupils x {data['dashboard']['modules']} modules, "
        f"{written.get('lessons finished', 0)} lessons finished, {written.get('quiz attempts', 0)} quiz attempts "
        f"(made in {time.perf_counter() - started:.0f} s)"
    )
    return data


def pages_of(stack, data: dict) -> list[Page]:
    pupil = data["pupil"]
    pupil_cookie = _stack.pupil_sign_in(
        stack.base_url, class_code=pupil["class_code"], pupil_id=pupil["id"], secret=pupil["secret"], kind=pupil["kind"]
    )
    teacher_cookie = _stack.teacher_sign_in(stack.base_url, DEMO_TEACHER, DEMO_PASSWORD)
    print(f"signed in over HTTP: pupil {pupil['name']} (class {pupil['class_code']}) and {DEMO_TEACHER}")
    name = html.escape(pupil["name"])
    return [
        Page("lesson", data["lesson"]["url"], 0.8, pupil_cookie, [html.escape(data["lesson"]["title"]), name]),
        Page(
            "course",
            data["course"]["url"],
            0.8,
            pupil_cookie,
            [html.escape(data["course"]["title"]), html.escape(data["course"]["first_lesson"]), name],
        ),
        Page("my_modules", "/vi/my-modules/", 0.8, pupil_cookie, [html.escape(t) for t in data["assigned"]] + [name]),
        Page("home", "/vi/", 0.8, "", ['lang="vi"', 'href="/vi/help/"']),
        Page("catalogue", data["catalogue"]["url"], 0.5, "", [html.escape(data["catalogue"]["first"])]),
        Page(
            "dashboard",
            f"/vi/classes/{data['dashboard']['id']}/",
            0.3,
            teacher_cookie,
            ['data-testid="dashboard"'],
            (rf"/vi/classes/{data['dashboard']['id']}/pupils/(\d+)/", data["dashboard"]["pupils"]),
        ),
    ]


def check(base_url: str, page: Page) -> int:
    """The page answers 200 with what it must show, to this visitor; returns its size."""
    import requests

    headers = {"Cookie": f"sessionid={page.cookie}"} if page.cookie else {}
    response = requests.get(base_url + page.path, headers=headers, allow_redirects=False, timeout=30)
    if response.status_code != 200:
        raise RuntimeError(f"{page.name}: GET {page.path} answered {response.status_code}, not 200")
    missing = [text for text in page.must_show if text not in response.text]
    if missing:
        raise RuntimeError(f"{page.name}: GET {page.path} does not show {missing}")
    if page.must_show_count:
        pattern, count = page.must_show_count
        found = len(set(re.findall(pattern, response.text)))
        if found != count:
            raise RuntimeError(f"{page.name}: GET {page.path} shows {found} matches of {pattern}, not {count}")
    return len(response.content)


# --- wrk --------------------------------------------------------------------------------------


@dataclass
class Run:
    rps: float
    requests: int
    not_200: int
    socket_errors: dict[str, int]
    output: str

    @property
    def seconds(self) -> float:
        return self.requests / self.rps if self.rps else 0.0

    @property
    def failed(self) -> bool:
        return self.not_200 > 0 or any(self.socket_errors.values()) or self.requests == 0


def wrk(url: str, *, cookie: str, duration: float, threads: int, connections: int, script: Path) -> Run:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", "--timeout", "30s", "-s", str(script)]
    if cookie:
        command += ["-H", f"Cookie: sessionid={cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    not_200 = re.search(r"NOT200 (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if not (rps and total and not_200):
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    kinds = ("connect", "read", "write", "timeout")
    socket_errors = dict(zip(kinds, map(int, errors.groups()), strict=True)) if errors else {}
    return Run(float(rps.group(1)), int(total.group(1)), int(not_200.group(1)), socket_errors, output)


# --- Main -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds on each page and on the bare site (10)")
    parser.add_argument("--slice", type=float, default=2, help="seconds of one wrk run; page and bare site alternate")
    parser.add_argument("--rounds", type=int, default=1, help="measurements of each page (default 1; median)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers of both sites (default 2)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the dashboard class's progress")
    parser.add_argument("--keep", action="store_true", help="keep the stack's and the bare site's folders")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: run `make bench-deps` (apt-get install wrk) as root.")

    gunicorn_args: list[str] = []  # the README's command as it is: sync workers
    folder = Path(tempfile.mkdtemp(prefix="elearning-bare-"))
    script = folder / "count.lua"
    script.write_text(WRK_SCRIPT)
    stack = _stack.Stack(web_workers=args.web_workers, gunicorn_args=gunicorn_args, keep=args.keep)
    try:
        with ThreadPoolExecutor(1) as pool:
            bare = pool.submit(_stack.make_bare_site, folder)  # while the stack starts
            with stack:
                try:
                    site, bare_env = bare.result()
                    data = prepare(stack, seed=args.seed)
                    pages = pages_of(stack, data)
                    waited = _stack.wait_for_tasks(stack)
                    print(f"task queue drained ({waited} tasks were waiting, mostly load_demo's index updates)")
                    served = _stack.bare_site_served(
                        site, bare_env, workers=args.web_workers, gunicorn_args=gunicorn_args
                    )
                    with served as bare_url:
                        baseline = Page("bare", "/", 0, "", ["Welcome to your new Wagtail site"])
                        return measure(args, stack, bare_url, baseline, pages, script)
                except RuntimeError as error:
                    raise _stack.fail(stack, error) from error
    finally:
        if args.keep:
            print(f"kept: {stack.root} and {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def measure(args, stack, bare_url: str, baseline: Page, pages: list[Page], script: Path) -> int:
    def target_of(page: Page) -> str:
        return bare_url + page.path if page is baseline else stack.base_url + page.path

    sizes = {baseline.name: check(bare_url, baseline)}
    for page in pages:
        sizes[page.name] = check(stack.base_url, page)
    print("checked: " + ", ".join(f"{name} {size // 1024} KB" for name, size in sizes.items()) + ", all 200")

    load = {"threads": args.threads, "connections": args.connections, "script": script}
    # Warm-up: every worker has compiled its templates and opened its connections.
    for page in [baseline, *pages]:
        wrk(target_of(page), cookie=page.cookie, duration=2, **load)

    slices = max(1, round(args.duration / args.slice))
    length = args.duration / slices
    print(
        f"wrk -t{args.threads} -c{args.connections} on 127.0.0.1 against gunicorn with {args.web_workers} sync workers "
        f"for each site; per page {slices} x {length:g} s of the page and {slices} x {length:g} s of the bare site, "
        f"alternating"
    )
    ratios: dict[str, list[float]] = {p.name: [] for p in pages}
    rates: dict[str, list[float]] = {p.name: [] for p in pages}
    baselines: dict[str, list[float]] = {p.name: [] for p in pages}
    failures = []

    def run(page: Page) -> Run:
        result = wrk(target_of(page), cookie=page.cookie, duration=length, **load)
        if result.failed:
            failures.append(f"{page.name}: {result.not_200} answers not 200, socket errors {result.socket_errors}")
        return result

    def rate_of(runs: list[Run]) -> float:
        return sum(r.requests for r in runs) / sum(r.seconds for r in runs)

    for number in range(args.rounds):
        order = pages if number % 2 == 0 else pages[::-1]
        for page in order:
            runs: dict[str, list[Run]] = {page.name: [], baseline.name: []}
            for index in range(slices):
                # bare, page, page, bare, bare, page...: drift within a pair of slices falls on both alike
                for which in (baseline, page) if index % 2 == 0 else (page, baseline):
                    runs[which.name].append(run(which))
            rate, reference = rate_of(runs[page.name]), rate_of(runs[baseline.name])
            rates[page.name].append(rate)
            baselines[page.name].append(reference)
            ratios[page.name].append(rate / reference)
            requests = sum(r.requests for r in runs[page.name])
            print(
                f"  {page.name:<11} {rate:7.1f} req/s ({requests} requests), bare site {reference:7.1f} req/s: "
                f"{rate / reference:.2f}",
                flush=True,
            )

    # The pages still answer as they should after the load (e.g. the sessions still hold).
    for page in pages:
        check(stack.base_url, page)
    tracebacks = stack.tracebacks()

    print()
    print(f"{'page':<11} {'req/s':>8} {'baseline req/s':>15} {'ratio':>6} {'target':>7}")
    for page in pages:
        ratio = statistics.median(ratios[page.name])
        mark = "" if ratio >= page.target else "  below target"
        print(
            f"{page.name:<11} {statistics.median(rates[page.name]):8.1f} "
            f"{statistics.median(baselines[page.name]):15.1f} {ratio:6.2f} {'≥ ' + format(page.target, 'g'):>7}{mark}"
        )
    for failure in failures:
        print(f"ERROR {failure}")
    for traceback in tracebacks:
        print(f"ERROR traceback in the stack's logs:\n{traceback}")
    print("; ".join(f"{page.name} {statistics.median(ratios[page.name]):.2f}" for page in pages))
    return 1 if failures or tracebacks else 0


if __name__ == "__main__":
    sys.exit(main())
