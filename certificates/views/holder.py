"""The holder's pages: their certificates, the PDF, and asking for a certificate that was
earned but not issued at the last step (the minimum study time had not passed yet)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.cache import site_entries
from courses.models import CoursePage

from .. import selectors, services, tasks


@login_required
def my_certificates(request):
    language = (get_language() or "vi").split("-")[0]
    return render(
        request,
        "certificates/my_certificates.html",
        {
            "certificates": selectors.certificates_of(holder=request.user),
            "ready": selectors.courses_ready_to_claim(learner=request.user, language=language),
            "now": timezone.now(),
            "courses_url": site_entries(request)["catalogue_url"],
        },
    )


@login_required
@require_POST
def claim(request, course_id: int):
    course = CoursePage.objects.live().filter(pk=course_id, issues_certificate=True).first()
    if course is None or request.user.is_pupil:
        raise Http404
    try:
        _certificate, created = services.certificate_issue(learner=request.user, course=course)
    except services.NotEligible as refused:
        completion = refused.completion
        if completion.all_steps_done and completion.assessment_passed and completion.ready_at:
            messages.warning(
                request,
                _("This course asks for at least %(minutes)s minutes of study. Come back after %(time)s.")
                % {
                    "minutes": course.certificate_minimum_minutes,
                    "time": timezone.localtime(completion.ready_at).strftime("%H:%M %d/%m/%Y"),
                },
            )
        else:
            messages.warning(request, _("Finish every lesson and pass the final assessment first."))
        return redirect("certificates:mine")
    if created:
        messages.success(request, _("Your certificate has been issued."))
    return redirect("certificates:mine")


@login_required
def download(request, certificate_id: int):
    certificate = selectors.certificate_for_holder(holder=request.user, certificate_id=certificate_id)
    if not certificate.pdf or not certificate.pdf.storage.exists(certificate.pdf.name):
        # Rendering is queued at issue; a lost job or a lost file is drawn again.
        if not tasks.enqueue(tasks.render_certificate_pdf, certificate.pk, bool(certificate.pdf)):
            # The queue is away: the holder asked for it now, so draw it here (about 0.2 s).
            tasks.render_certificate_pdf.call(certificate.pk, bool(certificate.pdf))
        certificate.refresh_from_db()
    if not certificate.pdf or not certificate.pdf.storage.exists(certificate.pdf.name):
        return render(request, "certificates/pdf_pending.html", {"certificate": certificate}, status=202)
    response = FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"certificate-{certificate.display_code}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
