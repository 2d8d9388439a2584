"""Work done offline, sent later: the pupil's offline pass, and /<lang>/offline/send/, which records
each kind of queued item (a finished lesson, a quiz, an H5P statement) for the pupil its signature
names, at the time it was done, once, whoever's cookies come with it."""

import json
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import credentials
from accounts.models import CredentialKind, User
from accounts.offline import pass_issue
from h5p.models import H5PResult, H5PStatement
from progress.models import StepRecord
from quizzes import services as quiz_services
from quizzes.demo import load_quizzes
from quizzes.models import Phase, QuizAttempt, QuizPage
from quizzes.sent import TOKEN_SALT, sign_token
from tests.conftest import FIXTURE_MODULE
from tests.factories import AdultFactory, PupilFactory
from tests.h5p.conftest import embed
from tests.h5p.test_h5p_results import statement
from tests.quizzes.conftest import form, right_answers, token_of
from tests.quizzes.test_services import answers as graded_answers

SEND = "/vi/offline/send/"


@pytest.fixture(autouse=True)
def fresh_h5p_storage(h5p_storage):
    """Each test its own H5P storage folder (tests/conftest.py)."""


@pytest.fixture
def quiz(course, home_page):
    load_quizzes(home_page, [FIXTURE_MODULE])
    return QuizPage.objects.get(slug="kiem-tra-nhanh")


@pytest.fixture
def activity(db):
    from h5p import packages
    from h5p import services as h5p_services
    from h5p.models import H5PActivity
    from tests.h5p.builders import valid_package

    checked = packages.check_bytes(valid_package())
    return h5p_services.activity_save(activity=H5PActivity(title="Spot the risk"), package=checked, filename="t.h5p")


@pytest.fixture
def pupil(db):
    return PupilFactory(learning_data_consent=True)


@contextmanager
def days_ago(days: float):
    """Sign things as if it were `days` ago (Django's signing reads time.time; a quiz form's token
    also says when it was drawn, from timezone.now)."""
    then = time.time() - days * 86400
    with (
        mock.patch("time.time", return_value=then),
        mock.patch("django.utils.timezone.now", return_value=timezone.now() - timedelta(days=days)),
    ):
        yield


def send(item: dict, client: Client | None = None):
    """Sent as the device sends it: JSON, no cookies (a fresh client) unless `client` is given."""
    return (client or Client()).post(SEND, json.dumps(item, default=str), content_type="application/json")


def finish(lesson, pass_: str, at=None, key=None) -> dict:
    at = at or timezone.now()
    return {"kind": "finish", "key": str(key or uuid.uuid4()), "pass": pass_, "page": lesson.pk, "at": at.isoformat()}


def quiz_item(quiz, token: str, at=None, key=None, answers=None, pass_=None) -> dict:
    """The quiz form's fields (every answer right unless `answers`), with the pass of the pupil
    its token names unless `pass_`."""
    fields = []
    for name, value in form(quiz, {"token": token, **(answers or right_answers(quiz))}).items():
        fields.extend([name, v] for v in (value if isinstance(value, list) else [value]))
    at = at or timezone.now()
    if pass_ is None:
        pass_ = pass_issue(user=User.objects.get(pk=signing.loads(token, salt=TOKEN_SALT)["user"]))
    return {
        "kind": "quiz",
        "key": str(key or uuid.uuid4()),
        "pass": pass_,
        "page": quiz.pk,
        "fields": fields,
        "at": at.isoformat(),
    }


def one_wrong(quiz) -> dict:
    """Right answers but one: the true/false question answered "true"."""
    answers = right_answers(quiz)
    return {name: "true" if value == "false" else value for name, value in answers.items()}


def h5p_item(lesson, activity, pass_: str, at=None, **shape) -> dict:
    data = statement(raw=3, maximum=4, **shape)
    at = at or timezone.now()
    return {
        "kind": "h5p",
        "key": data["id"],
        "pass": pass_,
        "page": lesson.pk,
        "activity": activity.pk,
        "statement": data,
        "at": at.isoformat(),
    }


def quiz_token(client, quiz, pupil) -> str:
    """The token of the quiz page the pupil's device saved."""
    client.force_login(pupil)
    return token_of(client.get(quiz.url).content.decode())


