"""The demo school for `manage.py load_demo`: two teachers (Cô Lan leads the school; Thầy Nam is
its counsellor, whom any pupil may choose under "I want to talk"), classes of grades 3, 7 and 10
with 26 pupils each, consent recorded for most and missing for a few, the modules of each class's
age band assigned, and made-up progress so the dashboards say something. Everything goes through
the services, as real use would. Idempotent: once the school exists nothing is added."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts import credentials
from accounts.models import PupilCredential, User
from courses.models import CoursePage
from progress.services import step_complete
from progress.steps import step_pages
from quizzes.demo import simulated_answers
from quizzes.models import Phase, QuizPage
from quizzes.services import attempt_submit, questions_of

from . import services
from .models import Classroom, School
from .roster import plan_from_text

DEMO_SCHOOL = "Trường Liên cấp Hoa Sen (demo)"
PUPILS_PER_CLASS = 26
WITHOUT_CONSENT = 3
# The pupil the README names: class 3A, pictures derived from this fixed salt (and the key).
DEMO_PUPIL = "Nguyễn Minh An"
DEMO_PUPIL_SALT = "demo-pupil-nguyen-minh-an"

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Gia", "Bảo", "Thanh", "Đức", "Hoài", "Khánh", "Thu", "Quốc"]
GIVEN = [
    "An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Huy", "Khang", "Khoa", "Lan",
    "Linh", "Long", "Mai", "Minh", "My", "Nam", "Ngân", "Nhi", "Phúc", "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo",
    "Trang", "Tú", "Vy", "Yến",
]  # fmt: skip

DEMO_JOIN_CODE = "HSDEMY26"
CLASSES = [
    # (name, grade, sign-in kind, teacher e-mail, class code: fixed so the README can name it)
    ("3A", 3, "pictures", "teacher@example.com", "DEM3AXYZ"),
    ("7A", 7, "pictures", "teacher2@example.com", "DEM7AXYZ"),
    ("10A", 10, "pin", "teacher@example.com", "DEMXAXYZ"),
]


@dataclass
class SchoolLoadResult:
    created: bool = False
    pupils: int = 0
    attempts: int = 0
    demo_code: str = ""
    demo_secret: tuple[str, ...] = ()


def _names(rng: random.Random, count: int, first: str | None) -> list[str]:
    names = [first] if first else []
    while len(names) < count:
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        if name not in names:
            names.append(name)
    return names


def _simulate(pupil: User, course: CoursePage, rng: random.Random, *, effort: float, skill: float) -> int:
    """Work through the course's steps in order while `effort` lasts; a quiz is tried up to
    three times. Returns the number of attempts made."""
    attempts = 0
    steps = list(step_pages(course).specific())
    for quiz in (step for step in steps if isinstance(step, QuizPage) and step.offers_precheck):
        # Most pupils answer the check before the lessons, knowing less than they will after.
        if rng.random() < 0.8:
            key = uuid.UUID(int=rng.getrandbits(128))
            questions = questions_of(quiz, key=key.hex, phase=Phase.BEFORE)
            answers = simulated_answers(questions, rng=rng, skill=max(skill - 0.35, 0.1))
            attempt_submit(learner=pupil, quiz=quiz, submission_key=key, answers=answers, phase=Phase.BEFORE)
    for step in steps:
        if rng.random() > effort:
            break
        if isinstance(step, QuizPage):
            for _try in range(3):
                key = uuid.UUID(int=rng.getrandbits(128))
                answers = simulated_answers(questions_of(step, key=key.hex), rng=rng, skill=skill)
                attempt, _new = attempt_submit(learner=pupil, quiz=step, submission_key=key, answers=answers)
                attempts += 1
                if attempt.passed:
                    break
                skill = min(skill + 0.15, 1.0)
        else:
            step_complete(learner=pupil, page=step)
    return attempts


@transaction.atomic
def load_school(*, seed: int = 2026) -> SchoolLoadResult:
    result = SchoolLoadResult()
    existing = School.objects.filter(name=DEMO_SCHOOL).first()
    if existing is None:
        result.created = True
        _create(result, random.Random(seed))
    else:
        # The codes the README names, also in a demo school made before codes had 8 characters.
        for name, _grade, _kind, _email, code in CLASSES:
            Classroom.objects.filter(school=existing, name=name).exclude(class_code=code).update(class_code=code)
        _name_counsellor(existing)
    pupil = User.objects.filter(
        display_name=DEMO_PUPIL, memberships__classroom__name="3A", memberships__school__name=DEMO_SCHOOL
    ).first()
    if pupil and hasattr(pupil, "pupil_credential"):
        result.demo_code = Classroom.objects.get(memberships__user=pupil).class_code
        result.demo_secret = credentials.secret_of(pupil.pupil_credential)
    return result


def _name_counsellor(school: School) -> None:
    """Thầy Nam is the school's counsellor, so a pupil of 3A (Cô Lan's class) may choose either of
    them under "I want to talk"; a demo school made before the counsellor existed gets him too."""
    nam = User.objects.filter(email="teacher2@example.com").first()
    if school.counsellor_id is None and nam is not None:
        lan = User.objects.filter(email="teacher@example.com").first()
        services.school_set_counsellor(school=school, counsellor_id=nam.pk, by=lan)


def _create(result: SchoolLoadResult, rng: random.Random) -> None:
    teachers = {user.email: user for user in User.objects.filter(email__in=[c[3] for c in CLASSES])}
    lan, nam = teachers["teacher@example.com"], teachers["teacher2@example.com"]
    school = services.school_create(founder=lan, name=DEMO_SCHOOL, province="ha-noi", kind="school")
    School.objects.filter(pk=school.pk).update(staff_join_code=DEMO_JOIN_CODE)
    school.staff_join_code = DEMO_JOIN_CODE
    request = services.school_join_request(user=nam, code=school.staff_join_code)
    services.staff_decide(membership=request, approve=True)
    _name_counsellor(school)
    today = timezone.localdate()
    for name, grade, kind, email, code in CLASSES:
        teacher = teachers[email]
        classroom = services.classroom_create(school=school, teacher=teacher, name=name, grade=grade, sign_in_kind=kind)
        Classroom.objects.filter(pk=classroom.pk).update(class_code=code)
        names = _names(rng, PUPILS_PER_CLASS, DEMO_PUPIL if name == "3A" else None)
        pupils = services.roster_import(
            classroom=classroom, plan=plan_from_text("\n".join(names), existing_names=set())
        )
        result.pupils += len(pupils)
        if name == "3A":
            PupilCredential.objects.filter(user=pupils[0]).update(salt=DEMO_PUPIL_SALT)
        # The last few pupils' slips have not come back yet.
        for pupil in pupils[:-WITHOUT_CONSENT]:
            services.consent_record(
                pupil=pupil,
                pupil_assent=True,
                guardian_consent=True,
                method="paper",
                given_on=today - timedelta(days=rng.randint(10, 30)),
                by=teacher,
            )
        courses = list(
            CoursePage.objects.live()
            .filter(audience="pupil", age_band=classroom.age_band, locale__language_code="vi")
            .order_by("path")
        )
        due_dates = [today - timedelta(days=10), today + timedelta(days=5), today + timedelta(days=19)]
        for index, course in enumerate(courses):
            due_on = due_dates[index] if index < len(due_dates) else None
            services.course_assign(classroom=classroom, course=course, due_on=due_on, by=teacher)
        for pupil in pupils[:-WITHOUT_CONSENT]:
            if pupil.display_name == DEMO_PUPIL:
                continue  # left fresh, so whoever tries the demo pupil starts the journey
            skill = rng.uniform(0.35, 0.95)
            for index, course in enumerate(courses[:2]):
                effort = (0.97, 0.55)[index] if rng.random() > 0.1 else 0.0
                result.attempts += _simulate(pupil, course, rng, effort=effort, skill=skill)
