"""`{% kit_links course as links %}`: the addresses of a pupil module's classroom kit, for the
course page and the class dashboard (no query: the course's own fields only)."""

from django import template
from django.utils.translation import gettext as _

from .. import kit as classroom_kit

register = template.Library()


@register.simple_tag
def kit_links(course) -> dict | None:
    if course is None or not course.has_kit:
        return None
    usual = classroom_kit.default_period(course.age_band)
    other = next(p for p in classroom_kit.PERIODS if p != usual)
    return {
        "plan": classroom_kit.kit_pdf_path(course, "plan", usual),
        "plan_minutes": usual,
        "plan_other": classroom_kit.kit_pdf_path(course, "plan", other),
        "plan_other_minutes": other,
        "worksheet": classroom_kit.kit_pdf_path(course, "worksheet"),
        "family": classroom_kit.kit_pdf_path(course, "family"),
        "family_page": classroom_kit.family_path(course),
        "label": _("Classroom kit"),
    }


@register.filter
def with_kit(columns) -> list:
    """The dashboard's columns whose module has a classroom kit."""
    return [column for column in columns if column.course.has_kit]
