"""Writes of H5P activities, packages, statements, results, saved states and the forwarding of
statements to a Learning Record Store. Keyword-only, typed, atomic; the only place an H5PResult
or an LRSDelivery is made."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from progress import services as progress_services

from . import libraries, lrs, packages, xapi
from .models import H5PActivity, H5PPackage, H5PResult, H5PState, H5PStatement, LRSDelivery, LRSForwarding
from .xapi import StatementRefused

logger = logging.getLogger(__name__)


XAPI_VERBS_THAT_SCORE = {
    "http://adlnet.gov/expapi/verbs/answered",
    "http://adlnet.gov/expapi/verbs/completed",
}


def _locked_package(package: packages.CheckedPackage) -> H5PPackage:
    """The package's row, created if need be and locked for this transaction (a release that
    holds it first finishes, and may have removed the row: then it is made again)."""
    while True:
        H5PPackage.objects.get_or_create(sha256=package.sha256, defaults={"size_bytes": package.size_bytes})
        locked = H5PPackage.objects.select_for_update().filter(sha256=package.sha256).first()
        if locked is not None:
            return locked


def activity_save(
    *, activity: H5PActivity, package: packages.CheckedPackage | None, user=None, filename: str = ""
) -> H5PActivity:
    """Create or update an activity; with `package`, its files are stored first (once per
    identical file), under a lock on the package's row that a release also takes. A replaced
    package is released after the change commits (its files go unless another activity uses
    them), and learners' saved states of the old package are forgotten (they would not fit)."""
    with transaction.atomic():
        previous = None
        if activity.pk:
            previous = H5PActivity.objects.filter(pk=activity.pk).values_list("package_id", flat=True).first()
        if package is not None:
            activity.package = _locked_package(package)
            packages.store(package, row=activity.package)
            shared = not packages.keeps_own_libraries(package.sha256)
            if activity.package.shared_libraries != shared:
                activity.package.shared_libraries = shared
                activity.package.save(update_fields=["shared_libraries"])
            activity.main_library = package.main_library
            activity.libraries = list(package.libraries)
            activity.original_filename = filename[:255]
            activity.uploaded_by = user if user is not None and user.is_authenticated else None
        elif not activity.package_id:
            raise ValueError("a new H5P activity needs a package")
        activity.save()
        if previous and previous != activity.package_id:
            H5PState.objects.filter(activity=activity).delete()
            transaction.on_commit(partial(package_release, sha256=previous))
    return activity


def activity_delete(*, activity: H5PActivity) -> None:
    """Delete an activity (its results and states go with it); its package is released after the
    deletion commits (see `h5p.receivers`, which also covers the admin's delete views)."""
    activity.delete()


def package_release(*, sha256: str) -> int:
    """Remove a package's files and row if no activity uses them any more; returns how many
    files went. Holds the package row's lock meanwhile, so no activity can be saved with it."""
    try:
        with transaction.atomic():
            locked = H5PPackage.objects.select_for_update().filter(sha256=sha256).first()
            if locked is None or H5PActivity.objects.filter(package_id=sha256).exists():
                return 0
            removed = packages.remove(sha256)
            locked.delete()
        libraries.release_unused()
    except Exception:
        logger.exception("removing the files of H5P package %s failed", sha256)
        return 0
    logger.info("removed %s files of the H5P package %s, which no activity uses", removed, sha256)
    return removed


@dataclass(frozen=True)
class Statement:
    """What the site takes from an xAPI statement, after checking its shape."""

    id: uuid.UUID
    verb: str
    top_level: bool
    score_raw: float | None
    score_max: float | None
    completed: bool
    stored: dict
    score_min: float = 0.0

    @property
    def percent(self) -> float | None:
        """The score as a percentage of its range (xAPI's `min`, 0 if none, to `max`)."""
        if self.score_raw is None or self.score_max is None or self.score_max <= self.score_min:
            return None
        share = (self.score_raw - self.score_min) / (self.score_max - self.score_min)
        return min(100.0, max(0.0, share * 100.0))

    @property
    def counts(self) -> bool:
        """A statement about the whole activity that ends a try at it."""
        return self.top_level and self.verb in XAPI_VERBS_THAT_SCORE