# --- The pass ---------------------------------------------------------------------------------


def test_a_signed_in_pupil_gets_their_pass_privately(client, pupil):
    client.force_login(pupil)
    response = client.get(reverse("offline_pass"))
    assert response.status_code == 200
    body = response.json()
    assert body["learner"] == pupil.pk and body["name"] == pupil.display_name and body["stores"] is True
    assert body["pass"] and datetime.fromisoformat(body["expires"]) > timezone.now()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_pass_is_for_pupils_only(client, db):
    assert client.get(reverse("offline_pass")).status_code == 403  # a visitor
    client.force_login(AdultFactory())
    assert client.get(reverse("offline_pass")).status_code == 404  # adults do not work offline


# --- Each kind, recorded with the time it was done --------------------------------------------


def test_a_lesson_finished_offline_is_recorded_at_the_time_it_was_pressed(lessons, pupil):
    with days_ago(2):
        pass_ = pass_issue(user=pupil)
    pressed = timezone.now() - timedelta(days=1)
    response = send(finish(lessons[0], pass_, at=pressed))
    assert response.status_code == 201 and response.json()["status"] == "recorded"
    assert lessons[0].title in response.json()["message"]
    assert StepRecord.objects.get(learner=pupil).completed_at == pressed


def test_a_quiz_answered_offline_is_graded_and_recorded_at_the_time_it_was_answered(quiz, pupil):
    key = uuid.uuid4().hex
    with days_ago(3):
        token = sign_token(user_pk=pupil.pk, quiz=quiz, key=key)
    answered = timezone.now() - timedelta(days=2)
    response = send(quiz_item(quiz, token, at=answered))
    assert response.status_code == 201
    attempt = QuizAttempt.objects.get(learner=pupil)
    assert attempt.submitted_at == answered and attempt.passed and attempt.percent == 100
    assert StepRecord.objects.get(learner=pupil).completed_at == answered
    result = Client()
    result.force_login(pupil)
    assert "6 / 6" in result.get(response.json()["url"]).content.decode()  # the link to the result


def test_an_h5p_statement_made_offline_is_recorded_at_the_time_it_was_made(lessons, activity, pupil):
    lesson = embed(lessons[0], activity)
    with days_ago(2):
        pass_ = pass_issue(user=pupil)
    made = timezone.now() - timedelta(hours=30)
    response = send(h5p_item(lesson, activity, pass_, at=made))
    assert response.status_code == 201
    kept = H5PStatement.objects.get(learner=pupil)
    assert kept.statement["timestamp"] == made.isoformat()
    result = H5PResult.objects.get(learner=pupil)
    assert result.completed_at == made and result.best_percent == 75


def test_the_time_of_an_item_is_kept_between_its_signing_and_now(lessons, pupil):
    with days_ago(1):
        pass_ = pass_issue(user=pupil)
    send(finish(lessons[0], pass_, at=timezone.now() - timedelta(days=30)))  # a clock far behind
    send(finish(lessons[1], pass_, at=timezone.now() + timedelta(days=30)))  # a clock far ahead
    before, ahead = (StepRecord.objects.get(learner=pupil, page=lesson).completed_at for lesson in lessons[:2])
    assert abs(before - (timezone.now() - timedelta(days=1))) < timedelta(minutes=1)
    assert ahead <= timezone.now()


# --- Once, for the pupil it names only ---------------------------------------------------------


def test_the_same_item_sent_again_records_once(lessons, activity, quiz, pupil):
    lesson = embed(lessons[0], activity)
    pass_ = pass_issue(user=pupil)
    items = [
        finish(lesson, pass_),
        quiz_item(quiz, quiz_token(Client(), quiz, pupil)),
        h5p_item(lesson, activity, pass_),
    ]
    for item in items:
        first, again = send(item), send(item)
        assert (first.status_code, again.status_code) == (201, 200)
        assert again.json()["status"] == "replay" and again.json()["message"] == first.json()["message"]
        assert again.json().get("url") == first.json().get("url")
    assert StepRecord.objects.filter(learner=pupil, completed_at__isnull=False).count() == 2  # the lesson, the quiz
    assert QuizAttempt.objects.filter(learner=pupil).count() == 1
    assert H5PStatement.objects.filter(learner=pupil).count() == 1
    assert H5PResult.objects.get(learner=pupil).attempts == 1


