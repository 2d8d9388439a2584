"""Forwarding kept statements to a Learning Record Store (h5p.lrs), against a small xAPI Statement
API served on loopback inside the test: a real HTTP server that checks Basic auth and the xAPI
version header, keeps statements by id and answers as an LRS does. Tasks are driven directly (the
immediate backend, on commit); time is moved by changing the next attempt, never waited for."""

from __future__ import annotations

import base64
import datetime
import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accounts.models import Role
from h5p import lrs as forwarding
from h5p import services, tasks, xapi
from h5p.models import H5PStatement, LRSDelivery, LRSForwarding
from tests.factories import AdultFactory, PupilFactory
from tests.h5p.test_h5p_results import post, statement
from tests.h5p.test_h5p_xapi import validator_problems

KEY, SECRET = "site-key", "s3cret-é"
NOT_COMPARED = {"stored", "authority", "version"}


@dataclass
class Exchange:
    path: str
    headers: dict  # names in lower case
    body: bytes

    @property
    def statements(self) -> list[dict]:
        return json.loads(self.body)


@dataclass
class StandInLRS:
    """What the stand-in received and keeps; `replies` are answered, in turn, instead of storing
    (status, headers, body); `refused_ids` are statements it refuses as bad (400)."""

    url: str = ""
    posts: list[Exchange] = field(default_factory=list)
    stored: dict[str, dict] = field(default_factory=dict)
    replies: list[tuple[int, dict, str]] = field(default_factory=list)
    refused_ids: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    before_answer: object = None  # called before a POST is answered (to hold it)
    batches_refused: bool = False  # every POST of more than one statement is refused (400)
    trickle: threading.Event | None = None  # answer 200 with one byte, the rest once this is set

    @property
    def stored_ids(self) -> list[str]:
        return list(self.stored)


