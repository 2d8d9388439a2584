"""Builds a class of 40 pupils x 10 modules with realistic attempts, renders the dashboard 50
times, and prints the median milliseconds and the query count as its last line.

Target: the teacher's class dashboard (schools:classroom_detail) renders in under 150 ms, and
its query count does not grow with the class (the selector promises a fixed number).

What it does: loads the site and 10 pupil modules of the starter curriculum with their quizzes
(the real loaders, `elearning.demo`, `courses.demo`, `quizzes.demo`), makes a school and a
class of 40 pupils through `schools.services`, records consent for every pupil, assigns the 10
modules (some already past their due date), then writes seeded, realistic progress through the
real services: each pupil finishes some lessons of each module (`progress.services.step_complete`)
and, having read them all, takes the quiz (`quizzes.services.attempt_submit`) until passing or
giving up: weaker pupils fail twice and show "needs help". Then a logged-in teacher GETs the
dashboard (in Vietnamese) with Django's test client: one warm-up, then 50 timed renders.
The data-only part (`schools.selectors.class_dashboard`) is timed too, to split the time
between the queries and the template.

Run from the repository root:
    .venv/bin/python bench/class_dashboard.py
    .venv/bin/python bench/class_dashboard.py --database-url postgres://postgres@127.0.0.1:5432/bench_dashboard
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

# Run as `python bench/class_dashboard.py`: the repository root is not on the path by itself.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _setup

PUPIL_MODULE_MARK = "-pupil-"


def pupil_module_folders(count: int) -> list[Path]:
    """The first `count` pupil modules of the starter curriculum, in catalogue order."""
    from courses.curriculum import MODULES_DIR

    folders = sorted(p for p in MODULES_DIR.iterdir() if p.is_dir() and PUPIL_MODULE_MARK in p.name)
    if count > len(folders):
        raise SystemExit(f"the curriculum has {len(folders)} pupil modules, not {count}")
    return folders[:count]


# --- Answers in the canonical form quizzes.grading reads --------------------------------------


def _ids(items) -> list[str]:
    return [item["id"] for item in items or []]


def answer(question: dict, right: bool, rng: random.Random):
    """One question's answer as `grading.read_answers` returns it: right, or a typical mistake."""
    kind, value = question["type"], question["value"]
    if kind == "single_choice":
        correct = [c["id"] for c in value["choices"] if c["value"]["correct"]]
        wrong = [c["id"] for c in value["choices"] if not c["value"]["correct"]]
        return correct[0] if right or not wrong else rng.choice(wrong)
    if kind == "multiple_choice":
        correct = [c["id"] for c in value["choices"] if c["value"]["correct"]]
        wrong = [c["id"] for c in value["choices"] if not c["value"]["correct"]]
        chosen = set(correct)
        if not right and wrong:  # one right choice missed, one wrong choice ticked
            if len(correct) > 1:
                chosen.discard(rng.choice(correct))
            chosen.add(rng.choice(wrong))
        return sorted(chosen)
    if kind == "true_false":
        return bool(value["answer"]) if right else not bool(value["answer"])
    if kind == "ordering":
        steps = _ids(value["steps"])
        if not right and len(steps) > 1:  # two neighbouring steps swapped
            i = rng.randrange(len(steps) - 1)
            steps[i], steps[i + 1] = steps[i + 1], steps[i]
        return steps
    if kind == "matching":
        pairs = _ids(value["pairs"])
        chosen = {pair: pair for pair in pairs}
        if not right and len(pairs) > 1:  # two items matched the other way round
            a, b = rng.sample(pairs, 2)
            chosen[a], chosen[b] = b, a
        return chosen
    if kind == "scenario":
        options = value["options"]
        best = max(o["value"]["score"] for o in options)
        weaker = [o["id"] for o in options if o["value"]["score"] < best]
        if right or not weaker:
            return next(o["id"] for o in options if o["value"]["score"] == best)
        return rng.choice(weaker)
    raise ValueError(f"unknown question type {kind}")


# --- The class and its progress ---------------------------------------------------------------


def load_content(module_count: int):
    """The site and `module_count` pupil modules with their quizzes; returns the Vietnamese
    courses in catalogue order."""
    from courses.demo import load_curriculum
    from courses.models import CoursePage
    from elearning.demo import load_site
    from quizzes.demo import load_quizzes

    folders = pupil_module_folders(module_count)
    home = load_site()
    load_curriculum(home, folders)
    load_quizzes(home, folders)
    return list(CoursePage.objects.filter(locale__language_code="vi", audience="pupil").order_by("path"))


def assign_and_consent(bench, courses, today) -> None:
    from schools import services

    for pupil in bench.pupils:
        services.consent_record(
            pupil=pupil,
            pupil_assent=True,
            guardian_consent=True,
            method="paper",
            given_on=today - timedelta(days=30),
            by=bench.teacher,
        )
    for number, course in enumerate(courses):
        # A term's plan: the first modules were due weeks ago, the last ones are still ahead.
        due_on = today + timedelta(days=14 * number - 42) if number < len(courses) - 1 else None
        services.course_assign(classroom=bench.classroom, course=course, due_on=due_on, by=bench.teacher)


