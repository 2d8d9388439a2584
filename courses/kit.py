"""The classroom kit of a pupil module: what a teacher prints to teach it with one projector and
no pupil devices, and what goes home to the family.

Three A4 PDFs, drawn by WeasyPrint in the reader's language (the address's), black-and-white
friendly (nothing said by colour alone, grey lines, large type):

- "Lesson plan": the module's objectives as outcomes, the activities timed for a 45-minute
  period or scaled to a 35-minute one (`scale_minutes`), materials, the lessons' discussion blocks
  with their notes for the teacher, differentiation for younger and older pupils, and what to do if
  a child discloses harm (`disclosure_steps`, the same for every module, plus the module's own
  `kit_disclosure`).
- "Worksheet": name and class lines, then the tasks with tick boxes, lines or a box to draw in.
- "For families": what the class learned, three things to do at home this week, the helpline (from
  the helpline setting) and a QR code to the module's family page (`family_url`), a page without
  sign-in in Vietnamese and English that a teacher can share in a Zalo group.

Nothing in the kit is secret (it holds no quiz answer), so anyone may download it. The PDFs are
drawn in the request and kept in the content cache (`courses.cache`) under the content version, the
language, the host (the QR code's address) and the period, so an editor's change is printed at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import segno
from django.conf import settings
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Locale, PageViewRestriction

from . import cache as content_cache
from .pdf import font_urls, html_to_pdf

PERIOD_MINUTES = 45
SHORT_PERIOD_MINUTES = 35
PERIODS = (SHORT_PERIOD_MINUTES, PERIOD_MINUTES)
MIN_ACTIVITY_MINUTES = 2
# As the curriculum files allow (4 to 7): more would not fit a 35-minute period at 2 minutes each.
MAX_KIT_ACTIVITIES = 7
AT_HOME_COUNT = 3
# Primary schools teach 35-minute periods, secondary schools 45-minute ones.
DEFAULT_PERIOD = {"6-8": SHORT_PERIOD_MINUTES, "9-11": SHORT_PERIOD_MINUTES, "12-14": 45, "15-17": 45}

KINDS = ("plan", "worksheet", "family")
TITLES = {
    "plan": gettext_lazy("Lesson plan"),
    "worksheet": gettext_lazy("Worksheet"),
    "family": gettext_lazy("For families"),
}


def scale_minutes(minutes: list[int], total: int, *, minimum: int = MIN_ACTIVITY_MINUTES) -> list[int]:
    """`minutes` rescaled to add up to exactly `total`, each at least `minimum`, by the largest
    remainder: each activity gets the whole part of its share, and the minutes left over go to
    those whose share lost the most in rounding (the earlier one first on a tie)."""
    if not minutes:
        return []
    if minimum * len(minutes) > total:
        raise ValueError(f"{len(minutes)} activities of at least {minimum} minutes do not fit in {total}")
    whole = sum(minutes)
    # In whole numbers, so that a tie is a tie (floating point would break it by rounding error).
    scaled = [max(minimum, m * total // whole) for m in minutes]
    remainders = [m * total % whole for m in minutes]
    order = sorted(range(len(minutes)), key=lambda i: (-remainders[i], i))
    i = 0
    while sum(scaled) < total:
        scaled[order[i % len(order)]] += 1
        i += 1
    # Raising a share to the minimum may overshoot: take back from those that rounding helped least.
    for index in reversed(order):
        while sum(scaled) > total and scaled[index] > minimum:
            scaled[index] -= 1
    return scaled


def default_period(age_band: str, grade: int | None = None) -> int:
    """The period a plan is timed for: a class's grade says it (1-5 primary, 35 minutes; 6-12
    secondary, 45), else the module's age band."""
    if grade is not None:
        return SHORT_PERIOD_MINUTES if grade <= 5 else PERIOD_MINUTES
    return DEFAULT_PERIOD.get(age_band, PERIOD_MINUTES)


def choices_of(task: dict) -> list[str]:
    return [str(choice) for choice in (task.get("choices") or []) if str(choice).strip()]