def statement_read(data) -> Statement:
    """Check that a statement is xAPI 1.0.3 as far as a player can get it wrong (`h5p.xapi`)
    and return what the site keeps. The actor is dropped: the learner is the session's, never the
    statement's; what the learner typed or picked (`result.response`) stays in the browser."""
    xapi.check_statement(data)
    try:
        statement_id = uuid.UUID(str(data.get("id", "")))
    except ValueError:
        raise StatementRefused("the statement needs an id (a UUID)") from None
    verb_id = data["verb"]["id"]
    if len(verb_id) > 200:
        raise StatementRefused("verb.id is too long")
    target = data["object"]
    context = data.get("context") or {}
    activities = context.get("contextActivities")
    parents = activities.get("parent") if isinstance(activities, dict) else None
    definition = target.get("definition")
    extensions = definition.get("extensions") if isinstance(definition, dict) else None
    sub_content = isinstance(extensions, dict) and bool(extensions.get(xapi.H5P_SUBCONTENT_EXTENSION))
    top_level = not parents and not sub_content
    result = data.get("result")
    raw = maximum = None
    minimum = 0.0
    completed = False
    if result is not None:
        if "score" in result:
            raw, low, high = xapi.check_score(result["score"])
            if raw is not None and high is not None and high > (low or 0.0):
                maximum, minimum = high, low or 0.0
            else:
                raw = None  # a score without a range: kept in the statement, not counted
        completed = result.get("completion", True)
    if verb_id not in XAPI_VERBS_THAT_SCORE:
        completed = False
    stored = {key: data[key] for key in ("verb", "object", "result", "context") if key in data}
    if isinstance(stored.get("result"), dict):
        stored["result"] = {key: value for key, value in stored["result"].items() if key != "response"}
    timestamp = data.get("timestamp")
    if isinstance(timestamp, str):
        try:
            datetime.fromisoformat(timestamp)
            stored["timestamp"] = timestamp
        except ValueError:
            pass  # the site's own time of arrival stands in for it
    return Statement(
        id=statement_id,
        verb=verb_id,
        top_level=top_level,
        score_raw=raw,
        score_max=maximum,
        completed=completed,
        stored=stored,
        score_min=minimum,
    )


def statement_record(
    *, learner, activity: H5PActivity, page, statement: Statement, answered_at: datetime | None = None
) -> tuple[H5PResult | None, bool]:
    """Keep a statement once per id for this learner, and, for a statement about the whole
    activity that answers or completes it, update the learner's `H5PResult`: one more attempt,
    the best score so far, completed. Returns the result (None if the statement does not count)
    and whether the statement was new; a replay changes nothing. The score is the browser's:
    the result says so (`client_reported`), and certificates never rest on it alone. With a
    Learning Record Store set up, a new statement is queued for it, and a forwarding run is
    queued once the statement is committed (`h5p.lrs`). `answered_at`: when the learner made it,
    if not now (a statement made offline and sent later): it becomes the statement's timestamp
    and the time the activity was completed."""
    bounded = statement.counts and statement.score_max is not None and activity.max_score is not None
    if bounded and statement.score_max != activity.max_score:
        raise StatementRefused(f"this activity's maximum score is {activity.max_score}")
    if not learner.is_authenticated or not learner.may_store_learning_data:
        raise progress_services.ProgressNotRecorded("H5P results are not stored for this learner")
    now = timezone.now()
    stored = statement.stored if answered_at is None else {**statement.stored, "timestamp": answered_at.isoformat()}
    with transaction.atomic():
        progress_services.lock_learner_for_write(learner)
        try:
            with transaction.atomic():
                kept = H5PStatement.objects.create(
                    learner=learner,
                    activity=activity,
                    page=page,
                    statement_id=statement.id,
                    verb=statement.verb,
                    top_level=statement.top_level,
                    score_raw=statement.score_raw,
                    score_max=statement.score_max,
                    statement=stored,
                )
        except IntegrityError:
            return H5PResult.objects.filter(learner=learner, activity=activity).first(), False
        if lrs.enabled():
            LRSDelivery.objects.create(statement=kept, next_attempt_at=now)
            transaction.on_commit(_forwarding_queue)
        if not statement.counts:
            return None, True
        with transaction.atomic():
            H5PResult.objects.get_or_create(learner=learner, activity=activity)
        changes = {"attempts": F("attempts") + 1, "updated_at": now}
        percent = statement.percent
        if percent is not None:
            better = Q(best_percent__isnull=True) | Q(best_percent__lt=percent)
            # One UPDATE whose conditions read the row as it is: concurrent statements can never
            # lower the best score or lose an attempt.
            # Points counted from the bottom of the score's range (xAPI allows a negative `min`;
            # H5P's is 0, so its points are kept as they are).
            out_of = statement.score_max - statement.score_min
            points = min(out_of, max(0.0, statement.score_raw - statement.score_min))
            changes["best_score"] = Case(When(better, then=Value(points)), default=F("best_score"))
            changes["max_score"] = Case(When(better, then=Value(out_of)), default=F("max_score"))
            changes["best_percent"] = Case(When(better, then=Value(percent)), default=F("best_percent"))
        if statement.completed:
            changes["completed"] = Value(True)
            changes["completed_at"] = Coalesce(F("completed_at"), Value(answered_at or now))
        H5PResult.objects.filter(learner=learner, activity=activity).update(**changes)
        return H5PResult.objects.get(learner=learner, activity=activity), True


