"""Reads of certificates and of whether a learner has earned one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Min, QuerySet
from django.http import Http404

from courses.models import CoursePage
from progress.models import StepRecord
from progress.selectors import container_progress
from quizzes.models import Phase, QuizAttempt, QuizPage

from .models import Certificate, CertificateTemplate, normalise_code


@dataclass(frozen=True)
class Completion:
    """Where a learner stands against a course's certificate rule."""

    issues_certificate: bool
    steps_done: int
    steps_total: int
    quizzes_passed: int
    quizzes_total: int
    ready_at: datetime | None  # when the minimum study time is reached (None before a start)

    @property
    def all_steps_done(self) -> bool:
        return self.steps_total > 0 and self.steps_done == self.steps_total

    @property
    def assessment_passed(self) -> bool:
        return self.quizzes_total > 0 and self.quizzes_passed == self.quizzes_total

    def time_reached(self, now: datetime) -> bool:
        return self.ready_at is not None and self.ready_at <= now

    def eligible(self, now: datetime) -> bool:
        return self.issues_certificate and self.all_steps_done and self.assessment_passed and self.time_reached(now)


def completion_of(*, learner, course: CoursePage) -> Completion:
    """The course's rule, checked on the server: every live step complete (in any language),
    every quiz of the course passed by an attempt graded here (a score reported by the browser,
    such as an H5P result, never counts alone), and the course's minimum time elapsed since the
    learner's first step record (a waiting period from their first lesson, not a measure of
    reading time: the site does not time reading). Pupils never earn certificates."""
    progress = container_progress(learner=learner, container=course)
    keys = [step.page.translation_key for step in progress.steps]
    quiz_keys = {step.page.translation_key for step in progress.steps if isinstance(step.page, QuizPage)}
    passed = set()
    ready_at = None
    if learner.is_authenticated and keys:
        passed = set(
            QuizAttempt.objects.filter(
                learner=learner, passed=True, phase=Phase.QUIZ, quiz__translation_key__in=quiz_keys
            )
            .values_list("quiz__translation_key", flat=True)
            .distinct()
        )
        span = StepRecord.objects.filter(learner=learner, step_key__in=keys).aggregate(first=Min("started_at"))
        if span["first"] is not None:
            ready_at = span["first"] + timedelta(minutes=course.certificate_minimum_minutes)
    return Completion(
        issues_certificate=course.issues_certificate and learner.is_authenticated and not learner.is_pupil,
        steps_done=progress.completed_count,
        steps_total=progress.total,
        quizzes_passed=len(passed & quiz_keys),
        quizzes_total=len(quiz_keys),
        ready_at=ready_at,
    )


def certificates_of(*, holder) -> QuerySet[Certificate]:
    return Certificate.objects.filter(holder=holder).order_by("-issued_at")


def certificate_for_holder(*, holder, certificate_id: int) -> Certificate:
    """The holder's own certificate, or 404 (also for a staff member: the admin has its own)."""
    certificate = (
        Certificate.objects.filter(pk=certificate_id, holder=holder).first() if holder.is_authenticated else None
    )
    if certificate is None:
        raise Http404
    return certificate


def certificate_by_code(code: str) -> Certificate | None:
    normalised = normalise_code(code)
    if not normalised:
        return None
    return Certificate.objects.filter(code=normalised).first()


def template_for(*, course_key, language: str) -> CertificateTemplate | None:
    """The course's template in `language`, else that language's default, else None (the
    built-in wording)."""
    candidates = CertificateTemplate.objects.filter(locale__language_code=language).select_related(
        "logo", "signature_image"
    )
    own = candidates.filter(course__translation_key=course_key).first()
    return own or candidates.filter(course__isnull=True).first()


def courses_ready_to_claim(*, learner, language: str) -> list[tuple[CoursePage, Completion]]:
    """Certificate courses (in `language`) whose steps and quizzes this learner has finished
    without holding their certificate yet: those waiting for their minimum time, or finished
    before the course began to issue certificates. A few queries per such course; there are
    few of them."""
    if not learner.is_authenticated or learner.is_pupil:
        return []
    held = set(Certificate.objects.filter(holder=learner).values_list("course_key", flat=True))
    result = []
    courses = CoursePage.objects.live().filter(issues_certificate=True, locale__language_code=language)
    for course in courses.exclude(translation_key__in=held).order_by("path"):
        completion = completion_of(learner=learner, course=course)
        if completion.all_steps_done and completion.assessment_passed:
            result.append((course, completion))
    return result
