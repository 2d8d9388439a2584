"""Writes of certificates: issuing, revoking, re-rendering and exporting. Keyword-only and
atomic; the PDF itself is rendered by a task (`certificates.tasks`) after the write commits."""

from __future__ import annotations

from datetime import date
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.log_actions import log

from courses.models import CoursePage

from . import selectors, tasks
from .models import Certificate, CertificateExport, local_day, new_code

CODE_ATTEMPTS = 5


class NotEligible(Exception):
    """The learner has not met the course's certificate rule (yet); `completion` says where
    they stand."""

    def __init__(self, completion: selectors.Completion):
        self.completion = completion
        super().__init__("the course's certificate rule is not met")


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def certificate_issue(*, learner, course: CoursePage, code: str | None = None) -> tuple[Certificate, bool]:
    """Issue the certificate of `course` (the page in the language the learner took it) to
    `learner`, once: returns the certificate and whether this call issued it. A holder who
    already has the course's certificate, in any language, gets that one back, whatever its
    status. Raises NotEligible when the rule is not met; the PDF is rendered after commit.
    `code` fixes the code (the demo's, which the README prints); otherwise it is random."""
    existing = Certificate.objects.filter(holder=learner, course_key=course.translation_key).first()
    if existing:
        return existing, False
    now = timezone.now()
    completion = selectors.completion_of(learner=learner, course=course)
    if not completion.eligible(now):
        raise NotEligible(completion)
    years = course.certificate_valid_years
    for _attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    code=code or new_code(),
                    holder=learner,
                    holder_name=learner.get_display_name(),
                    course=course,
                    course_key=course.translation_key,
                    course_title=course.title,
                    language=course.locale.language_code,
                    study_minutes=course.estimated_minutes,
                    issued_at=now,
                    expires_on=_years_later(local_day(now), years) if years else None,
                )
                transaction.on_commit(partial(tasks.enqueue, tasks.render_certificate_pdf, certificate.pk), robust=True)
                return certificate, True
        except IntegrityError:
            # Issued at this very moment by another request, or (1 in 2^60) a code taken.
            existing = Certificate.objects.filter(holder=learner, course_key=course.translation_key).first()
            if existing:
                return existing, False
    raise RuntimeError("no free certificate code after several tries")


def issue_if_earned(*, learner, page) -> Certificate | None:
    """After a step of a course is completed: issue the course's certificate if that finished
    it. Cheap for everyone a certificate cannot be for (pupils, courses without one)."""
    if not learner.is_authenticated or learner.is_pupil:
        return None
    course = CoursePage.objects.filter(pk=page.get_parent().pk, issues_certificate=True).first()
    if course is None:
        return None
    try:
        return certificate_issue(learner=learner, course=course)[0]
    except NotEligible:
        return None


def certificate_revoke(*, certificate: Certificate, by, reason: str) -> Certificate:
    """Revoke with a reason (shown on the public page). Revoking twice keeps the first."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("a reason is required")
    revoked = Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason, revoked_by=by
    )
    certificate.refresh_from_db()
    if revoked:
        # In Wagtail's audit log with the other actions on people's data (Reports > Site history).
        log(instance=certificate, action="certificates.revoke", user=by, data={"reason": reason})
    return certificate


def certificate_regenerate(*, certificate: Certificate) -> None:
    """Render the PDF again (a lost file, or a template corrected since) from what was frozen
    at issue: the name, course title, language and dates do not change."""
    transaction.on_commit(partial(tasks.enqueue, tasks.render_certificate_pdf, certificate.pk, True), robust=True)


def export_create(*, requested_by, certificates, description: str) -> CertificateExport:
    """Ask for a ZIP of these certificates' PDFs; a task builds it. (A queue that cannot be
    reached leaves it "being built"; asking again makes a new one.)"""
    export = CertificateExport.objects.create(
        requested_by=requested_by,
        description=description[:300],
        certificate_ids=sorted(certificates.values_list("pk", flat=True)),
    )
    transaction.on_commit(partial(tasks.enqueue, tasks.build_export, export.pk), robust=True)
    return export
