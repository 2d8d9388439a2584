"""Forwarding kept xAPI statements to a Learning Record Store (`LRS_ENDPOINT`), as `h5p.xapi`
exports them: pseudonymous actor, stable IRIs, the player's id.

Each statement kept for a learner whose data may be stored gets an `LRSDelivery` in the same
transaction (`h5p.services.statement_record`), and a task (`h5p.tasks.forward_to_lrs`) is queued
once that commits; `manage.py lrs_forward` sends whatever is due (run it from cron, or by hand).

- In order, one batch at a time: a sender first takes the lease on the one `LRSForwarding` row
  (a conditional UPDATE: on PostgreSQL and on SQLite alike, two workers never hold it at once,
  and no transaction stays open while the LRS answers), then POSTs the oldest pending statements
  as one JSON array, xAPI's batch. A worker that finds the lease taken leaves at once; the holder
  looks again after giving it back, so a statement kept meanwhile is not left behind.
- At most once per id: a statement is marked delivered when the LRS answers 2xx, or 409 for a
  statement it already has (xAPI: the LRS keeps one statement per id, so sending one again after
  a crash between the POST and the mark is harmless).
- A failure that may pass (no answer, a timeout, 5xx, 408, 429 with its Retry-After) leaves the
  batch pending with one more attempt and a later next attempt (30 s, doubling, at most an hour);
  the statements behind it wait too, to keep the order, so a learner's request never waits on an
  LRS that is down more than once per back-off. A wrong address or credentials (3xx, 401, 403,
  404, 405) are retried the same way, logged as errors: fixing the setting is enough. After
  `LRS_MAX_ATTEMPTS`, or when the LRS refuses a statement (400, 413, 422...: sending it again
  cannot help), it becomes a dead letter with the last status and the first 500 characters of
  the answer. A refused batch is sent again one statement at a time, so that only the statement
  the LRS refuses is left out; each of those POSTs counts against the run's `max_batches` (the
  rest wait for the next run) and renews the lease first (a sender that lost it stops).
- Bounded: each socket operation waits LRS_TIMEOUT_SECONDS at most, one exchange about
  EXCHANGE_TIMEOUTS times that (an answer still coming then is a timeout), and at most 64 KB of
  an answer is read.
- Counted before it leaves: a batch's rows get one more attempt, and its time, in an UPDATE
  committed before the POST. A statement tried once may be at the LRS even if no answer came
  back, and a withdrawal of consent counts it so (`h5p.services.lrs_forwarding_stop`); a row
  dropped by the withdrawal before that UPDATE is not sent.
- Nothing here raises: every failure is recorded on the deliveries and logged (never the
  statements themselves).
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import xapi
from .models import LRSDelivery, LRSForwarding

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
RETRY_FIRST_SECONDS = 30
RETRY_MAX_SECONDS = 60 * 60
# The longest a Retry-After is honoured; a later one is an LRS telling us to stop for good.
RETRY_AFTER_MAX_SECONDS = 24 * 60 * 60
ERROR_BODY_CHARS = 500
READ_AT_MOST_BYTES = 64 * 1024
READ_CHUNK_BYTES = 8 * 1024
# One exchange (connect, send, answer) is cut after this many LRS_TIMEOUT_SECONDS: the timeout
# bounds each socket operation, not the exchange.
EXCHANGE_TIMEOUTS = 2
# Statuses that say the address or the credentials are wrong, not the statement.
CONFIGURATION_STATUSES = {301, 302, 303, 307, 308, 401, 403, 404, 405}
TRANSIENT_STATUSES = {408, 425, 429}


def enabled() -> bool:
    return bool(settings.LRS_ENDPOINT)


def statements_url() -> str:
    endpoint = settings.LRS_ENDPOINT
    return (endpoint if endpoint.endswith("/") else endpoint + "/") + "statements"


# --- One POST --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """What the LRS answered (`status` None: no answer at all; `error` says why)."""

    status: int | None
    body: str = ""
    retry_after_seconds: float | None = None
    error: str = ""

    def delivered(self, *, single: bool) -> bool:
        # 409 for one statement: the LRS already has that id (a batch with one refuses them all).
        return self.status is not None and (200 <= self.status < 300 or (single and self.status == 409))

    @property
    def may_pass(self) -> bool:
        """Worth sending again later: the LRS, the network or the settings, not the statement."""
        status = self.status
        return status is None or status >= 500 or status in TRANSIENT_STATUSES or status in CONFIGURATION_STATUSES

    @property
    def described(self) -> str:
        return (self.error or self.body)[:ERROR_BODY_CHARS]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirected POST would come back as a GET (whose 200 is no delivery): a 3xx is an answer.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - timezone.now()).total_seconds())


def _exchange_seconds() -> float:
    """The longest one exchange may take, from connecting to the answer's last byte read."""
    return EXCHANGE_TIMEOUTS * settings.LRS_TIMEOUT_SECONDS


