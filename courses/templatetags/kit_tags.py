"""`{% kit_links course as links %}`: the addresses of a pupil module's classroom kit, for the
course page and the class dashboard (no query: the course's own fields only)."""

from django import template

from .. import kit as classroom_kit

register = template.Library()


@register.simple_tag
def kit_links(course, grade=None) -> dict | None:
    """`grade`: the class the kit is for (its school's period length), when there is one."""
    course = classroom_kit.kit_for_reader(course)
    if course is None or not course.has_kit:
        return None
    usual = classroom_kit.default_period(course.age_band, grade if isinstance(grade, int) else None)
    other = next(p for p in classroom_kit.PERIODS if p != usual)
    return {
        "plan": classroom_kit.kit_pdf_path(course, "plan", usual),
        "plan_minutes": usual,
        "plan_other": classroom_kit.kit_pdf_path(course, "plan", other),
        "plan_other_minutes": other,
        "worksheet": classroom_kit.kit_pdf_path(course, "worksheet"),
        "family": classroom_kit.kit_pdf_path(course, "family"),
        "family_page": classroom_kit.family_path(course),
    }
