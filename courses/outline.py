"""A course as its readers see it alike: its address, its catalogue's, and its steps in order
with their titles and addresses. Cached (`courses.cache`), so that a lesson's breadcrumbs, its
"lesson 3 of 5" and its previous and next links cost no query; a learner's progress through the
steps is read per request (`progress.selectors.steps_progress`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from wagtail.models import Page

from progress.steps import step_pages


@dataclass(frozen=True)
class StepLink:
    """One live step of a course, as a link: enough for a list of steps and for progress."""

    pk: int
    title: str
    url: str
    translation_key: str  # as text: quicker to read back from the cache than a UUID
    #: "read" or "pass" (a quiz), from the step's page type (`progress.steps.ProgressStep`).
    progress_completion: str


@dataclass(frozen=True)
class CourseOutline:
    url: str
    catalogue_title: str
    catalogue_url: str
    steps: tuple[StepLink, ...]

    def position(self, page_pk: int) -> int | None:
        return next((i for i, step in enumerate(self.steps) if step.pk == page_pk), None)


def step_links(pages, request) -> tuple[StepLink, ...]:
    """Plain (not specific) step pages as links; their addresses from the site root paths that
    Wagtail caches, so no query per step."""
    return tuple(
        StepLink(
            pk=page.pk,
            title=page.title,
            url=page.get_url(request=request) or "",
            translation_key=str(page.translation_key),
            progress_completion=getattr(page.specific_class, "progress_completion", "read"),
        )
        for page in pages
    )


def build_outline(course: Page, request) -> CourseOutline:
    """Two queries at most: the steps, and the catalogue when the course was not reached through
    it (the router leaves each page's parent on it)."""
    catalogue = course.get_parent()
    return CourseOutline(
        url=course.get_url(request=request) or "",
        catalogue_title=catalogue.title,
        catalogue_url=catalogue.get_url(request=request) or "",
        steps=step_links(step_pages(course), request),
    )


@dataclass(frozen=True)
class CourseLink:
    """A course as a link with its live steps (a pupil's module list)."""

    pk: int
    title: str
    url: str
    translation_key: uuid.UUID
    steps: tuple[StepLink, ...]


def course_links(courses, steps_by_path: dict[str, list[Page]], request) -> list[CourseLink]:
    return [
        CourseLink(
            pk=course.pk,
            title=course.title,
            url=course.get_url(request=request) or "",
            translation_key=course.translation_key,
            steps=step_links(steps_by_path.get(course.path, []), request),
        )
        for course in courses
    ]