def test_other_answers_under_a_key_already_sent_are_refused_not_lost(quiz, pupil):
    """One saved copy of the quiz answered twice offline: the second answers are not those of the
    attempt its key made, so the pupil is told to answer a fresh copy (a replay would lose them)."""
    token = quiz_token(Client(), quiz, pupil)
    first = quiz_item(quiz, token)
    assert send(first).status_code == 201
    response = send(quiz_item(quiz, token, answers=one_wrong(quiz)))
    assert response.status_code == 409 and response.json()["status"] == "refused"
    assert any(words in response.json()["message"] for words in ("Open the quiz again", "mở lại bài kiểm tra"))
    assert send({**first, "key": str(uuid.uuid4())}).status_code == 200  # the same answers: a replay
    attempt = QuizAttempt.objects.get(learner=pupil)
    assert attempt.percent == 100


def test_a_saved_quiz_whose_key_the_next_online_attempt_took_is_refused(quiz, pupil):
    token = quiz_token(Client(), quiz, pupil)
    saved = quiz_item(quiz, token, answers=one_wrong(quiz))  # kept on the device, not yet sent
    key = signing.loads(token, salt=TOKEN_SALT)["key"]  # then answered online (the page's key)
    quiz_services.attempt_submit(learner=pupil, quiz=quiz, submission_key=uuid.UUID(key), answers=graded_answers(quiz))
    assert send(saved).status_code == 409
    assert QuizAttempt.objects.filter(learner=pupil).count() == 1


def test_a_lesson_whose_required_activity_could_not_play_offline_can_be_finished(lessons, activity, pupil):
    lesson = embed(lessons[0], activity, required=True)
    pass_ = pass_issue(user=pupil)
    refused = send(finish(lesson, pass_))
    assert refused.status_code == 409 and activity.title in refused.json()["message"]
    assert send({**finish(lesson, pass_), "skipped": [str(activity.pk)]}).status_code == 201
    assert StepRecord.objects.get(learner=pupil, page=lesson).completed_at is not None
    # "all": the device's player could play nothing (as the form's h5p_skipped without JavaScript).
    other = embed(lessons[1], activity, required=True)
    assert send({**finish(other, pass_), "skipped": ["all"]}).status_code == 201


def test_a_finish_whose_answer_was_lost_is_a_replay_whatever_its_activities(lessons, activity, pupil):
    lesson = embed(lessons[0], activity, required=True)
    pass_ = pass_issue(user=pupil)
    item = {**finish(lesson, pass_), "skipped": ["all"]}
    assert send(item).status_code == 201
    # Sent again without the report (another item, the same lesson): already finished, not refused.
    again = send({**finish(lesson, pass_)})
    assert again.status_code == 200 and again.json()["status"] == "replay"
    assert send(item).status_code == 200


@pytest.mark.parametrize("skipped", ["all", ["x"], ["-1"], ["1.5"], [3], ["²"], ["1"] * 51])
def test_a_finish_with_a_malformed_skipped_list_is_refused(lessons, pupil, skipped):
    response = send({**finish(lessons[0], pass_issue(user=pupil)), "skipped": skipped})
    assert response.status_code == 400 and not StepRecord.objects.exists()


def test_an_item_whose_session_ended_is_still_accepted_once(client, lessons, pupil):
    client.force_login(pupil)
    pass_ = client.get(reverse("offline_pass")).json()["pass"]
    client.post(reverse("account_logout"))
    item = finish(lessons[0], pass_)
    assert send(item, client).status_code == 201  # the signed-out browser, its cookies gone stale
    assert send(item).status_code == 200  # and with no cookies at all: nothing more
    assert StepRecord.objects.filter(learner=pupil).count() == 1