class StatementAPI(BaseHTTPRequestHandler):
    """POST /xapi/statements, as the xAPI 1.0.3 Statement API answers it."""

    def log_message(self, *args):
        pass

    def _answer(self, status: int, body, headers=None):
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _trickle(self, more: threading.Event):
        rest = b'"ok"]'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(1 + len(rest)))
        self.end_headers()
        self.wfile.write(b"[")
        self.wfile.flush()
        if more.wait(timeout=30):
            self.wfile.write(rest)

    def do_POST(self):
        lrs: StandInLRS = self.server.lrs
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if lrs.before_answer is not None:
            lrs.before_answer()
        expected = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
        with lrs.lock:
            lrs.posts.append(Exchange(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            if self.path != "/xapi/statements":
                return self._answer(404, {"error": "no such resource"})
            if self.headers.get("Authorization") != expected:
                return self._answer(401, {"error": "unknown credentials"})
            if self.headers.get("X-Experience-API-Version") != "1.0.3":
                return self._answer(400, {"error": "X-Experience-API-Version 1.0.3 is required"})
            if lrs.replies:
                status, headers, text = lrs.replies.pop(0)
                return self._answer(status, text, headers)
            data = json.loads(body)
            statements = data if isinstance(data, list) else [data]
            if lrs.batches_refused and len(statements) > 1:
                return self._answer(400, {"error": "one statement at a time"})
        if lrs.trickle is not None:  # outside the lock: the next POST is answered meanwhile
            return self._trickle(lrs.trickle)
        with lrs.lock:
            ids = [item.get("id") for item in statements]
            if None in ids or len(set(ids)) != len(ids):
                return self._answer(400, {"error": "every statement needs an id of its own"})
            if lrs.refused_ids.intersection(ids):
                return self._answer(400, {"error": "statement is invalid: verb.display"})
            for item in statements:
                kept = lrs.stored.get(item["id"])
                if kept is not None and _compared(kept) != _compared(item):
                    return self._answer(409, {"error": f"statement {item['id']} exists with other content"})
            for item in statements:
                lrs.stored.setdefault(item["id"], item)  # the same content again: already stored
            return self._answer(200, ids)


def _compared(item: dict) -> dict:
    return {key: value for key, value in item.items() if key not in NOT_COMPARED}


@pytest.fixture
def lrs(settings):
    """The stand-in LRS on 127.0.0.1 (a free port), and the site's settings pointing at it."""
    stand_in = StandInLRS()
    server = ThreadingHTTPServer(("127.0.0.1", 0), StatementAPI)
    server.daemon_threads = True
    server.lrs = stand_in
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    stand_in.url = f"http://127.0.0.1:{server.server_address[1]}/xapi/"
    settings.LRS_ENDPOINT, settings.LRS_KEY, settings.LRS_SECRET = stand_in.url, KEY, SECRET
    settings.LRS_TIMEOUT_SECONDS = 2
    settings.LRS_MAX_ATTEMPTS = 3
    yield stand_in
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def closed_port():
    """A loopback address where nothing listens: connecting is refused at once."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/xapi/"


def keep(learner, lesson, activity, **kwargs) -> H5PStatement:
    """A statement kept by the service (its forwarding queued on commit, which a test's
    transaction never reaches unless the test runs the callbacks)."""
    sent = statement(**kwargs)
    services.statement_record(learner=learner, activity=activity, page=lesson, statement=services.statement_read(sent))
    return H5PStatement.objects.get(learner=learner, statement_id=sent["id"])


def due_now():
    """As if the back-off had passed."""
    LRSDelivery.objects.filter(state=LRSDelivery.State.PENDING).update(next_attempt_at=timezone.now())


def delivery(record: H5PStatement) -> LRSDelivery:
    return LRSDelivery.objects.get(statement=record)


# --- The exchange ------------------------------------------------------------------------------


def test_h5p_lrs_a_statement_from_the_player_reaches_the_lrs_as_valid_xapi(
    lrs, signed_in, learner, h5p_lesson, h5p_activity, django_capture_on_commit_callbacks
):
    sent = statement()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(signed_in, h5p_lesson, h5p_activity, sent)
    assert response.status_code == 201

    assert len(lrs.posts) == 1
    exchange = lrs.posts[0]
    assert exchange.path == "/xapi/statements"
    assert exchange.headers["x-experience-api-version"] == "1.0.3"
    assert exchange.headers["content-type"].startswith("application/json")
    assert exchange.headers["authorization"] == "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    [arrived] = exchange.statements
    assert arrived["id"] == sent["id"] and lrs.stored_ids == [sent["id"]]
    # As the site exports it: the learner by a pseudonymous account, never the player's actor.
    assert arrived == xapi.exported(H5PStatement.objects.get(statement_id=sent["id"]))
    assert arrived["actor"]["account"]["name"] == xapi.actor_name(learner.pk)
    assert "mbox" not in json.dumps(arrived) and learner.email not in json.dumps(arrived)
    assert validator_problems([arrived]) == [[]]
    kept = LRSDelivery.objects.get()
    assert (kept.state, kept.attempts, kept.last_error) == ("delivered", 1, "")
    assert kept.delivered_at is not None


def test_h5p_lrs_nothing_is_sent_when_no_lrs_is_set(
    lrs, settings, signed_in, h5p_lesson, h5p_activity, django_capture_on_commit_callbacks
):
    settings.LRS_ENDPOINT = ""
    with django_capture_on_commit_callbacks(execute=True):
        assert post(signed_in, h5p_lesson, h5p_activity, statement()).status_code == 201
    assert forwarding.forward().as_dict()["sent"] == 0
    assert not LRSDelivery.objects.exists() and lrs.posts == []
    out = _command_output()
    assert "LRS_ENDPOINT is empty" in out and lrs.posts == []


def test_h5p_lrs_nothing_is_sent_for_a_pupil_without_consent(
    lrs, client, h5p_lesson, h5p_activity, django_capture_on_commit_callbacks
):
    pupil = PupilFactory()
    client.force_login(pupil)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, h5p_lesson, h5p_activity, statement()).status_code == 202
    forwarding.forward()
    assert not LRSDelivery.objects.exists() and lrs.posts == []


def test_h5p_lrs_a_delivery_of_a_learner_who_may_no_longer_be_recorded_is_dropped_not_sent(
    lrs, h5p_lesson, h5p_activity
):
    pupil = PupilFactory(learning_data_consent=True)
    keep(pupil, h5p_lesson, h5p_activity)
    type(pupil).objects.filter(pk=pupil.pk).update(learning_data_consent=False)  # not through the service
    run = forwarding.forward()
    assert (run.sent, run.dropped) == (0, 1)
    assert not LRSDelivery.objects.exists() and lrs.posts == []


# --- Retries, duplicates, order ----------------------------------------------------------------


def test_h5p_lrs_after_a_failure_the_statement_is_tried_again_and_arrives_once(lrs, learner, h5p_lesson, h5p_activity):
    lrs.replies = [(503, {}, "down for maintenance")]
    record = keep(learner, h5p_lesson, h5p_activity)
    before = timezone.now()
    run = forwarding.forward()
    assert (run.sent, run.retrying) == (0, 1)
    waiting = delivery(record)
    assert (waiting.state, waiting.attempts, waiting.last_status) == ("pending", 1, 503)
    assert waiting.last_error == "down for maintenance"
    assert waiting.next_attempt_at >= before + datetime.timedelta(seconds=forwarding.RETRY_FIRST_SECONDS)

    # Not due yet: a run (the next statement's, or cron's) sends nothing.
    assert forwarding.forward().batches == 0 and len(lrs.posts) == 1
    due_now()
    assert forwarding.forward().sent == 1
    delivered = delivery(record)
    assert (delivered.state, delivered.attempts) == ("delivered", 2)
    assert lrs.stored_ids == [str(record.statement_id)] and len(lrs.posts) == 2


def test_h5p_lrs_back_off_doubles(db):
    assert [forwarding.backoff_seconds(n) for n in (1, 2, 3)] == [30, 60, 120]
    assert forwarding.backoff_seconds(30) == forwarding.RETRY_MAX_SECONDS


def test_h5p_lrs_too_many_requests_waits_as_long_as_retry_after_says(lrs, learner, h5p_lesson, h5p_activity):
    lrs.replies = [(429, {"Retry-After": "600"}, "slow down")]
    record = keep(learner, h5p_lesson, h5p_activity)
    before = timezone.now()
    forwarding.forward()
    waiting = delivery(record)
    assert waiting.state == "pending" and waiting.last_status == 429
    assert waiting.next_attempt_at >= before + datetime.timedelta(seconds=600)


def test_h5p_lrs_two_runs_and_a_replayed_statement_leave_one_copy(
    lrs, signed_in, learner, h5p_lesson, h5p_activity, django_capture_on_commit_callbacks
):
    sent = statement()
    with django_capture_on_commit_callbacks(execute=True):
        assert post(signed_in, h5p_lesson, h5p_activity, sent).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        assert post(signed_in, h5p_lesson, h5p_activity, sent).status_code == 200  # the player sent it again
    forwarding.forward()
    forwarding.forward()
    assert LRSDelivery.objects.count() == 1 and len(lrs.posts) == 1
    # A worker that died between the POST and marking it delivered: sent again, kept once.
    LRSDelivery.objects.update(state="pending", delivered_at=None)
    assert forwarding.forward().sent == 1
    assert len(lrs.posts) == 2 and lrs.stored_ids == [sent["id"]]
    assert LRSDelivery.objects.get().state == "delivered"


def test_h5p_lrs_a_conflict_for_one_statement_means_the_lrs_has_it(lrs, learner, h5p_lesson, h5p_activity):
    lrs.replies = [(409, {}, "a statement with this id exists")]
    record = keep(learner, h5p_lesson, h5p_activity)
    assert forwarding.forward().sent == 1
    assert delivery(record).state == "delivered" and len(lrs.posts) == 1


def test_h5p_lrs_a_conflict_for_a_batch_is_sorted_out_one_statement_at_a_time(lrs, learner, h5p_lesson, h5p_activity):
    records = [keep(learner, h5p_lesson, h5p_activity) for _ in range(2)]
    lrs.replies = [(409, {}, "one of these exists")]  # a batch is refused whole: which one is unknown
    assert forwarding.forward().sent == 2
    assert [len(exchange.statements) for exchange in lrs.posts] == [2, 1, 1]
    assert lrs.stored_ids == [str(record.statement_id) for record in records]


def test_h5p_lrs_statements_arrive_in_the_order_they_were_kept(lrs, monkeypatch, learner, h5p_lesson, h5p_activity):
    monkeypatch.setattr(forwarding, "BATCH_SIZE", 2)
    kept = [str(keep(learner, h5p_lesson, h5p_activity, raw=raw).statement_id) for raw in (0, 1, 2, 3, 4)]
    run = forwarding.forward()
    assert (run.sent, run.batches) == (5, 3)
    assert [len(exchange.statements) for exchange in lrs.posts] == [2, 2, 1]
    assert [item["id"] for exchange in lrs.posts for item in exchange.statements] == kept
    assert lrs.stored_ids == kept


def test_h5p_lrs_a_later_statement_waits_behind_one_being_retried(lrs, learner, h5p_lesson, h5p_activity):
    lrs.replies = [(500, {}, "oops")]
    first = keep(learner, h5p_lesson, h5p_activity)
    forwarding.forward()
    second = keep(learner, h5p_lesson, h5p_activity)
    assert forwarding.forward().batches == 0  # the first is not due: the second does not overtake it
    due_now()
    forwarding.forward()
    assert lrs.stored_ids == [str(first.statement_id), str(second.statement_id)]


def test_h5p_lrs_one_statement_at_a_time_counts_against_max_batches_and_renews_the_lease(
    lrs, monkeypatch, learner, h5p_lesson, h5p_activity
):
    """An LRS that refuses every batch of more than one: the run's POSTs, one at a time, stop at
    `max_batches` and the rest wait, in order; the lease is renewed before each POST."""
    lrs.batches_refused = True
    kept = [str(keep(learner, h5p_lesson, h5p_activity).statement_id) for _ in range(10)]
    events = []
    lease_take, post_statements = forwarding._lease_take, forwarding.post_statements

    def lease(token):
        events.append("lease")
        return lease_take(token)

    def post(statements):
        events.append("post")
        return post_statements(statements)

    monkeypatch.setattr(forwarding, "_lease_take", lease)
    monkeypatch.setattr(forwarding, "post_statements", post)
    run = forwarding.forward(max_batches=3)
    assert (run.batches, run.sent, run.dead, run.retrying) == (3, 2, 0, 0)
    assert [len(exchange.statements) for exchange in lrs.posts] == [10, 1, 1]
    assert lrs.stored_ids == kept[:2]
    assert all(events[index - 1] == "lease" for index, event in enumerate(events) if event == "post")
    waiting = list(LRSDelivery.objects.filter(state="pending").order_by("pk"))
    assert [str(row.statement.statement_id) for row in waiting] == kept[2:]
    # Refused as a batch is no failed attempt; still due, so the next run goes on in order.
    assert {row.attempts for row in waiting} == {0} and all(row.last_attempt_at for row in waiting)
    assert forwarding.forward(max_batches=3).sent == 2
    assert [len(exchange.statements) for exchange in lrs.posts] == [10, 1, 1, 8, 1, 1]
    assert lrs.stored_ids == kept[:4]
    assert LRSForwarding.objects.get().held_by == ""  # given back


def test_h5p_lrs_a_sender_that_lost_the_lease_stops(lrs, monkeypatch, learner, h5p_lesson, h5p_activity):
    """Sending one at a time, the sender is overtaken (its lease ran out and another took it): it
    sends nothing more and leaves the rest to the new holder."""
    lrs.batches_refused = True
    kept = [str(keep(learner, h5p_lesson, h5p_activity).statement_id) for _ in range(10)]
    post_statements = forwarding.post_statements

    def overtaken(statements):
        reply = post_statements(statements)
        if len(statements) == 1:
            LRSForwarding.objects.update(held_by="another", held_until=timezone.now() + datetime.timedelta(minutes=1))
        return reply

    monkeypatch.setattr(forwarding, "post_statements", overtaken)
    run = forwarding.forward()
    assert run.busy and (run.batches, run.sent) == (2, 1)
    assert [len(exchange.statements) for exchange in lrs.posts] == [10, 1]
    assert lrs.stored_ids == kept[:1]
    assert LRSDelivery.objects.filter(state="pending").count() == 9
    assert LRSForwarding.objects.get().held_by == "another"  # not given back: not this sender's


def test_h5p_lrs_an_answer_trickling_past_the_deadline_is_a_timeout(
    lrs, settings, monkeypatch, learner, h5p_lesson, h5p_activity
):
    """The LRS sends its answer a byte at a time, each within LRS_TIMEOUT_SECONDS: the exchange is
    cut at its deadline (the clock of h5p.lrs is moved on, never waited for), and tried again."""
    import time
    from types import SimpleNamespace

    settings.LRS_TIMEOUT_SECONDS = 5
    lrs.trickle = threading.Event()
    ticks = iter(range(10_000))
    # Each look at the clock is 1.5 timeouts later: the deadline (2 timeouts) passes after one read.
    monkeypatch.setattr(
        forwarding, "time", SimpleNamespace(monotonic=lambda: next(ticks) * 1.5 * settings.LRS_TIMEOUT_SECONDS)
    )
    record = keep(learner, h5p_lesson, h5p_activity)
    started = time.monotonic()
    try:
        run = forwarding.forward()
    finally:
        lrs.trickle.set()
    assert time.monotonic() - started < settings.LRS_TIMEOUT_SECONDS  # not one socket timeout waited
    assert (run.sent, run.retrying) == (0, 1)
    waiting = delivery(record)
    assert (waiting.state, waiting.attempts, waiting.last_status) == ("pending", 1, None)
    assert waiting.last_error.startswith("TimeoutError")


# --- Dead letters ------------------------------------------------------------------------------


def test_h5p_lrs_after_the_last_attempt_the_statement_is_a_dead_letter(lrs, learner, h5p_lesson, h5p_activity):
    lrs.replies = [(503, {}, "x" * 2000)] * 3
    record = keep(learner, h5p_lesson, h5p_activity)
    for _attempt in range(3):
        due_now()
        forwarding.forward()
    dead = delivery(record)
    assert (dead.state, dead.attempts, dead.last_status) == ("dead", 3, 503)
    assert dead.last_error == "x" * 500
    due_now()
    assert forwarding.forward().batches == 0 and len(lrs.posts) == 3


def test_h5p_lrs_a_refused_statement_is_a_dead_letter_at_once_and_the_others_go_on(
    lrs, learner, h5p_lesson, h5p_activity
):
    records = [keep(learner, h5p_lesson, h5p_activity) for _ in range(3)]
    lrs.refused_ids = {str(records[1].statement_id)}
    run = forwarding.forward()
    assert (run.sent, run.dead) == (2, 1)
    assert lrs.stored_ids == [str(records[0].statement_id), str(records[2].statement_id)]
    refused = delivery(records[1])
    assert (refused.state, refused.attempts, refused.last_status) == ("dead", 1, 400)
    assert "verb.display" in refused.last_error


def test_h5p_lrs_wrong_credentials_are_tried_again_and_logged_as_an_error(
    lrs, settings, caplog, learner, h5p_lesson, h5p_activity
):
    settings.LRS_SECRET = "wrong"
    record = keep(learner, h5p_lesson, h5p_activity)
    with caplog.at_level("ERROR", logger="h5p.lrs"):
        forwarding.forward()
    waiting = delivery(record)
    assert (waiting.state, waiting.last_status) == ("pending", 401)
    assert any("LRS_KEY" in entry.getMessage() for entry in caplog.records if entry.levelname == "ERROR")
    settings.LRS_SECRET = SECRET
    due_now()
    assert forwarding.forward().sent == 1


def test_h5p_lrs_an_lrs_that_does_not_answer_never_fails_the_learners_request(
    lrs, settings, closed_port, signed_in, h5p_lesson, h5p_activity, django_capture_on_commit_callbacks
):
    settings.LRS_ENDPOINT = closed_port
    with django_capture_on_commit_callbacks(execute=True):
        response = post(signed_in, h5p_lesson, h5p_activity, statement())
    assert response.status_code == 201
    waiting = LRSDelivery.objects.get()
    assert (waiting.state, waiting.attempts, waiting.last_status) == ("pending", 1, None)
    assert "refused" in waiting.last_error.lower()


def test_h5p_lrs_a_queue_that_refuses_the_task_never_fails_the_learners_request(
    lrs, monkeypatch, signed_in, h5p_lesson, h5p_activity, django_capture_on_commit_callbacks
):
    class Away:
        name = "forward_to_lrs"

        def enqueue(self, *args, **kwargs):
            raise ConnectionError("Redis is away")

    monkeypatch.setattr(tasks, "forward_to_lrs", Away())
    with django_capture_on_commit_callbacks(execute=True):
        assert post(signed_in, h5p_lesson, h5p_activity, statement()).status_code == 201
    assert LRSDelivery.objects.get().state == "pending" and lrs.posts == []
    assert "Sent 1," in _command_output()  # cron's run sends it


def test_h5p_lrs_a_second_sender_leaves_while_the_lease_is_held(lrs, learner, h5p_lesson, h5p_activity):
    keep(learner, h5p_lesson, h5p_activity)
    LRSForwarding.objects.create(pk=1, held_by="another", held_until=timezone.now() + datetime.timedelta(minutes=1))
    run = forwarding.forward()
    assert run.busy and run.sent == 0 and lrs.posts == []
    # A sender that died: its lease runs out, and the next run takes over.
    LRSForwarding.objects.update(held_until=timezone.now() - datetime.timedelta(seconds=1))
    assert forwarding.forward().sent == 1
    assert LRSForwarding.objects.get().held_by == ""  # given back


def _command_output() -> str:
    import io

    out = io.StringIO()
    call_command("lrs_forward", stdout=out)
    return out.getvalue()


def test_h5p_lrs_forward_command_sends_what_is_due(lrs, learner, h5p_lesson, h5p_activity):
    for _ in range(2):
        keep(learner, h5p_lesson, h5p_activity)
    assert "Sent 2," in _command_output()
    assert len(lrs.stored) == 2


# --- Withdrawal of consent ---------------------------------------------------------------------


def _pupil_with_consent():
    """A pupil in a class, with consent recorded, and their teacher."""
    from schools import services as schools_services
    from schools.models import Membership, MembershipRole

    teacher = AdultFactory()
    school = schools_services.school_create(founder=teacher, name="Trường A", province="ha-noi", kind="school")
    classroom = schools_services.classroom_create(
        school=school, teacher=teacher, name="4A", grade=4, sign_in_kind="pictures"
    )
    pupil = PupilFactory()
    Membership.objects.create(user=pupil, school=school, classroom=classroom, role=MembershipRole.PUPIL)
    schools_services.consent_record(
        pupil=pupil,
        pupil_assent=True,
        guardian_consent=True,
        method="paper",
        given_on=datetime.date(2026, 11, 2),
        by=teacher,
    )
    return pupil, teacher


def _withdrawn(pupil, teacher) -> dict:
    """Withdraw the pupil's consent; the withdrawal's record."""
    from schools import services as schools_services
    from schools.models import ConsentEvent

    deleted = schools_services.consent_withdraw(pupil=pupil, by=teacher)
    assert ConsentEvent.objects.filter(pupil=pupil).first().details == deleted
    return deleted


def test_h5p_lrs_withdrawing_consent_drops_what_was_not_sent_and_records_it(lrs, h5p_lesson, h5p_activity):
    pupil, teacher = _pupil_with_consent()
    sent = keep(pupil, h5p_lesson, h5p_activity)
    forwarding.forward()
    lrs.replies = [(503, {}, "busy")]
    keep(pupil, h5p_lesson, h5p_activity)
    keep(pupil, h5p_lesson, h5p_activity)
    forwarding.forward()  # the two wait for their next attempt
    never_tried = keep(pupil, h5p_lesson, h5p_activity)  # behind them: not sent yet

    deleted = _withdrawn(pupil, teacher)
    # Dropped: the two tried (the LRS may have kept them: a 5xx) and the one never tried.
    assert (deleted["lrs_dropped"], deleted["lrs_sent"], deleted["lrs_maybe_sent"]) == (3, 1, 3)
    entry = ModelLogEntry.objects.get(action="schools.consent_withdrawn")
    assert (entry.data["lrs_dropped"], entry.data["lrs_maybe_sent"]) == (3, 3)
    assert not LRSDelivery.objects.exists()
    due_now()
    assert forwarding.forward().batches == 0
    # What the LRS already had stays there (docs/security.md: erasing it at the LRS).
    assert lrs.stored_ids == [str(sent.statement_id)] and len(lrs.posts) == 2
    assert str(never_tried.statement_id) not in {item["id"] for post in lrs.posts for item in post.statements}


def test_h5p_lrs_a_withdrawal_counts_a_statement_the_lrs_kept_without_answering(
    lrs, monkeypatch, h5p_lesson, h5p_activity
):
    """The LRS keeps the statement but its answer is lost (a timeout): the site must not record
    that nothing of the pupil's was sent."""
    pupil, teacher = _pupil_with_consent()
    post_statements = forwarding.post_statements

    def answer_lost(statements):
        post_statements(statements)
        return forwarding.Reply(status=None, error="TimeoutError: timed out")

    monkeypatch.setattr(forwarding, "post_statements", answer_lost)
    kept = keep(pupil, h5p_lesson, h5p_activity)
    assert forwarding.forward().retrying == 1
    assert lrs.stored_ids == [str(kept.statement_id)]

    deleted = _withdrawn(pupil, teacher)
    assert (deleted["lrs_dropped"], deleted["lrs_sent"], deleted["lrs_maybe_sent"]) == (1, 0, 1)


def test_h5p_lrs_a_withdrawal_while_a_batch_is_on_its_way_counts_it(lrs, monkeypatch, h5p_lesson, h5p_activity):
    """Consent is withdrawn after the batch was read, and its consent checked, while it is being
    POSTed: the record counts it, since it arrives."""
    pupil, teacher = _pupil_with_consent()
    kept = [keep(pupil, h5p_lesson, h5p_activity) for _ in range(2)]
    post_statements, records = forwarding.post_statements, []

    def withdrawn_meanwhile(statements):
        records.append(_withdrawn(pupil, teacher))
        return post_statements(statements)

    monkeypatch.setattr(forwarding, "post_statements", withdrawn_meanwhile)
    run = forwarding.forward()
    assert [len(exchange.statements) for exchange in lrs.posts] == [2]
    assert lrs.stored_ids == [str(record.statement_id) for record in kept]
    [record] = records
    assert (record["lrs_dropped"], record["lrs_sent"], record["lrs_maybe_sent"]) == (2, 0, 2)
    assert run.sent == 2 and not LRSDelivery.objects.exists()  # marking them delivered finds nothing


def test_h5p_lrs_a_batch_read_before_a_withdrawal_is_not_sent_after_it(lrs, monkeypatch, h5p_lesson, h5p_activity):
    """Consent is withdrawn after the batch was read and its consent checked, before it is sent:
    it is not sent, and the record says so."""
    pupil, teacher = _pupil_with_consent()
    keep(pupil, h5p_lesson, h5p_activity)
    exported, records = xapi.exported, []

    def withdrawn_meanwhile(*args, **kwargs):
        if not records:
            records.append(_withdrawn(pupil, teacher))
        return exported(*args, **kwargs)

    monkeypatch.setattr(xapi, "exported", withdrawn_meanwhile)
    run = forwarding.forward()
    assert lrs.posts == [] and (run.sent, run.batches, run.dropped) == (0, 0, 1)
    assert (records[0]["lrs_dropped"], records[0]["lrs_sent"], records[0]["lrs_maybe_sent"]) == (1, 0, 0)


# --- The admin's dead letters ------------------------------------------------------------------


@pytest.fixture
def dead_letters(lrs, learner, h5p_lesson, h5p_activity):
    records = [keep(learner, h5p_lesson, h5p_activity) for _ in range(2)]
    lrs.refused_ids = {str(record.statement_id) for record in records}
    forwarding.forward()
    assert LRSDelivery.objects.filter(state="dead").count() == 2
    lrs.refused_ids = set()
    return records


def _staff(*codenames):
    user = AdultFactory(role=Role.EDITOR, is_staff=True)
    group = Group.objects.create(name=f"LRS {'-'.join(codenames) or 'none'}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in codenames:
        group.permissions.add(Permission.objects.get(codename=codename, content_type__app_label="h5p"))
    user.groups.add(group)
    return user


LIST = "h5p_lrs_dead_letters"
RETRY = "h5p_lrs_retry"


def test_h5p_lrs_dead_letters_are_listed_for_those_who_may_view_them(client, dead_letters, h5p_activity):
    client.force_login(_staff("view_lrsdelivery"))
    response = client.get(reverse(LIST))
    assert response.status_code == 200
    html = response.content.decode()
    for record in dead_letters:
        assert str(record.statement_id) in html
    assert h5p_activity.title in html and "HTTP 400" in html and "verb.display" in html
    assert reverse(RETRY) not in html  # viewing is not putting back
    assert reverse(LIST) in client.get("/admin/").content.decode()  # under Reports


@pytest.mark.parametrize("who", ["visitor", "pupil", "teacher", "editor"])
def test_h5p_lrs_dead_letters_are_refused_to_whoever_may_not_view_them(client, dead_letters, who):
    if who != "visitor":
        user = {
            "pupil": lambda: PupilFactory(),
            "teacher": lambda: AdultFactory(),
            "editor": lambda: AdultFactory(role=Role.EDITOR, is_staff=True),
        }[who]()
        if who == "editor":
            user.groups.add(Group.objects.get(name="Editors"))
        client.force_login(user)
    assert client.get(reverse(LIST)).status_code in (302, 403)
    assert client.post(reverse(RETRY), {"action": "all"}).status_code in (302, 403)
    assert LRSDelivery.objects.filter(state="dead").count() == 2
    assert not ModelLogEntry.objects.filter(action="h5p.lrs_retry").exists()


def test_h5p_lrs_putting_back_needs_the_change_permission(client, dead_letters):
    client.force_login(_staff("view_lrsdelivery"))
    # Wagtail's admin answers a refusal with a redirect to the dashboard and a message.
    assert client.post(reverse(RETRY), {"action": "all"}).status_code in (302, 403)
    assert LRSDelivery.objects.filter(state="dead").count() == 2


def test_h5p_lrs_putting_back_selected_then_all_sends_them_and_is_audited(
    lrs, dead_letters, django_capture_on_commit_callbacks
):
    operator = _staff("view_lrsdelivery", "change_lrsdelivery")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(operator)
    page = browser.get(reverse(LIST))
    assert reverse(RETRY) in page.content.decode()
    chosen = delivery(dead_letters[0])
    assert browser.post(reverse(RETRY), {"action": "selected", "delivery": [chosen.pk]}).status_code == 403  # no token
    token = page.cookies["csrftoken"].value
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            reverse(RETRY), {"action": "selected", "delivery": [chosen.pk], "csrfmiddlewaretoken": token}
        )
    assert response.status_code == 302
    assert delivery(dead_letters[0]).state == "delivered"  # sent by the run queued on commit
    assert delivery(dead_letters[1]).state == "dead"
    entry = ModelLogEntry.objects.get(action="h5p.lrs_retry")
    assert entry.user_id == operator.pk and entry.data["count"] == 1
    assert entry.data["statements"] == [str(dead_letters[0].statement_id)]

    with django_capture_on_commit_callbacks(execute=True):
        browser.post(reverse(RETRY), {"action": "all", "csrfmiddlewaretoken": token})
    assert set(LRSDelivery.objects.values_list("state", flat=True)) == {"delivered"}
    assert lrs.stored_ids == [str(record.statement_id) for record in dead_letters]
    assert ModelLogEntry.objects.filter(action="h5p.lrs_retry").count() == 2


def test_h5p_lrs_dead_letter_list_pages_in_one_query_per_page(client, dead_letters, django_assert_max_num_queries):
    from h5p.selectors import lrs_dead_letters

    with django_assert_max_num_queries(1):
        rows = list(lrs_dead_letters()[:50])
        titles = [row.statement.activity.title for row in rows]
    assert len(titles) == 2
    assert uuid.UUID(str(rows[0].statement.statement_id))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_h5p_lrs_workers_at_once_send_each_statement_once_in_order(lrs, settings, monkeypatch, h5p_activity, lessons):
    """Four workers run at once while the LRS is slow to answer the first: one sends, the others
    find the lease taken and leave; every statement arrives once, in order (SQLite and PostgreSQL)."""
    from django.db import connection

    from tests.h5p.conftest import embed

    class Queue:
        name = "forward_to_lrs"

        def enqueue(self, *args, **kwargs):  # the workers below are the only senders
            pass

    monkeypatch.setattr(tasks, "forward_to_lrs", Queue())
    settings.LRS_TIMEOUT_SECONDS = 10  # a ceiling: the held answer comes as soon as the others are done
    lesson = embed(lessons[0], h5p_activity)
    learner = AdultFactory(role=Role.CAREGIVER)
    kept = [str(keep(learner, lesson, h5p_activity).statement_id) for _ in range(3)]

    entered, answer = threading.Event(), threading.Event()
    lrs.before_answer = lambda: (entered.set(), answer.wait(timeout=10))
    workers = 4
    barrier = threading.Barrier(workers)
    finished = threading.Condition()
    runs, errors = [], []

    def work():
        try:
            barrier.wait(timeout=10)
            run = forwarding.forward()
            with finished:
                runs.append(run)
                finished.notify_all()
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    assert entered.wait(timeout=10)
    with finished:  # every other worker has come and gone while the first waits for its answer
        assert finished.wait_for(lambda: len(runs) == workers - 1, timeout=10)
    answer.set()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(run.sent for run in runs) == [0, 0, 0, 3]
    assert sum(run.busy for run in runs) == workers - 1
    assert len(lrs.posts) == 1 and lrs.stored_ids == kept
    assert set(LRSDelivery.objects.values_list("state", flat=True)) == {"delivered"}
