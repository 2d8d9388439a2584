"""Reads of learners' progress, in a fixed number of queries whatever the number of steps."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.db.models import Q
from wagtail.models import Page

from .models import StepRecord
from .steps import step_models, step_pages


@dataclass(frozen=True)
class StepStatus:
    page: Page
    progress: float = 0.0
    completed: bool = False


@dataclass(frozen=True)
class ContainerProgress:
    """A learner's progress through the steps of one container page (a course)."""

    steps: list[StepStatus] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def completed_count(self) -> int:
        return sum(1 for step in self.steps if step.completed)

    @property
    def fraction(self) -> float:
        """0..1; partial progress on a step counts in proportion."""
        if not self.steps:
            return 0.0
        return sum(1.0 if s.completed else s.progress for s in self.steps) / len(self.steps)

    @property
    def percent(self) -> int:
        return round(self.fraction * 100)

    @property
    def is_complete(self) -> bool:
        return bool(self.steps) and all(step.completed for step in self.steps)

    @property
    def started(self) -> bool:
        return any(step.completed or step.progress > 0 for step in self.steps)

    @property
    def next_step(self) -> Page | None:
        """Where "continue" leads: the first step not complete (None when all are)."""
        return next((step.page for step in self.steps if not step.completed), None)


def _key(step) -> str:
    """A step's key, as text: its page's translation key (a page, a cached link) or the key itself.
    Text because cached outlines keep their keys as text (quicker to read back than UUIDs)."""
    return step if isinstance(step, str) else str(step.translation_key)


def _records(learner, keys) -> dict:
    if learner is None or not learner.is_authenticated or not keys:
        return {}
    rows = StepRecord.objects.filter(learner=learner, step_key__in=set(keys)).values_list(
        "step_key", "progress", "completed_at"
    )
    return {str(key): (value, done is not None) for key, value, done in rows}


def _status(step, records: dict) -> StepStatus:
    progress, completed = records.get(_key(step), (0.0, False))
    return StepStatus(page=step, progress=progress, completed=completed)


def container_progress(*, learner, container: Page) -> ContainerProgress:
    """The container's live steps (specific pages, in order, without their stream fields) with
    the learner's state on each: one query for the steps, one per page type for their specific
    pages, one for the records."""
    pages = list(step_pages(container).defer_streamfields().specific())
    records = _records(learner, [_key(p) for p in pages])
    return ContainerProgress(steps=[_status(p, records) for p in pages])


def steps_progress(*, learner, steps) -> ContainerProgress:
    """The learner's state on steps already known (pages, anything that carries their
    `translation_key`, such as a cached outline of a course, or the keys themselves, as text):
    one query for the records."""
    steps = list(steps)
    records = _records(learner, [_key(s) for s in steps])
    return ContainerProgress(steps=[_status(s, records) for s in steps])


def many_steps_progress(*, learner, steps_of: dict) -> dict:
    """`steps_progress` for many containers at once (a catalogue), keyed as given: one query."""
    records = _records(learner, [_key(s) for steps in steps_of.values() for s in steps])
    return {key: ContainerProgress(steps=[_status(s, records) for s in steps]) for key, steps in steps_of.items()}


def steps_by_container(containers: list[Page]) -> tuple[list[Page], dict[str, list[Page]]]:
    """The live steps under each container (plain `Page`s, in tree order), in one query."""
    by_parent: dict[str, list[Page]] = {c.path: [] for c in containers}
    if not by_parent:
        return [], by_parent
    children = Q()
    for container in containers:
        children |= Q(path__startswith=container.path, depth=container.depth + 1)
    step_list = list(Page.objects.live().type(*step_models()).filter(children).order_by("path"))
    for step in step_list:
        by_parent[step.path[: -Page.steplen]].append(step)
    return step_list, by_parent


def containers_progress(*, learner, containers) -> dict[int, ContainerProgress]:
    """Progress for many containers at once (a catalogue page), keyed by container id, in two
    queries whatever their number. Steps are plain `Page`s here, not specific ones."""
    containers = list(containers)
    if not containers:
        return {}
    step_list, by_parent = steps_by_container(containers)
    records = _records(learner, [_key(s) for s in step_list])
    return {c.pk: ContainerProgress(steps=[_status(s, records) for s in by_parent[c.path]]) for c in containers}


def step_is_complete(*, learner, page: Page) -> bool:
    return _records(learner, [_key(page)]).get(_key(page), (0.0, False))[1]


def group_progress(*, learner_ids, containers) -> tuple[list[Page], dict[tuple[int, int], ContainerProgress]]:
    """Progress of many learners through many containers (a class dashboard), in two queries
    whatever their numbers: the steps, then the records. Returns the step pages and, keyed by
    (learner id, container id), each learner's progress."""
    containers = list(containers)
    learner_ids = list(learner_ids)
    if not containers:
        return [], {}
    step_list, by_parent = steps_by_container(containers)
    records: dict[int, dict] = {learner_id: {} for learner_id in learner_ids}
    if learner_ids and step_list:
        rows = StepRecord.objects.filter(
            learner_id__in=learner_ids, step_key__in={s.translation_key for s in step_list}
        ).values_list("learner_id", "step_key", "progress", "completed_at")
        for learner_id, key, value, done in rows:
            records[learner_id][key] = StepStatus(page=None, progress=value, completed=done is not None)
    # A step nobody has touched reads the same for every learner: one status, shared.
    untouched = {s.translation_key: StepStatus(page=s) for s in step_list}
    progress = {}
    for learner_id in learner_ids:
        mine = records[learner_id]
        for c in containers:
            steps = []
            for s in by_parent[c.path]:
                touched = mine.get(s.translation_key)
                steps.append(untouched[s.translation_key] if touched is None else replace(touched, page=s))
            progress[(learner_id, c.pk)] = ContainerProgress(steps=steps)
    return step_list, progress
