"""Demo certificates for `manage.py load_demo`: the default certificate template in both
languages, and the demo social worker's certificate of the frontline course, earned through
the real services. Idempotent."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

from accounts.models import User
from courses.models import Audience, CoursePage
from progress.models import StepRecord
from progress.services import step_complete
from progress.steps import step_pages
from quizzes.demo import simulated_answers
from quizzes.models import QuizPage
from quizzes.services import attempt_submit, questions_of

from . import services, tasks
from .models import Certificate, CertificateTemplate

DEMO_HOLDER_EMAIL = "socialworker@example.com"
DEMO_TRAINEE_EMAIL = "trainee@example.com"
# Fixed so the README can print it; real certificates get random codes.
DEMO_CODE = "7KQ2M9XD4TQH"

TEMPLATES = {
    "vi": {
        "name": "Mặc định",
        "title": "Giấy chứng nhận",
        "text": "đã hoàn thành khóa tập huấn ({hours} giờ học) và đạt bài kiểm tra cuối khóa vào {date}:",
        "signatory_name": "Ban điều phối chương trình (demo)",
        "signatory_title": "Chương trình An toàn trên mạng",
    },
    "en": {
        "name": "Default",
        "title": "Certificate of completion",
        "text": "completed this training course ({hours} hours of study) and passed its final assessment on {date}:",
        "signatory_name": "Programme coordination team (demo)",
        "signatory_title": "Safe Online programme",
    },
}


@transaction.atomic
def load_templates() -> int:
    """The default template in Vietnamese and its English translation; returns how many were new."""
    created = 0
    vi = Locale.objects.get(language_code="vi")
    source = CertificateTemplate.objects.filter(locale=vi, course__isnull=True).first()
    if source is None:
        source = CertificateTemplate.objects.create(locale=vi, **TEMPLATES["vi"])
        created += 1
    for code, fields in TEMPLATES.items():
        locale = Locale.objects.filter(language_code=code).first()
        if code == "vi" or locale is None or source.has_translation(locale):
            continue
        translation = source.copy_for_translation(locale)
        for name, value in fields.items():
            setattr(translation, name, value)
        translation.save()
        created += 1
    return created


def _frontline_course() -> CoursePage | None:
    return CoursePage.objects.filter(
        audience=Audience.FRONTLINE, issues_certificate=True, locale__language_code="vi"
    ).first()


def load_trainee() -> str:
    """The demo trainee has passed the frontline course's final assessment and finished every
    lesson but the last, so that finishing it issues a certificate; returns that lesson's URL
    path ("" without the trainee or the course). Once the certificate is issued, nothing changes."""
    trainee = User.objects.filter(email=DEMO_TRAINEE_EMAIL).first()
    course = _frontline_course()
    if trainee is None or course is None:
        return ""
    steps = list(step_pages(course).specific())
    last_lesson = [page for page in steps if not isinstance(page, QuizPage)][-1]
    if Certificate.objects.filter(holder=trainee, course_key=course.translation_key).exists():
        return last_lesson.url
    if not StepRecord.objects.filter(learner=trainee).exists():
        with transaction.atomic():
            for page in steps:
                if isinstance(page, QuizPage):
                    key = uuid.uuid4()
                    questions = questions_of(page, key=key.hex)  # the questions this attempt draws
                    answers = simulated_answers(questions, rng=random.Random(11), skill=1.0)
                    attempt_submit(learner=trainee, quiz=page, submission_key=key, answers=answers)
                elif page.pk != last_lesson.pk:
                    step_complete(learner=trainee, page=page)
            # Started three hours ago, past the course's minimum time.
            StepRecord.objects.filter(learner=trainee).update(started_at=timezone.now() - timedelta(hours=3))
    return last_lesson.url


def load_certificate() -> Certificate | None:
    """The demo social worker finishes the Vietnamese frontline course (every lesson, the final
    assessment with every answer right) and holds its certificate."""
    holder = User.objects.filter(email=DEMO_HOLDER_EMAIL).first()
    course = _frontline_course()
    if holder is None or course is None:
        return None
    existing = Certificate.objects.filter(holder=holder, course_key=course.translation_key).first()
    if existing:
        return existing
    with transaction.atomic():
        for page in step_pages(course).specific():
            if isinstance(page, QuizPage):
                key = uuid.uuid4()
                questions = questions_of(page, key=key.hex)  # the questions this attempt draws
                answers = simulated_answers(questions, rng=random.Random(7), skill=1.0)
                attempt_submit(learner=holder, quiz=page, submission_key=key, answers=answers)
            else:
                step_complete(learner=holder, page=page)
        # Simulated history: the course was started three hours ago, past its minimum time.
        StepRecord.objects.filter(learner=holder).update(started_at=timezone.now() - timedelta(hours=3))
        certificate, _created = services.certificate_issue(learner=holder, course=course, code=DEMO_CODE)
    # Drawn now, so the demo shows its PDF even where the on-commit task has not run yet.
    tasks.render_certificate_pdf.call(certificate.pk)
    return certificate
