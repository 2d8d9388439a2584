"""Writes to learners' progress. Keyword-only, typed and atomic; views call these, nothing else
writes a StepRecord."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from wagtail.models import Page

from .models import StepRecord
from .signals import send_step_completed
from .steps import ProgressStep


class ProgressNotRecorded(Exception):
    """The learner's progress may not be stored (no account, or no consent for a pupil)."""


def _check(learner, page: Page) -> None:
    if learner is None or not learner.is_authenticated or not learner.may_store_learning_data:
        raise ProgressNotRecorded("progress is not stored for this learner")
    if not isinstance(page.specific, ProgressStep):
        raise ValueError(f"{page!r} is not a progress step")


def lock_learner_for_write(learner) -> None:
    """Inside the write's transaction: lock the learner's row and read their consent again.
    Withdrawing consent takes the same lock, so a step finished at that very moment is either
    stored before the withdrawal deletes it, or not stored at all."""
    locked = (
        get_user_model()
        .objects.select_for_update()
        .only("is_active", "role", "learning_data_consent")
        .filter(pk=learner.pk)
        .first()
    )
    if locked is None or not locked.may_store_learning_data:
        raise ProgressNotRecorded("progress is not stored for this learner")


def step_complete(*, learner, page: Page, completed_at: datetime | None = None) -> tuple[StepRecord, bool]:
    """Mark `page` complete for `learner`; return the record and whether this call completed it.
    `completed_at`: when the learner finished, if not now (a step finished offline and sent later).

    Idempotent: a second call, or two concurrent calls (a double-tapped button), leave one
    record completed once, at the time of the first."""
    record, completed_now = _step_complete(learner=learner, page=page, completed_at=completed_at)
    if completed_now:
        send_step_completed(learner=learner, page=page)
    return record, completed_now


def _step_complete(*, learner, page: Page, completed_at: datetime | None) -> tuple[StepRecord, bool]:
    _check(learner, page)
    now = timezone.now()
    done_at = completed_at or now
    with transaction.atomic():
        lock_learner_for_write(learner)
        try:
            with transaction.atomic():
                record = StepRecord.objects.create(
                    learner=learner, page=page, step_key=page.translation_key, progress=1.0, completed_at=done_at
                )
            return record, True
        except IntegrityError:
            pass
        # A record exists: complete it unless someone (another request) already did.
        updated = StepRecord.objects.filter(
            learner=learner, step_key=page.translation_key, completed_at__isnull=True
        ).update(progress=1.0, completed_at=done_at, page=page, updated_at=now)
        record = StepRecord.objects.get(learner=learner, step_key=page.translation_key)
        return record, bool(updated)


def step_score(
    *, learner, page: Page, fraction: float, completed: bool, completed_at: datetime | None = None
) -> StepRecord:
    """Record a scored try at a step (a quiz): progress becomes the best fraction so far, and
    the step is complete once `completed` (passed), at `completed_at` if not now (a quiz answered
    offline and sent later). One conditional UPDATE, so concurrent tries of the same learner
    never lower the best or lose a completion."""
    _check(learner, page)
    if not 0 <= fraction <= 1:
        raise ValueError("fraction must lie between 0 and 1")
    now = timezone.now()
    done_at = completed_at or now
    value = 1.0 if completed else float(fraction)
    with transaction.atomic():
        lock_learner_for_write(learner)
        try:
            with transaction.atomic():
                record = StepRecord.objects.create(
                    learner=learner,
                    page=page,
                    step_key=page.translation_key,
                    progress=value,
                    completed_at=done_at if completed else None,
                )
        except IntegrityError:
            changes = {"progress": Greatest(F("progress"), Value(value)), "page": page, "updated_at": now}
            if completed:
                changes["completed_at"] = Coalesce(F("completed_at"), Value(done_at))
            StepRecord.objects.filter(learner=learner, step_key=page.translation_key).update(**changes)
            record = StepRecord.objects.get(learner=learner, step_key=page.translation_key)
    if completed:
        send_step_completed(learner=learner, page=page)
    return record