def disclosure_steps(helpline) -> list[str]:
    """What any adult does if a child discloses harm: the same in every plan (the module may add
    its own), with the numbers of the helpline setting."""
    name = helpline.name if helpline else _("National Child Protection Hotline")
    number = helpline.phone_number if helpline else "111"
    emergency = helpline.emergency_number if helpline else "113"
    return [
        _("Listen calmly and let the child tell it in their own words; do not show shock or anger."),
        _("Believe the child. Tell them it is not their fault and that they were right to tell you."),
        _(
            "Do not investigate, question them in detail or contact the person involved. Do not promise to keep "
            "it secret: say that you will tell only the people who must know, to keep them safe."
        ),
        _("As soon as you can, write down what the child said, in their own words, with the date and time."),
        _("Tell the school's child-protection lead (or the school leader) the same day."),
        _(
            "Call the %(name)s %(number)s for advice on what to do next; call %(emergency)s if the child is in "
            "immediate danger."
        )
        % {"name": name, "number": number, "emergency": emergency},
    ]


# --- Finding a module's kit -------------------------------------------------------------------


def kit_course(*, course_id: int, language: str | None = None):
    """The live pupil module `course_id` in `language` (the active one by default), if it has a
    kit; 404 otherwise (an adult course, a page that is not a course, a module without a kit)."""
    from .models import CoursePage

    course = CoursePage.objects.live().filter(pk=course_id).select_related("locale").first()
    # A module behind a view restriction (a password, signed-in readers, groups) is not printed
    # for anyone who asks, nor is its family page public.
    if course is None or course.get_view_restrictions().exists():
        raise Http404
    language = language or translation.get_language() or "vi"
    if course.locale.language_code != language:
        locale = Locale.objects.filter(language_code=language).first()
        local = course.get_translation_or_none(locale) if locale else None
        # A translation whose kit is not written yet gives the module's own (better than none).
        if local is not None and local.live and local.specific.has_kit and not local.get_view_restrictions().exists():
            course = local.specific
    if not course.has_kit:
        raise Http404
    return course


def kit_for_reader(course):
    """The page whose kit is linked for `course` (a module in the reader's language): itself when
    its kit is written, else the page it was translated from, until a translator gets to it."""
    if course is None or course.has_kit:
        return course
    source = course.get_translation_or_none(Locale.get_default())
    return source.specific if source is not None and source.specific.has_kit else course


def family_path(course, language: str | None = None) -> str:
    """The family page's short address, in `language` (the active one by default): /vi/f/12/."""
    with translation.override(language or translation.get_language()):
        return reverse("courses:family", args=[course.pk])


def family_url(course, request, language: str | None = None) -> str:
    """The family page's full address, as printed under the QR code: on the site's public address
    (FAMILY_PAGE_BASE_URL), never the host or scheme a teacher's request happened to use."""
    base = settings.FAMILY_PAGE_BASE_URL.rstrip("/")
    path = family_path(course, language)
    return base + path if base else request.build_absolute_uri(path)


def kit_pdf_path(course, kind: str, period: int | None = None) -> str:
    """A PDF of the kit, in the active language (no query: links on a dashboard cost nothing)."""
    path = reverse("courses:kit_pdf", args=[course.pk, kind])
    return f"{path}?period={period}" if period else path


# --- What the kit holds, in the reader's language ----------------------------------------------


@dataclass
class Activity:
    title: str
    minutes: int
    how: str


@dataclass
class Discussion:
    lesson: str
    prompt: str
    guidance: str


@dataclass
class Task:
    prompt: str
    choices: list[str]
    draw: bool


@dataclass
class Kit:
    course: object
    period: int
    outcomes: list[str]
    activities: list[Activity]
    materials: list[str]
    discussions: list[Discussion]
    younger: str
    older: str
    disclosure: list[str]
    module_disclosure: str
    tasks: list[Task]
    learned: str
    at_home: list[str]
    helpline: object = None
    family_url: str = ""
    other_languages: dict = field(default_factory=dict)