def _read_answer(stream, deadline: float) -> tuple[str, bool]:
    """At most READ_AT_MOST_BYTES of an answer's body, one socket read at a time (each waits
    LRS_TIMEOUT_SECONDS at most), stopping at `deadline`; and whether the deadline was passed. A
    bounded read alone is not enough: an LRS trickling a byte at a time never trips the timeout."""
    read = getattr(stream, "read1", None) or stream.read
    chunks: list[bytes] = []
    size = 0
    while size < READ_AT_MOST_BYTES and time.monotonic() <= deadline:
        chunk = read(min(READ_CHUNK_BYTES, READ_AT_MOST_BYTES - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks).decode("utf-8", errors="replace"), time.monotonic() > deadline


def _overrun() -> Reply:
    return Reply(status=None, error=f"TimeoutError: no complete answer within {_exchange_seconds():g} s")


def post_statements(statements: list[dict]) -> Reply:
    """POST `statements` (a JSON array) to the LRS, waiting at most LRS_TIMEOUT_SECONDS for each
    step of the exchange and about EXCHANGE_TIMEOUTS times that for all of it (an answer not read
    by then is a timeout: sent again later). Never raises."""
    url = statements_url()
    if not url.lower().startswith(("https://", "http://")):
        return Reply(status=None, error="LRS_ENDPOINT must be an http:// or https:// address.")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Experience-API-Version": xapi.VERSION,
        "User-Agent": "elearning-lrs-forwarder",
    }
    if settings.LRS_KEY or settings.LRS_SECRET:
        credentials = f"{settings.LRS_KEY}:{settings.LRS_SECRET}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(credentials).decode("ascii")
    data = json.dumps(statements, ensure_ascii=False, separators=(",", ":")).encode()
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    opener = urllib.request.build_opener(_NoRedirects)
    deadline = time.monotonic() + _exchange_seconds()
    try:
        with opener.open(request, timeout=settings.LRS_TIMEOUT_SECONDS) as response:
            body, late = _read_answer(response, deadline)
            return _overrun() if late else Reply(status=response.status, body=body)
    except urllib.error.HTTPError as answer:
        with answer:
            try:
                body, late = _read_answer(answer, deadline)
            except (OSError, http.client.HTTPException):
                body, late = "", time.monotonic() > deadline
        if late:
            return _overrun()
        return Reply(status=answer.code, body=body, retry_after_seconds=_retry_after(answer.headers.get("Retry-After")))
    except (OSError, http.client.HTTPException, ValueError) as error:  # no answer, timeout, bad URL
        reason = getattr(error, "reason", None) or error
        return Reply(status=None, error=f"{type(error).__name__}: {reason}")


# --- The lease ---------------------------------------------------------------------------------


def _lease_seconds() -> float:
    # Longer than one exchange can take (EXCHANGE_TIMEOUTS, and one more socket read): it is
    # renewed before each POST, so no other sender can take it while one is on its way.
    return max(60.0, 10 * settings.LRS_TIMEOUT_SECONDS)


def _lease_take(token: str) -> bool:
    """Take (or renew) the lease; False if another sender holds it. One UPDATE: the database
    decides between two workers, and nothing stays locked."""
    now = timezone.now()
    free = Q(held_until__isnull=True) | Q(held_until__lte=now) | Q(held_by=token)
    until = now + timedelta(seconds=_lease_seconds())
    if LRSForwarding.objects.filter(free, pk=1).update(held_by=token, held_until=until):
        return True
    if LRSForwarding.objects.filter(pk=1).exists():
        return False
    try:
        with transaction.atomic():
            LRSForwarding.objects.create(pk=1, held_by=token, held_until=until)
    except IntegrityError:  # another worker made it first, and holds it
        return False
    return True


def _lease_give_back(token: str) -> None:
    LRSForwarding.objects.filter(pk=1, held_by=token).update(held_by="", held_until=None)


# --- Sending -----------------------------------------------------------------------------------


@dataclass
class Run:
    """What one forwarding run did."""

    sent: int = 0
    retrying: int = 0
    dead: int = 0
    dropped: int = 0
    batches: int = 0
    busy: bool = False  # another sender held the lease
    failed: bool = field(default=False, repr=False)

    def as_dict(self) -> dict:
        found = asdict(self)
        found.pop("failed")
        return found