def make_progress(bench, courses, rng: random.Random) -> Counter:
    """Seeded progress through the real services; returns what was written."""
    from django.db import transaction

    from courses.models import LessonPage
    from progress import services as progress_services
    from quizzes import services as quiz_services
    from quizzes.models import QuizPage

    lessons = {c.pk: list(LessonPage.objects.child_of(c).live().order_by("path")) for c in courses}
    quizzes = {c.pk: QuizPage.objects.child_of(c).live().first() for c in courses}
    questions = {pk: quiz_services.questions_of(quiz) for pk, quiz in quizzes.items() if quiz}
    written: Counter = Counter()
    with transaction.atomic():  # one commit: the services' own atomics become savepoints
        for pupil in bench.pupils:
            skill = rng.uniform(0.3, 0.95)  # the chance of answering a question right
            keenness = rng.uniform(0.6, 1.0)
            for number, course in enumerate(courses):
                # Earlier modules are further along; later ones mostly not started yet.
                if rng.random() > keenness * (1 - 0.08 * number):
                    continue
                steps = lessons[course.pk]
                read = len(steps) if rng.random() < 0.7 else rng.randint(1, max(len(steps) - 1, 1))
                for lesson in steps[:read]:
                    progress_services.step_complete(learner=pupil, page=lesson)
                    written["lessons finished"] += 1
                quiz = quizzes[course.pk]
                if quiz is None or read < len(steps) or rng.random() < 0.1:
                    continue  # the quiz comes after the lessons; a few have not taken it yet
                tries = rng.choice([1, 2, 2, 3, 3, 4])  # how many tries before giving up for now
                for attempt in range(tries):
                    chance = min(skill + 0.1 * attempt, 0.98)
                    answers = {q["id"]: answer(q, rng.random() < chance, rng) for q in questions[course.pk]}
                    made, _created = quiz_services.attempt_submit(
                        learner=pupil,
                        quiz=quiz,
                        submission_key=uuid.UUID(int=rng.getrandbits(128), version=4),
                        answers=answers,
                    )
                    written["quiz attempts"] += 1
                    written["passed" if made.passed else "failed"] += 1
                    if made.passed:
                        break
    return written


# --- Measuring --------------------------------------------------------------------------------


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        before = time.perf_counter()
        function()
        times.append(time.perf_counter() - before)
    return times


def count_queries(function) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured.captured_queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    _setup.add_common_arguments(parser)
    parser.add_argument("--pupils", type=int, default=40, help="pupils in the class (default 40)")
    parser.add_argument("--modules", type=int, default=10, help="pupil modules assigned (default 10)")
    parser.add_argument("--renders", type=int, default=50, help="timed renders, after one warm-up (default 50)")
    parser.add_argument("--target", type=float, default=150.0, help="milliseconds the median may take (default 150)")
    args = parser.parse_args()
    if not 1 <= args.pupils <= 60:
        parser.error("--pupils: a class list imports 1 to 60 pupils at a time")
    if args.renders < 1:
        parser.error("--renders: at least one")

    print(f"machine: {_setup.describe_machine()}")
    with _setup.scratch_database(args) as _scratch:
        from django.db import connection
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone, translation

        from progress.models import StepRecord
        from quizzes.models import QuizAnswer, QuizAttempt
        from schools import selectors

        rng = random.Random(args.seed)
        started = time.perf_counter()
        courses = load_content(args.modules)
        print(f"content: {len(courses)} pupil modules with quizzes loaded in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        bench = _setup.make_class(pupils=args.pupils, grade=4, rng=rng)
        assign_and_consent(bench, courses, timezone.localdate())
        written = make_progress(bench, courses, rng)
        print(
            f"class {bench.classroom.name}: {len(bench.pupils)} pupils x {len(courses)} modules; "
            f"{written['lessons finished']} lessons finished, {written['quiz attempts']} quiz attempts "
            f"({written['passed']} passed, {written['failed']} failed); "
            f"written in {time.perf_counter() - started:.1f} s"
        )
        print(
            f"rows: {StepRecord.objects.count()} step records, {QuizAttempt.objects.count()} attempts, "
            f"{QuizAnswer.objects.count()} answers"
        )

        with translation.override("vi"):
            dashboard = selectors.class_dashboard(classroom=bench.classroom)
            statuses = Counter(cell.status for row in dashboard.rows for cell in row.cells)
            print("cells: " + ", ".join(f"{count} {status.replace('_', ' ')}" for status, count in statuses.items()))
            url = reverse("schools:classroom_detail", args=[bench.classroom.pk])

        client = Client()
        client.force_login(bench.teacher)

        def render():
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
            if response.status_code != 200 or b'data-testid="dashboard"' not in response.content:
                raise SystemExit(f"GET {url} answered {response.status_code} without the dashboard")
            return response

        size = len(render().content)  # warm-up: templates compiled, content types cached
        times = timed(render, args.renders)
        queries = count_queries(render)

        def select():
            with translation.override("vi"):
                selectors.class_dashboard(classroom=bench.classroom)

        select_times = timed(select, args.renders)
        select_queries = count_queries(select)
        vendor = connection.vendor

    median, p95 = statistics.median(times) * 1000, _setup.percentile(times, 95) * 1000
    print(
        f"selector alone (schools.selectors.class_dashboard): median {statistics.median(select_times) * 1000:.1f} ms, "
        f"{select_queries} queries"
    )
    print(
        f"GET {url} ({size // 1024} KB of HTML) x {args.renders} on {vendor}: median {median:.1f} ms, "
        f"p95 {p95:.1f} ms, min {min(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms "
        f"({'within' if median < args.target else 'NOT within'} the {args.target:g} ms target)"
    )
    print(f"median {median:.1f} ms; {queries} queries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
