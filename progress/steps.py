"""The interface between progress and the pages it counts.

`progress` knows pages only as Wagtail pages. A page type that counts as one step of its parent
page's progress (a lesson, a quiz) inherits `ProgressStep`; the parent (a course) is then a
container whose progress is the share of its live step children that are complete.
"""

from functools import cache

from django.apps import apps
from wagtail.models import Page


class ProgressStep:
    """Mixin for a Page subclass: a page whose completion counts toward its parent's progress."""

    #: How the step is completed, for the learner: "read" (press "I've finished") or "pass".
    progress_completion = "read"


@cache
def step_models() -> tuple[type[Page], ...]:
    """Every installed page model that counts as a step."""
    return tuple(
        model
        for model in apps.get_models()
        if issubclass(model, Page) and issubclass(model, ProgressStep) and not model._meta.abstract
    )


def step_pages(container: Page):
    """The live step pages under `container`, in their tree order."""
    return container.get_children().live().type(*step_models()).order_by("path")