def test_a_quiz_token_of_one_pupil_never_records_for_another(quiz, pupil):
    other = PupilFactory(learning_data_consent=True)
    token = quiz_token(Client(), quiz, pupil)
    with_others_session = Client()
    with_others_session.force_login(other)
    # Sent with the other pupil's session: recorded for the pupil the token names.
    assert send(quiz_item(quiz, token), with_others_session).status_code == 201
    assert QuizAttempt.objects.filter(learner=pupil).count() == 1
    # With the other pupil's pass: refused.
    response = send({**quiz_item(quiz, quiz_token(Client(), quiz, pupil)), "pass": pass_issue(user=other)})
    assert response.status_code == 403 and response.json()["status"] == "refused"
    assert not QuizAttempt.objects.filter(learner=other).exists()
    assert QuizAttempt.objects.filter(learner=pupil).count() == 1


def test_a_quiz_item_needs_its_pupils_pass(quiz, pupil):
    item = quiz_item(quiz, quiz_token(Client(), quiz, pupil))
    without = {key: value for key, value in item.items() if key != "pass"}
    assert send(without).status_code == 400
    assert send({**item, "pass": "not-a-pass"}).status_code == 403
    assert not QuizAttempt.objects.exists()
    assert send(item).status_code == 201


def test_a_quiz_saved_before_the_pupils_pin_was_reset_is_refused(quiz, pupil):
    """The pass binds a saved quiz form to the pupil's credential: a new card voids both."""
    credentials.issue(user=pupil, kind=CredentialKind.PICTURES)
    item = quiz_item(quiz, quiz_token(Client(), quiz, pupil))
    credentials.issue(user=pupil, kind=CredentialKind.PIN)
    pupil.refresh_from_db()
    response = send(item)
    assert response.status_code == 403 and "PIN" in response.json()["message"]
    assert not QuizAttempt.objects.exists()


def test_a_pass_names_its_pupil_only(lessons, pupil):
    other = PupilFactory(learning_data_consent=True)
    with_others_session = Client()
    with_others_session.force_login(other)
    assert send(finish(lessons[0], pass_issue(user=pupil)), with_others_session).status_code == 201
    assert StepRecord.objects.filter(learner=pupil).exists() and not StepRecord.objects.filter(learner=other).exists()


@pytest.mark.parametrize(
    "forged",
    [
        "not-a-pass",
        # The same pupil's id and fingerprint, signed with another salt (a quiz form's, say).
        "other-salt",
    ],
)
def test_a_forged_pass_is_refused(lessons, pupil, forged):
    from django.core import signing

    if forged == "other-salt":
        forged = signing.dumps({"learner": pupil.pk, "credential": pupil.get_session_auth_hash()[:16]}, salt="x")
    response = send(finish(lessons[0], forged))
    assert response.status_code == 403 and not StepRecord.objects.exists()


def test_a_pass_issued_before_the_pupils_pin_was_reset_is_refused(lessons, pupil):
    credentials.issue(user=pupil, kind=CredentialKind.PICTURES)
    before = pass_issue(user=pupil)
    credentials.issue(user=pupil, kind=CredentialKind.PIN)  # the teacher gives a new card
    pupil.refresh_from_db()
    response = send(finish(lessons[0], before))
    assert response.status_code == 403 and "PIN" in response.json()["message"]
    assert send(finish(lessons[0], pass_issue(user=pupil))).status_code == 201


def test_an_expired_pass_or_quiz_token_is_refused(settings, lessons, quiz, pupil):
    with days_ago(settings.OFFLINE_PASS_DAYS + 1):
        pass_ = pass_issue(user=pupil)
        token = sign_token(user_pk=pupil.pk, quiz=quiz, key=uuid.uuid4().hex)
    for item in (finish(lessons[0], pass_), quiz_item(quiz, token)):
        response = send(item)
        assert response.status_code == 403
        assert str(settings.OFFLINE_PASS_DAYS) in response.json()["message"]
    assert not StepRecord.objects.exists() and not QuizAttempt.objects.exists()


def test_a_quiz_token_older_than_a_day_is_still_accepted_offline(quiz, pupil):
    with days_ago(2):  # the page's form takes a day at most; a saved one, OFFLINE_PASS_DAYS
        token = sign_token(user_pk=pupil.pk, quiz=quiz, key=uuid.uuid4().hex)
    assert send(quiz_item(quiz, token)).status_code == 201


