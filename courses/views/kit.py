"""The classroom kit's PDFs and the family page of a pupil module (`courses.kit`): open to anyone,
without signing in (the kit holds nothing secret and nothing about a learner)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import cache as content_cache
from .. import kit as classroom_kit


@require_safe
def kit_pdf(request, course_id: int, kind: str):
    if kind not in classroom_kit.KINDS:
        raise Http404
    course = classroom_kit.kit_course(course_id=course_id)
    period = None
    if kind == "plan":
        asked = request.GET.get("period", "")
        period = {str(minutes): minutes for minutes in classroom_kit.PERIODS}.get(asked)
        period = period or classroom_kit.default_period(course.age_band)
    pdf = classroom_kit.kit_pdf(request, course, kind, period)
    response = HttpResponse(pdf, content_type="application/pdf")
    suffix = f"-{period}" if period else ""
    response["Content-Disposition"] = content_disposition_header(False, f"{course.slug}-{kind}{suffix}.pdf")
    # The same for everyone; a browser may keep it a little while an editor's change is rare.
    response["Cache-Control"] = "public, max-age=600"
    return response


@require_safe
def family_page(request, course_id: int):
    """What the class learned and three things to do at home this week, on a phone, in the
    address's language, with a link to the other language's page."""
    course = classroom_kit.kit_course(course_id=course_id)
    helpline = content_cache.site_entries(request).get("helpline")
    language = course.locale.language_code
    others = [
        {
            "language": page.locale.language_code,
            "url": classroom_kit.family_path(page, page.locale.language_code),
            "label": page.locale.get_display_name(),
        }
        for page in course.get_translations().live().select_related("locale")
        if page.has_kit
    ]
    context = {
        "course": course,
        "language": language,
        "at_home": [str(block.value) for block in course.kit_at_home],
        "helpline": helpline,
        "others": others,
        "share_url": classroom_kit.family_url(course, request, language),
        "page_title": _("%(module)s: for families") % {"module": course.title},
    }
    return render(request, "courses/kit/family_page.html", context)
