"""The catalogue's filters and search: a GET form, so every filtered view has its own address
and works without JavaScript.

What the catalogue lists is the same for every reader, so each filtered listing (courses as
cards, with their steps) is cached under the content version (`courses.cache`); only the reader's
progress through the listed steps is read per request, in one query. A search is not cached: its
words are free text."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.images.shortcuts import get_rendition_or_not_found
from wagtail.models import Page
from wagtail.search.query import Phrase

from progress import selectors as progress_selectors

from . import cache as content_cache
from .folding import fold
from .models import AgeBand, Audience, CourseIndexPage, CoursePage, LessonPage, Topic, TopicCode
from .pages import request_key

COVER_FILTER = "width-640|preserve-svg"

#: Wagtail hook: `fn(request) -> ReaderFit | None`: what fits the reader (an app above knows a
#: pupil's class; `schools` registers it), so that `courses` never names it.
CATALOGUE_READER_HOOK = "catalogue_reader"
AGE_BAND_ORDER = ("6-8", "9-11", "12-14", "15-17")
#: Modules of older bands on these topics (sexual images, grooming, extortion) are not offered to
#: a younger pupil unless their teacher assigned them.
OLDER_ONLY_TOPICS = ("grooming", "image_sharing")


@dataclass(frozen=True)
class ReaderFit:
    """A signed-in pupil's class as the catalogue needs it."""

    age_band: str
    assigned: frozenset  # the assigned courses' translation keys, as text

    @property
    def key(self) -> str:
        return f"{self.age_band}:{','.join(sorted(self.assigned))}"


def reader_fit(request) -> ReaderFit | None:
    """What the hook says of this reader, once per request."""
    if request is None:
        return None
    if not hasattr(request, "_catalogue_reader_fit"):
        from wagtail import hooks

        fits = (fn(request) for fn in hooks.get_hooks(CATALOGUE_READER_HOOK))
        request._catalogue_reader_fit = next((fit for fit in fits if fit), None)
    return request._catalogue_reader_fit


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    audience = forms.ChoiceField(label=_("For"), required=False, choices=[("", _("Everyone")), *Audience.choices])
    age = forms.ChoiceField(label=_("Age"), required=False, choices=[("", _("All ages")), *AgeBand.choices])
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=[("", _("All topics")), *TopicCode.choices])


@dataclass(frozen=True)
class Cover:
    url: str
    width: int
    height: int


@dataclass(frozen=True)
class LessonHit:
    title: str
    url: str
    summary: str
    course_title: str = ""


@dataclass(frozen=True)
class CourseCard:
    """A course as the catalogue shows it (in the language the listing was built in)."""

    pk: int
    title: str
    url: str
    audience_label: str
    estimated_minutes: int
    needs_adult_account: bool
    summary: str
    topics: tuple[str, ...]
    cover: Cover | None
    steps: tuple[str, ...]  # the live steps' translation keys, as text: enough for progress
    matches: tuple[LessonHit, ...] = ()  # in a search: the course's lessons that matched
    assigned: bool = False  # to the reader's class


@dataclass(frozen=True)
class Listing:
    cards: tuple[CourseCard, ...]
    lessons: tuple[LessonHit, ...] = ()


def catalogue_url(request) -> str:
    """The address of the course catalogue in the active language ("" before one exists)."""
    catalogue = CourseIndexPage.objects.live().filter(locale__language_code=get_language()).first()
    return (catalogue.get_url(request=request) or "") if catalogue else ""


def _filters(request) -> tuple[CatalogueFilterForm, dict]:
    """The request's filters, read once per request. A pupil's catalogue opens on their class's
    age band (any filter chosen, even "All ages", replaces it)."""
    if not hasattr(request, "_catalogue_filters"):
        fit = reader_fit(request)
        data = request.GET or ({"age": fit.age_band} if fit else None)
        form = CatalogueFilterForm(data)
        request._catalogue_filters = form, (form.cleaned_data if form.is_valid() else {})
    return request._catalogue_filters


def _chosen(filters: dict) -> str:
    return ",".join(f"{name}={filters.get(name) or ''}" for name in ("audience", "age", "topic"))


def _listing_key(index: Page, request, filters: dict) -> str | None:
    """None for a search, which is not cached."""
    if filters.get("q", "").strip():
        return None
    fit = reader_fit(request)
    return f"catalogue:{index.pk}:{request_key(request)}:{_chosen(filters)}" + (f":fit={fit.key}" if fit else "")


def listing_entries(index: Page, request) -> dict:
    """The catalogue's cache entry for this request's filters (none for a search)."""
    _form, filters = _filters(request)
    key = _listing_key(index, request, filters)
    return {key: lambda: build_listing(index, request, filters, reader_fit(request))} if key else {}


def _cover(image) -> Cover | None:
    if image is None:
        return None
    rendition = get_rendition_or_not_found(image, COVER_FILTER)
    return Cover(url=rendition.url, width=round(rendition.width), height=round(rendition.height))


def search_terms(query: str) -> list:
    """What to search for, best first. Typed with its diacritics, the words as typed. Typed
    without them ("tong tien"), the words as a phrase in each page's folded text
    (`courses.folding`), so that "tong tien" finds "tống tiền" rather than every page that says
    "tổng đài" and "tiền"; then, if the phrase is nowhere, each word anywhere."""
    folded = fold(query)
    if folded != query.lower():
        return [query]
    if len(folded.split()) > 1:
        return [Phrase(folded), folded]
    return [folded]


