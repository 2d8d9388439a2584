"""Progress reports for parents (`schools.reports`): a PDF for one pupil, from the pupil's page,
and one for the whole class, from its dashboard. For the class's teacher and the school's leader
only (the selectors answer 404 to anyone else), for pupils with consent only, and audit-logged."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from .. import audit, reports, selectors
from .consent import consent_link
from .staff import staff_required


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    # A child's results: never kept by a browser or a proxy.
    response["Cache-Control"] = "private, no-store"
    return response


def _class_slug(classroom) -> str:
    """The class as a file name shows it: its name, never its sign-in code (these files are sent
    home and forwarded, and a class code opens the list of the class's names)."""
    return slugify(classroom.name) or str(classroom.pk)


@staff_required
@require_safe
def pupil_report(request, classroom_id: int, pupil_id: int):
    classroom = selectors.classroom_for_staff(user=request.user, classroom_id=classroom_id)
    pupil = selectors.pupil_in_classroom(classroom=classroom, pupil_id=pupil_id)
    if not pupil.learning_data_consent:
        context = {
            "classroom": classroom,
            "pupil": pupil,
            "consent_link": consent_link(request, pupil=pupil, classroom=classroom),
        }
        # Not an error of the teacher's: the report cannot exist until the family agrees.
        return render(request, "schools/reports/no_consent.html", context, status=409)
    found = reports.pupil_reports(classroom=classroom, pupils=[pupil])
    pdf = reports.reports_pdf(classroom=classroom, reports=found, skipped=None, request=request)
    audit.record(action="schools.parent_report_printed", classroom=classroom, pupil=pupil, by=request.user)
    return _pdf_response(pdf, f"report-{_class_slug(classroom)}-{pupil.pk}.pdf")


@staff_required
@require_safe
def class_reports(request, classroom_id: int):
    classroom = selectors.classroom_for_staff(user=request.user, classroom_id=classroom_id)
    pupils = list(selectors.pupils_of(classroom))
    with_consent = reports.consenting(pupils)
    skipped = len(pupils) - len(with_consent)
    if not with_consent:
        context = {"classroom": classroom, "pupil_count": len(pupils)}
        return render(request, "schools/reports/no_consent.html", context, status=409)
    found = reports.pupil_reports(classroom=classroom, pupils=with_consent)
    pdf = reports.reports_pdf(classroom=classroom, reports=found, skipped=skipped, request=request)
    audit.record(
        action="schools.parent_reports_printed",
        classroom=classroom,
        by=request.user,
        reports=len(found),
        skipped=skipped,
    )
    return _pdf_response(pdf, f"reports-{_class_slug(classroom)}.pdf")