# --- Refusals and what is not kept --------------------------------------------------------------


def test_without_family_consent_nothing_is_kept(lessons, activity, quiz):
    pupil = PupilFactory()
    lesson = embed(lessons[0], activity)
    pass_ = pass_issue(user=pupil)
    items = [
        finish(lesson, pass_),
        quiz_item(quiz, quiz_token(Client(), quiz, pupil)),
        h5p_item(lesson, activity, pass_),
    ]
    for item in items:
        response = send(item)
        assert response.status_code == 202 and response.json()["status"] == "not-stored"
        assert "consent" in response.json()["message"] or "đồng ý" in response.json()["message"]
    assert not StepRecord.objects.exists() and not QuizAttempt.objects.exists() and not H5PStatement.objects.exists()


def test_a_quiz_whose_attempts_are_used_up_is_refused(quiz, pupil):
    quiz.attempts_allowed = 1
    quiz.save_revision().publish()
    quiz_services.attempt_submit(learner=pupil, quiz=quiz, submission_key=uuid.uuid4(), answers=graded_answers(quiz))
    token = sign_token(user_pk=pupil.pk, quiz=quiz, key=uuid.uuid4().hex)
    response = send(quiz_item(quiz, token))
    assert response.status_code == 409 and response.json()["status"] == "refused"
    assert QuizAttempt.objects.filter(learner=pupil).count() == 1


def test_a_quiz_for_another_page_is_refused(quiz, lessons, pupil):
    token = quiz_token(Client(), quiz, pupil)
    assert send({**quiz_item(quiz, token), "page": lessons[0].pk}).status_code == 404
    assert send({**quiz_item(quiz, token), "page": 999999}).status_code == 404


def test_a_quiz_changed_since_it_was_saved_is_refused(quiz, pupil):
    item = quiz_item(quiz, quiz_token(Client(), quiz, pupil))
    data = quiz.questions.raw_data
    del data[-1]  # an editor removes a question after the device saved the quiz
    quiz.questions = data
    quiz.save_revision().publish()
    response = send(item)
    assert (response.status_code == 409 and "thay đổi" in response.json()["message"]) or response.json()["message"]
    assert not QuizAttempt.objects.exists()


def test_a_saved_check_before_the_lessons_is_refused_once_the_quiz_no_longer_offers_it(quiz, pupil):
    token = sign_token(user_pk=pupil.pk, quiz=quiz, key=uuid.uuid4().hex, phase=Phase.BEFORE)
    item = quiz_item(quiz, token)
    quiz.offers_precheck = False  # the editor turns the check off after the device saved it
    quiz.save_revision().publish()
    response = send(item)
    assert response.status_code == 404 and response.json()["status"] == "refused"
    assert not QuizAttempt.objects.exists()


def test_an_offline_h5p_statement_obeys_the_size_limit(settings, lessons, activity, pupil):
    settings.H5P_STATEMENT_MAX_BYTES = 2000
    lesson = embed(lessons[0], activity)
    item = h5p_item(lesson, activity, pass_issue(user=pupil))
    item["statement"]["result"]["response"] = "x" * 3000
    response = send(item)
    assert response.status_code == 400 and activity.title in response.json()["message"]
    assert not H5PStatement.objects.exists()


@pytest.mark.parametrize("field", ["page", "activity"])
@pytest.mark.parametrize("value", [10**30, 2**31, 0, -1])
def test_an_id_out_of_range_is_refused(lessons, activity, pupil, field, value):
    lesson = embed(lessons[0], activity)
    response = send({**h5p_item(lesson, activity, pass_issue(user=pupil)), field: value})
    assert response.status_code == 400 and response.json()["status"] == "refused"
    assert not H5PStatement.objects.exists()


def test_a_lesson_gone_is_refused(lessons, pupil):
    pass_ = pass_issue(user=pupil)
    lessons[0].unpublish()
    assert send(finish(lessons[0], pass_)).status_code == 404