def _offered(courses, index: Page, fit: ReaderFit | None):
    """For a pupil (`fit`): the courses their class was assigned come in whatever the filters,
    and older bands' modules on sexual images and grooming are left out unless assigned."""
    if fit is None:
        return courses
    older = AGE_BAND_ORDER[AGE_BAND_ORDER.index(fit.age_band) + 1 :] if fit.age_band in AGE_BAND_ORDER else ()
    assigned = CoursePage.objects.child_of(index).live().public().filter(translation_key__in=fit.assigned)
    held_back = (
        CoursePage.objects.child_of(index)
        .filter(audience=Audience.PUPIL, age_band__in=older, topics__code__in=OLDER_ONLY_TOPICS)
        .exclude(translation_key__in=fit.assigned)
    )
    ids = set(courses.values_list("pk", flat=True)) | set(assigned.values_list("pk", flat=True))
    return courses.model.objects.filter(pk__in=ids - set(held_back.values_list("pk", flat=True)))


def build_listing(index: Page, request, filters: dict, fit: ReaderFit | None = None) -> Listing:
    """Courses of the catalogue's language that match the filters, with their live steps, plus
    the lessons that match a search: a fixed number of queries whatever the number of courses."""
    courses = (
        CoursePage.objects.child_of(index)
        .live()
        .public()
        .defer_streamfields()
        .select_related("cover_image")
        .prefetch_related("topics")
        .order_by("path")
    )
    if filters.get("audience"):
        courses = courses.filter(audience=filters["audience"])
    if filters.get("age"):
        # Choosing an age shows that age's children's courses.
        courses = courses.filter(audience=Audience.PUPIL, age_band=filters["age"])
    if filters.get("topic"):
        courses = courses.filter(topics__in=Topic.objects.filter(code=filters["topic"]))

    query = filters.get("q", "").strip()
    lessons: list[LessonPage] = []
    if query:
        course_pages = CoursePage.objects.child_of(index).live()
        lesson_pages = LessonPage.objects.descendant_of(index).live().public()
        hits = [
            (course_pages.search(terms, operator="and"), lesson_pages.search(terms, operator="and"))
            for terms in search_terms(query)
        ]
        found = next(
            ((found_courses, found_lessons) for found_courses, found_lessons in hits if found_courses or found_lessons),
            hits[-1],
        )
        matching_courses = {page.pk for page in found[0]}
        listed = {course.path for course in courses}
        lessons = [page for page in found[1] if page.path[: -Page.steplen] in listed][:20]
        matching_courses |= {c.pk for c in courses if any(lesson.path.startswith(c.path) for lesson in lessons)}
        courses = courses.filter(pk__in=matching_courses)

    if fit is not None:
        courses = (
            _offered(courses, index, fit)
            .defer_streamfields()
            .select_related("cover_image")
            .prefetch_related("topics")
            .order_by("path")
        )
    courses = list(courses.distinct())
    if fit is not None:  # the class's modules first
        courses.sort(key=lambda course: str(course.translation_key) not in fit.assigned)
    titles = {course.path: course.title for course in courses}
    hits = [
        (
            LessonHit(
                title=lesson.title,
                url=lesson.get_url(request=request) or "",
                summary=lesson.summary,
                course_title=titles.get(lesson.path[: -Page.steplen], ""),
            ),
            lesson.path[: -Page.steplen],
        )
        for lesson in lessons
    ]
    _step_list, steps = progress_selectors.steps_by_container(courses)
    cards = tuple(
        CourseCard(
            pk=course.pk,
            title=course.title,
            url=course.get_url(request=request) or "",
            audience_label=str(course.audience_label),
            estimated_minutes=course.estimated_minutes,
            needs_adult_account=course.needs_adult_account,
            summary=course.summary,
            topics=tuple(str(topic) for topic in course.topics.all()),
            cover=_cover(course.cover_image),
            steps=tuple(str(step.translation_key) for step in steps[course.path]),
            matches=tuple(hit for hit, path in hits if path == course.path),
            assigned=bool(fit and str(course.translation_key) in fit.assigned),
        )
        for course in courses
    )
    return Listing(cards=cards, lessons=tuple(hit for hit, _path in hits))


def catalogue_context(index: Page, request) -> dict:
    """The listing for the request's filters (cached unless it is a search), each course with the
    learner's progress."""
    form, filters = _filters(request)
    key = _listing_key(index, request, filters)
    fit = reader_fit(request)
    if key is None:
        listing = build_listing(index, request, filters, fit)
    else:
        listing = content_cache.fetch(request, {key: lambda: build_listing(index, request, filters, fit)})[key]
    progress = progress_selectors.many_steps_progress(
        learner=request.user, steps_of={card.pk: card.steps for card in listing.cards}
    )
    started = any(p.started for p in progress.values())
    return {
        "filter_form": form,
        "courses": [(card, progress[card.pk]) for card in listing.cards],
        "lessons": listing.lessons,
        "query": filters.get("q", "").strip(),
        "reader_fit": fit,
        "fit_default": bool(fit and not request.GET),
        # The whole listing reads the same for every reader who has started none of its courses.
        "fragment_key": ""
        if key is None or started or fit or form.errors or getattr(request, "is_preview", False)
        else f"{_chosen(filters)}:{bool(request.GET)}",
    }