def discussions_of(course) -> list[Discussion]:
    """The discussion blocks of the module's live lessons, in order, with their lesson's title."""
    from .models import LessonPage

    found = []
    lessons = list(LessonPage.objects.live().child_of(course).order_by("path").only("title", "body"))
    # A lesson behind a view restriction keeps its discussion out of a plan anyone may print.
    restricted = set(PageViewRestriction.objects.filter(page__in=lessons).values_list("page_id", flat=True))
    for lesson in lessons:
        if lesson.pk in restricted:
            continue
        for block in lesson.body.raw_data:
            if block["type"] == "discussion":
                value = block["value"] or {}
                found.append(
                    Discussion(
                        lesson=lesson.title,
                        prompt=str(value.get("prompt") or "").strip(),
                        guidance=str(value.get("guidance") or "").strip(),
                    )
                )
    return [d for d in found if d.prompt]


def build_kit(course, *, period: int = PERIOD_MINUTES, helpline=None, family_address: str = "") -> Kit:
    activities = [block.value for block in course.kit_activities]
    minutes = [value["minutes"] for value in activities]
    if period != PERIOD_MINUTES and minutes:
        try:
            minutes = scale_minutes(minutes, period)
        except ValueError:  # too many activities for the shorter period: the plan as written
            period, minutes = PERIOD_MINUTES, [value["minutes"] for value in activities]
    return Kit(
        course=course,
        period=period,
        outcomes=[str(block.value) for block in course.objectives],
        activities=[
            Activity(title=value["title"], minutes=m, how=value["how"])
            for value, m in zip(activities, minutes, strict=True)
        ],
        materials=[str(block.value) for block in course.kit_materials],
        discussions=discussions_of(course),
        younger=course.kit_younger,
        older=course.kit_older,
        disclosure=disclosure_steps(helpline),
        module_disclosure=course.kit_disclosure,
        tasks=[
            Task(prompt=block.value["prompt"], choices=choices_of(block.value), draw=bool(block.value["draw"]))
            for block in course.kit_worksheet
        ],
        learned=course.kit_family_learned,
        at_home=[str(block.value) for block in course.kit_at_home],
        helpline=helpline,
        family_url=family_address,
    )


# --- The PDFs ---------------------------------------------------------------------------------

TEMPLATES = {
    "plan": "courses/kit/plan_pdf.html",
    "worksheet": "courses/kit/worksheet_pdf.html",
    "family": "courses/kit/family_pdf.html",
}


def _qr_data_uri(url: str) -> str:
    # Black on white, a quiet zone of its own: readable from a grey photocopy.
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2, dark="#000000")


def render_kit_pdf(kit: Kit, kind: str) -> bytes:
    language = kit.course.locale.language_code
    with translation.override(language):
        html = render_to_string(
            TEMPLATES[kind],
            {
                "kit": kit,
                "course": kit.course,
                "title": str(TITLES[kind]),
                "language": language,
                "fonts": font_urls(),
                "qr": _qr_data_uri(kit.family_url) if kind == "family" and kit.family_url else "",
            },
        )
    return html_to_pdf(html)


def kit_pdf(request, course, kind: str, period: int | None = None) -> bytes:
    """The PDF `kind` of the module's kit, from the content cache or drawn now."""
    from .pages import request_key

    if kind not in KINDS:
        raise Http404
    period = period if kind == "plan" and period in PERIODS else PERIOD_MINUTES
    # The address printed in a PDF comes from FAMILY_PAGE_BASE_URL, else from the request.
    where = "site" if settings.FAMILY_PAGE_BASE_URL else f"{request.scheme}:{request_key(request)}"
    key = f"kit-pdf:{course.pk}:{kind}:{period}:{translation.get_language()}:{where}"

    def build() -> bytes:
        helpline = content_cache.site_entries(request).get("helpline")
        language = course.locale.language_code
        with translation.override(language):
            address = family_url(course, request, language)
            kit = build_kit(course, period=period, helpline=helpline, family_address=address)
            return render_kit_pdf(kit, kind)

    return content_cache.fetch(request, {key: build})[key]