def test_an_h5p_statement_whose_id_is_not_the_key_is_refused(lessons, activity, pupil):
    lesson = embed(lessons[0], activity)
    item = h5p_item(lesson, activity, pass_issue(user=pupil))
    assert send({**item, "key": str(uuid.uuid4())}).status_code == 400
    assert send({**item, "activity": activity.pk + 1}).status_code == 404
    assert not H5PStatement.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda item: "not json",
        lambda item: {**item, "kind": "delete"},
        lambda item: {**item, "key": "not-a-uuid"},
        lambda item: {**item, "page": str(item["page"])},
        lambda item: {**item, "at": "yesterday"},
        lambda item: {**item, "at": "2026-01-01T10:00:00"},  # no offset: which time?
        lambda item: {key: value for key, value in item.items() if key != "pass"},
        lambda item: [item],
    ],
)
def test_a_malformed_item_is_refused(lessons, pupil, change):
    item = change(finish(lessons[0], pass_issue(user=pupil)))
    body = item if isinstance(item, str) else json.dumps(item)
    response = Client().post(SEND, body, content_type="application/json")
    assert response.status_code == 400 and response.json()["status"] == "refused" and response.json()["message"]
    assert not StepRecord.objects.exists()


def test_a_malformed_quiz_item_is_refused(quiz, pupil):
    item = quiz_item(quiz, quiz_token(Client(), quiz, pupil))
    for fields in ({"token": "x"}, [["token"]], [["token", 3]], []):
        assert send({**item, "fields": fields}).status_code == 400
    assert not QuizAttempt.objects.exists()


def test_too_many_items_in_a_minute_wait(monkeypatch, lessons, pupil):
    from elearning.views import offline

    monkeypatch.setattr(offline, "SENDS_PER_MINUTE", 1)
    pass_ = pass_issue(user=pupil)
    assert send(finish(lessons[0], pass_)).status_code == 201
    response = send(finish(lessons[1], pass_))
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert StepRecord.objects.filter(learner=pupil).count() == 1  # the device keeps it for later


def test_the_endpoint_takes_only_posts(client):
    assert client.get(SEND).status_code == 405


# --- Replayed twice, concurrently (SQLite and PostgreSQL) ---------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_kind_of_item_replayed_twice_at_once_records_once(home_page):
    """A device that sends its queue from two tabs (or Background Sync and a page load) at the
    same moment: each item arrives twice at once. Each records once: one 201 and one 200."""
    from courses.demo import load_curriculum
    from courses.models import CoursePage, LessonPage
    from h5p import packages
    from h5p import services as h5p_services
    from h5p.models import H5PActivity
    from tests.h5p.builders import valid_package

    load_curriculum(home_page, [FIXTURE_MODULE])
    load_quizzes(home_page, [FIXTURE_MODULE])
    course = CoursePage.objects.get(slug="bi-mat-va-em")
    lessons = list(LessonPage.objects.child_of(course).order_by("path"))
    quiz = QuizPage.objects.get(slug="kiem-tra-nhanh")
    checked = packages.check_bytes(valid_package())
    activity = h5p_services.activity_save(
        activity=H5PActivity(title="Spot the risk"), package=checked, filename="t.h5p"
    )
    lesson = embed(lessons[0], activity)
    pupil = PupilFactory(learning_data_consent=True)
    pass_ = pass_issue(user=pupil)
    items = [
        finish(lesson, pass_),
        finish(lessons[1], pass_),
        quiz_item(quiz, quiz_token(Client(), quiz, pupil)),
        h5p_item(lesson, activity, pass_),
    ]
    sent = [item for item in items for _twice in range(2)]
    barrier, statuses, errors = threading.Barrier(len(sent)), {}, []

    def run(number, item):
        try:
            client = Client()
            barrier.wait(timeout=30)
            statuses[number] = send(item, client).status_code
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(number, item)) for number, item in enumerate(sent)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for number in range(len(items)):
        assert sorted([statuses[2 * number], statuses[2 * number + 1]]) == [200, 201]
    assert StepRecord.objects.filter(learner=pupil, completed_at__isnull=False).count() == 3
    assert QuizAttempt.objects.filter(learner=pupil).count() == 1
    assert H5PStatement.objects.filter(learner=pupil).count() == 1
    assert H5PResult.objects.get(learner=pupil).attempts == 1
