import random
import shutil
import subprocess
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from courses.models import Audience, CoursePage
from progress.models import StepRecord
from progress.services import step_complete
from progress.steps import step_pages
from quizzes.demo import simulated_answers
from quizzes.models import QuizPage
from quizzes.services import attempt_submit, questions_of
from tests.factories import AdultFactory
from tests.quizzes.conftest import en_quiz, quiz  # noqa: F401

HOLDER = "Trần Thị Ánh Tuyết"


@pytest.fixture
def cert_course(course, quiz):  # noqa: F811
    """The fixture module made a frontline course that issues certificates valid two years,
    in both languages: three lessons and a quiz with a pass mark."""
    CoursePage.objects.filter(translation_key=course.translation_key).update(
        audience=Audience.FRONTLINE,
        age_band="",
        issues_certificate=True,
        certificate_minimum_minutes=0,
        certificate_valid_years=2,
    )
    course.refresh_from_db()
    return course


@pytest.fixture
def en_cert_course(cert_course):
    return CoursePage.objects.get(translation_key=cert_course.translation_key, locale__language_code="en")


@pytest.fixture
def worker(db):
    return AdultFactory(display_name=HOLDER, role=Role.SOCIAL_WORKER)


def take_quiz(learner, quiz_page, *, skill: float = 1.0):
    key = uuid.uuid4()
    answers = simulated_answers(questions_of(quiz_page, key=key.hex), rng=random.Random(3), skill=skill)
    return attempt_submit(learner=learner, quiz=quiz_page, submission_key=key, answers=answers)[0]


def finish(learner, course, *, skip_lessons: int = 0, skill: float = 1.0, started_ago: timedelta | None = None):
    """Work through `course` as `learner`: every lesson but the last `skip_lessons`, then the quiz."""
    pages = list(step_pages(course).specific())
    lessons = [p for p in pages if not isinstance(p, QuizPage)]
    for lesson in lessons[: len(lessons) - skip_lessons]:
        step_complete(learner=learner, page=lesson)
    if started_ago is not None:
        StepRecord.objects.filter(learner=learner).update(started_at=timezone.now() - started_ago)
    for quiz_page in (p for p in pages if isinstance(p, QuizPage)):
        take_quiz(learner, quiz_page, skill=skill)


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def pdf_pages(data: bytes, tmp_path) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.fixture
def poppler():
    """pdftotext and pdfinfo (Debian's poppler-utils, installed by `make setup` as root)."""
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: run `make pdf-deps` as root (apt-get install poppler-utils).")
