"""The catalogue's filters and search: a GET form, so every filtered view has its own address
and works without JavaScript."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from progress import selectors as progress_selectors

from .models import AgeBand, Audience, CoursePage, LessonPage, Topic, TopicCode


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    audience = forms.ChoiceField(label=_("For"), required=False, choices=[("", _("Everyone")), *Audience.choices])
    age = forms.ChoiceField(label=_("Age"), required=False, choices=[("", _("All ages")), *AgeBand.choices])
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=[("", _("All topics")), *TopicCode.choices])


def catalogue_context(index: Page, request) -> dict:
    """Courses of the catalogue's language that match the filters, each with the learner's
    progress, plus the lessons that match a search."""
    form = CatalogueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    courses = (
        CoursePage.objects.child_of(index)
        .live()
        .public()
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
        matching_courses = {page.pk for page in CoursePage.objects.child_of(index).live().search(query, operator="and")}
        listed = {course.path for course in courses}
        lessons = [
            page
            for page in LessonPage.objects.descendant_of(index).live().public().search(query, operator="and")
            if page.path[: -Page.steplen] in listed
        ][:20]
        matching_courses |= {c.pk for c in courses if any(lesson.path.startswith(c.path) for lesson in lessons)}
        courses = courses.filter(pk__in=matching_courses)

    courses = list(courses.distinct())
    progress = progress_selectors.containers_progress(learner=request.user, containers=courses)
    return {
        "filter_form": form,
        "courses": [(course, progress[course.pk]) for course in courses],
        "lessons": lessons,
        "query": query,
    }