def _pending():
    return LRSDelivery.objects.filter(state=LRSDelivery.State.PENDING).order_by("pk")


def _head_is_due(now: datetime) -> bool:
    head = _pending().values_list("next_attempt_at", flat=True).first()
    return head is not None and head <= now


def backoff_seconds(attempts: int) -> float:
    return float(min(RETRY_MAX_SECONDS, RETRY_FIRST_SECONDS * 2 ** max(0, attempts - 1)))


def _stamped(batch: list[tuple[LRSDelivery, dict]]) -> list[tuple[LRSDelivery, dict]]:
    """Count one more attempt on the batch's rows, and when, in one UPDATE committed (the sender
    runs in autocommit) before the POST: from then on a withdrawal of consent counts them as
    possibly at the LRS (`h5p.services.lrs_forwarding_stop`), whatever becomes of the answer.
    Returns the rows still pending: one dropped meanwhile (consent withdrawn after the batch was
    read) is not sent."""
    pks = [row.pk for row, _statement in batch]
    now = timezone.now()
    pending = LRSDelivery.objects.filter(pk__in=pks, state=LRSDelivery.State.PENDING)
    count = pending.update(attempts=F("attempts") + 1, last_attempt_at=now)
    if count != len(batch):
        still = set(pending.values_list("pk", flat=True))
        batch = [(row, statement) for row, statement in batch if row.pk in still]
    for row, _statement in batch:
        row.attempts += 1
        row.last_attempt_at = now
    return batch


def _not_counted(rows: list[LRSDelivery]) -> None:
    """Take back the attempt counted on each row of a batch the LRS refused as a whole (it kept
    none of it; each is sent again alone). `last_attempt_at` stays: it was sent."""
    pks = [row.pk for row in rows]
    LRSDelivery.objects.filter(pk__in=pks, state=LRSDelivery.State.PENDING, attempts__gt=0).update(
        attempts=F("attempts") - 1
    )
    for row in rows:
        row.attempts = max(0, row.attempts - 1)


def _delivered(rows: list[LRSDelivery], now: datetime) -> None:
    LRSDelivery.objects.filter(pk__in=[row.pk for row in rows]).update(
        state=LRSDelivery.State.DELIVERED, delivered_at=now, last_status=None, last_error=""
    )


def _dead(rows: list[LRSDelivery], *, status: int | None, error: str) -> None:
    LRSDelivery.objects.filter(pk__in=[row.pk for row in rows], state=LRSDelivery.State.PENDING).update(
        state=LRSDelivery.State.DEAD, last_status=status, last_error=error[:ERROR_BODY_CHARS]
    )


def _failed(rows: list[LRSDelivery], now: datetime, reply: Reply, run: Run) -> None:
    """After a failed attempt (already counted, `_stamped`): a later next attempt for each row, or
    a dead letter after the last."""
    wait_at_least = min(reply.retry_after_seconds or 0.0, RETRY_AFTER_MAX_SECONDS)
    by_attempts: dict[int, list[int]] = {}
    for row in rows:
        by_attempts.setdefault(row.attempts, []).append(row.pk)
    for attempts, pks in by_attempts.items():
        changes = {"last_status": reply.status, "last_error": reply.described}
        if attempts >= settings.LRS_MAX_ATTEMPTS:
            changes["state"] = LRSDelivery.State.DEAD
            run.dead += len(pks)
        else:
            wait = max(backoff_seconds(attempts), wait_at_least)
            changes["next_attempt_at"] = now + timedelta(seconds=wait)
            run.retrying += len(pks)
        LRSDelivery.objects.filter(pk__in=pks, state=LRSDelivery.State.PENDING).update(**changes)
    log = logger.error if reply.status in CONFIGURATION_STATUSES else logger.warning
    hint = " Check LRS_ENDPOINT, LRS_KEY and LRS_SECRET." if reply.status in CONFIGURATION_STATUSES else ""
    log(
        "The Learning Record Store did not take %s statement(s): %s.%s",
        len(rows),
        f"HTTP {reply.status}" if reply.status is not None else reply.error,
        hint,
    )