def state_save(*, learner, activity: H5PActivity, data: str | None) -> None:
    """Keep (or, with None, forget) where the learner left the activity."""
    if not learner.is_authenticated or not learner.may_store_learning_data:
        raise progress_services.ProgressNotRecorded("H5P state is not stored for this learner")
    with transaction.atomic():
        progress_services.lock_learner_for_write(learner)
        if data is None:
            H5PState.objects.filter(learner=learner, activity=activity).delete()
            return
        H5PState.objects.update_or_create(learner=learner, activity=activity, defaults={"data": data})


def learner_data_delete(*, learner) -> int:
    """Delete everything H5P kept about a learner (results, statements and their deliveries to the
    LRS, saved states), as when a pupil's consent is withdrawn; returns how many results there
    were. Count the deliveries first with `lrs_forwarding_stop`."""
    results, _ = H5PResult.objects.filter(learner=learner).delete()  # nothing cascades from a result
    LRSDelivery.objects.filter(statement__learner=learner).delete()
    H5PStatement.objects.filter(learner=learner).delete()
    H5PState.objects.filter(learner=learner).delete()
    return results


# --- Forwarding to a Learning Record Store (h5p.lrs) -------------------------------------------


def _forwarding_queue() -> None:
    from .tasks import enqueue_forwarding

    enqueue_forwarding()


def lrs_forwarding_stop(*, learner) -> dict[str, int]:
    """Stop forwarding a learner's statements, as when consent is withdrawn: what was not sent yet
    (pending, or a dead letter that could be put back) is dropped, so nothing more of theirs
    leaves. Returns, for the withdrawal's record, how many were dropped (`lrs_dropped`), how many
    the LRS said it has (`lrs_sent`), and how many may be at the LRS (`lrs_maybe_sent`: those,
    and every other one sent at least once, whatever the answer, or none came: the LRS may have
    kept it and the answer been lost, or it may be on its way now; `h5p.lrs` counts an attempt
    before the POST). What is at the LRS stays there; docs/security.md says how to erase it.
    Nothing if none of theirs was ever queued. Call it inside the withdrawal's transaction, with
    the learner's row locked."""
    deliveries = LRSDelivery.objects.filter(statement__learner=learner)
    # Read locked: a sender counting an attempt right now (h5p.lrs) either did so before, and it
    # is counted here, or waits for this transaction and finds the row gone (PostgreSQL; SQLite
    # lets one writer at a time, and the withdrawal has written already).
    found = list(deliveries.select_for_update(of=("self",)).values_list("state", "attempts", "last_attempt_at"))
    delivered = LRSDelivery.State.DELIVERED
    sent = sum(state == delivered for state, _attempts, _last in found)
    # `last_attempt_at` too: putting a dead letter back sets its attempts to 0.
    maybe_sent = sum(state == delivered or attempts > 0 or last is not None for state, attempts, last in found)
    dropped, _ = deliveries.exclude(state=delivered).delete()
    if not (sent or dropped):
        return {}
    return {"lrs_dropped": dropped, "lrs_sent": sent, "lrs_maybe_sent": maybe_sent}


def lrs_deliveries_retry(*, by, pks: list[int] | None = None) -> int:
    """Put dead letters back in the queue (all of them, or those of `pks`), each with
    LRS_MAX_ATTEMPTS new tries, their last error kept until the next try; logged in Wagtail's
    audit log (against the forwarding's row) with who did it. Returns how many; a forwarding run
    is queued once this commits."""
    from wagtail.log_actions import log

    with transaction.atomic():
        dead = LRSDelivery.objects.filter(state=LRSDelivery.State.DEAD)
        if pks is not None:
            dead = dead.filter(pk__in=pks)
        statement_ids = [str(value) for value in dead.values_list("statement__statement_id", flat=True)[:100]]
        count = dead.update(state=LRSDelivery.State.PENDING, attempts=0, next_attempt_at=timezone.now())
        if count:
            forwarding, _created = LRSForwarding.objects.get_or_create(pk=1)
            log(
                instance=forwarding,
                action="h5p.lrs_retry",
                user=by,
                data={"count": count, "statements": statement_ids, "all": pks is None},
            )
            transaction.on_commit(_forwarding_queue)
    return count