def _post(
    batch: list[tuple[LRSDelivery, dict]], run: Run, token: str, max_batches: int | None
) -> tuple[list[tuple[LRSDelivery, dict]], Reply | None]:
    """One POST of `batch`, if the run may make one more (`max_batches`) and still holds the lease
    (renewed first: it outlasts one exchange, not a run). Returns the rows sent and the reply; no
    reply if nothing was sent: then the rows returned (all of them, untouched) wait for a later
    run, or none is returned because all were dropped meanwhile."""
    if max_batches is not None and run.batches >= max_batches:
        return batch, None
    if not _lease_take(token):
        run.busy = True  # another sender took it over (this one was too slow): it sends them
        logger.warning("The lease on forwarding to the LRS was lost; another sender goes on.")
        return batch, None
    sent = _stamped(batch)
    run.dropped += len(batch) - len(sent)
    if not sent:
        return sent, None
    run.batches += 1
    return sent, post_statements([statement for _row, statement in sent])


def _send_head(run: Run, token: str, max_batches: int | None) -> str:
    """Send the oldest pending statements if the oldest is due: "sent" (something was done),
    "idle" (nothing due), "failed" (the LRS did not take them: they wait) or "stopped" (the run
    made its last POST, or lost the lease, before all of them were sent: the rest wait)."""
    now = timezone.now()
    rows = list(_pending().select_related("statement__page", "statement__learner")[:BATCH_SIZE])
    if not rows or rows[0].next_attempt_at > now:
        return "idle"
    # Consent withdrawn drops a learner's deliveries with their statements; this is the backstop.
    unwelcome = [row for row in rows if not row.statement.learner.may_store_learning_data]
    if unwelcome:
        LRSDelivery.objects.filter(pk__in=[row.pk for row in unwelcome], state=LRSDelivery.State.PENDING).delete()
        run.dropped += len(unwelcome)
        rows = [row for row in rows if row not in unwelcome]
    keys = xapi.course_keys_of([row.statement for row in rows])
    batch: list[tuple[LRSDelivery, dict]] = []
    for row in rows:
        try:
            batch.append((row, xapi.exported(row.statement, course_keys=keys)))
        except Exception as error:  # a kept statement that cannot be exported: no try will change that
            logger.exception("H5P statement %s could not be exported for the LRS", row.statement.statement_id)
            _dead([row], status=None, error=f"Could not be exported: {type(error).__name__}: {error}")
            run.dead += 1
    if not batch:
        return "sent"
    batch, reply = _post(batch, run, token, max_batches)
    if reply is None:
        return "stopped" if batch else "sent"
    now = timezone.now()
    single = len(batch) == 1
    if reply.delivered(single=single):
        _delivered([row for row, _statement in batch], now)
        run.sent += len(batch)
        return "sent"
    if reply.may_pass:
        _failed([row for row, _statement in batch], now, reply, run)
        run.failed = True
        return "failed"
    if single:
        _dead([batch[0][0]], status=reply.status, error=reply.described)
        run.dead += 1
        logger.warning(
            "The Learning Record Store refused statement %s: HTTP %s.", batch[0][0].statement.statement_id, reply.status
        )
        return "sent"
    # The LRS refuses a batch as a whole for one bad statement: one at a time, in order, finds it;
    # each POST counts against `max_batches` and renews the lease, as a batch's does.
    _not_counted([row for row, _statement in batch])
    for row, statement in batch:
        sent, reply = _post([(row, statement)], run, token, max_batches)
        if reply is None:
            if sent:
                return "stopped"
            continue  # dropped meanwhile
        now = timezone.now()
        if reply.delivered(single=True):
            _delivered([row], now)
            run.sent += 1
        elif reply.may_pass:
            _failed([row], now, reply, run)
            run.failed = True
            return "failed"
        else:
            _dead([row], status=reply.status, error=reply.described)
            run.dead += 1
            logger.warning(
                "The Learning Record Store refused statement %s: HTTP %s.", row.statement.statement_id, reply.status
            )
    return "sent"


def forward(*, max_batches: int | None = None) -> Run:
    """Send what is due, oldest first, until nothing is due, the LRS fails, or `max_batches`
    POSTs were made. Returns what was done; never raises."""
    run = Run()
    if not enabled():
        return run
    token = secrets.token_hex(16)
    try:
        while max_batches is None or run.batches < max_batches:
            if not _head_is_due(timezone.now()):
                break
            if not _lease_take(token):
                run.busy = True
                break
            done_before = run.batches + run.dropped + run.dead
            try:
                while max_batches is None or run.batches < max_batches:
                    if _send_head(run, token, max_batches) != "sent":
                        break
            finally:
                _lease_give_back(token)
            # Looked at again with the lease given back: what was kept while this run held it (and
            # whose own task found the lease taken) is sent now, unless nothing moved this time.
            if run.failed or run.busy or run.batches + run.dropped + run.dead == done_before:
                break
    except Exception:
        logger.exception("Forwarding statements to the Learning Record Store failed")
    return run
