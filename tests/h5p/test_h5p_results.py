"""What the H5P player reports: xAPI statements posted with the page's CSRF token, kept once,
for the learner of the session only, and summed up in one H5PResult per learner and activity."""

import json
import re
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from h5p import services
from h5p.models import H5PResult, H5PState, H5PStatement
from tests.factories import AdultFactory, PupilFactory
from tests.h5p.conftest import embed

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"


def statement(*, raw=3, maximum=4, verb="answered", sub=False, actor=None, statement_id=None, completion=True):
    data = {
        "id": str(statement_id or uuid.uuid4()),
        "actor": actor or {"name": "learner", "mbox": "mailto:learner@invalid"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
        "object": {
            "id": "http://testserver/h5p/activity",
            "definition": {"extensions": {"http://h5p.org/x-api/h5p-local-content-id": "a1-p1"}},
        },
        "result": {"score": {"min": 0, "raw": raw, "max": maximum, "scaled": raw / maximum}, "completion": completion},
    }
    if sub:
        data["object"]["definition"]["extensions"]["http://h5p.org/x-api/h5p-subContentId"] = str(uuid.uuid4())
        data["context"] = {"contextActivities": {"parent": [{"id": "http://testserver/h5p/activity"}]}}
    return data


def url(lesson, activity, what="statements"):
    name = {"statements": "h5p_statement", "state": "h5p_state", "player": "h5p_player"}[what]
    return reverse(name, kwargs={"page_id": lesson.pk, "activity_id": activity.pk})


def player_of(client, lesson, activity) -> str:
    """The player's own document, as the lesson's frame loads it."""
    lesson_html = client.get(lesson.url).content.decode()
    assert f'src="{url(lesson, activity, "player")}"' in lesson_html
    response = client.get(url(lesson, activity, "player"))
    assert response.status_code == 200
    return response.content.decode()


def config_of(html: str) -> dict:
    found = re.search(r'<script id="h5p-player-config" type="application/json">(.*?)</script>', html)
    return json.loads(found.group(1))


def post(client, lesson, activity, data, **extra):
    body = data if isinstance(data, (str, bytes)) else json.dumps(data)
    return client.post(url(lesson, activity), body, content_type="application/json", **extra)


def test_h5p_statement_is_kept_and_scores_the_activity(signed_in, learner, h5p_lesson, h5p_activity):
    response = post(signed_in, h5p_lesson, h5p_activity, statement(raw=3, maximum=4))
    assert response.status_code == 201
    assert response.json()["result"] == {
        "best_percent": 75.0,
        "completed": True,
        "attempts": 1,
        "client_reported": True,
    }
    result = H5PResult.objects.get(learner=learner, activity=h5p_activity)
    assert (result.best_score, result.max_score, result.attempts, result.client_reported) == (3, 4, 1, True)
    kept = H5PStatement.objects.get(learner=learner)
    assert kept.verb == ANSWERED and kept.top_level and kept.page_id == h5p_lesson.pk
    assert "actor" not in kept.statement


def test_h5p_statement_without_csrf_token_is_refused(learner, h5p_lesson, h5p_activity):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = post(client, h5p_lesson, h5p_activity, statement())
    assert response.status_code == 403
    assert not H5PStatement.objects.exists()


def test_h5p_statement_with_the_pages_csrf_token_is_accepted(learner, h5p_lesson, h5p_activity):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    page = player_of(client, h5p_lesson, h5p_activity)
    token = re.search(r'data-h5p-csrf-token="([^"]+)"', page).group(1)
    response = post(client, h5p_lesson, h5p_activity, statement(), HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_h5p_statement_from_a_visitor_is_refused(client, h5p_lesson, h5p_activity):
    response = post(client, h5p_lesson, h5p_activity, statement())
    assert response.status_code == 403
    assert not H5PStatement.objects.exists()


def test_h5p_another_learners_id_in_the_statement_is_ignored(signed_in, learner, h5p_lesson, h5p_activity):
    other = AdultFactory(role=Role.CAREGIVER)
    actor = {"name": other.display_name, "mbox": f"mailto:{other.email}", "account": {"name": str(other.pk)}}
    assert post(signed_in, h5p_lesson, h5p_activity, statement(actor=actor)).status_code == 201
    assert H5PResult.objects.get().learner == learner
    assert not H5PResult.objects.filter(learner=other).exists()


def test_h5p_replayed_statement_is_ignored(signed_in, learner, h5p_lesson, h5p_activity):
    sent = statement(raw=2, maximum=4)
    assert post(signed_in, h5p_lesson, h5p_activity, sent).status_code == 201
    replay = post(signed_in, h5p_lesson, h5p_activity, sent)
    assert replay.status_code == 200 and replay.json()["replay"] is True
    assert H5PStatement.objects.count() == 1
    assert H5PResult.objects.get().attempts == 1


@pytest.mark.parametrize(
    "score",
    [
        {"raw": 5, "max": 4},
        {"raw": 1, "max": 0},
        {"raw": "4", "max": 4},
        {"raw": True, "max": 4},
    ],
)
def test_h5p_score_out_of_range_is_refused(signed_in, h5p_lesson, h5p_activity, score):
    sent = statement()
    sent["result"]["score"] = score
    response = post(signed_in, h5p_lesson, h5p_activity, sent)
    assert response.status_code == 400
    assert response.json()["error"].startswith("Bản ghi bị từ chối")
    assert not H5PStatement.objects.exists() and not H5PResult.objects.exists()


@pytest.mark.parametrize(
    "broken",
    [
        "[]",
        "{not json",
        json.dumps({**statement(), "id": "not-a-uuid"}),
        json.dumps({key: value for key, value in statement().items() if key != "verb"}),
        json.dumps({key: value for key, value in statement().items() if key != "object"}),
    ],
)
def test_h5p_malformed_statement_is_refused(signed_in, h5p_lesson, h5p_activity, broken):
    assert post(signed_in, h5p_lesson, h5p_activity, broken).status_code == 400
    assert not H5PStatement.objects.exists()


def test_h5p_oversized_statement_is_refused(signed_in, h5p_lesson, h5p_activity, settings):
    settings.H5P_STATEMENT_MAX_BYTES = 2000
    sent = statement()
    sent["result"]["response"] = "x" * 3000
    assert post(signed_in, h5p_lesson, h5p_activity, sent).status_code == 413
    assert not H5PStatement.objects.exists()


def test_h5p_sub_content_statement_is_kept_but_is_not_an_attempt(signed_in, learner, h5p_lesson, h5p_activity):
    assert post(signed_in, h5p_lesson, h5p_activity, statement(sub=True)).status_code == 201
    assert H5PStatement.objects.get().top_level is False
    assert not H5PResult.objects.exists()


def test_h5p_best_score_is_kept_and_attempts_counted(signed_in, learner, h5p_lesson, h5p_activity):
    for raw in (3, 1, 4, 2):
        post(signed_in, h5p_lesson, h5p_activity, statement(raw=raw, maximum=4))
    result = H5PResult.objects.get()
    assert (result.best_score, result.best_percent, result.attempts) == (4, 100.0, 4)


def test_h5p_activity_not_on_the_page_is_not_found(signed_in, lessons, h5p_lesson, h5p_activity):
    other_lesson = lessons[1]
    assert post(signed_in, other_lesson, h5p_activity, statement()).status_code == 404


def test_h5p_unpublished_page_is_not_found(signed_in, h5p_lesson, h5p_activity):
    h5p_lesson.unpublish()
    assert post(signed_in, h5p_lesson, h5p_activity, statement()).status_code == 404


def test_h5p_pupil_without_consent_stores_nothing(client, h5p_lesson, h5p_activity):
    client.force_login(PupilFactory(learning_data_consent=False))
    response = post(client, h5p_lesson, h5p_activity, statement())
    assert response.status_code == 202 and response.json() == {"stored": False}
    assert not H5PStatement.objects.exists() and not H5PResult.objects.exists()


def test_h5p_pupil_with_consent_is_recorded(client, h5p_lesson, h5p_activity):
    pupil = PupilFactory(learning_data_consent=True)
    client.force_login(pupil)
    assert post(client, h5p_lesson, h5p_activity, statement()).status_code == 201
    assert H5PResult.objects.get().learner == pupil


def test_h5p_in_an_adult_course_is_refused_to_a_pupil(client, course, h5p_lesson, h5p_activity):
    from courses.models import Audience, CoursePage

    CoursePage.objects.filter(pk=course.pk).update(audience=Audience.FRONTLINE, age_band="")
    client.force_login(PupilFactory(learning_data_consent=True))
    assert post(client, h5p_lesson, h5p_activity, statement()).status_code == 403
    assert not H5PStatement.objects.exists()


def test_h5p_state_is_saved_and_restored_in_the_player(signed_in, learner, h5p_lesson, h5p_activity):
    state_url = url(h5p_lesson, h5p_activity, "state")
    saved = json.dumps({"selected": [0, 2], "checked": False})
    response = signed_in.post(state_url, {"data": saved, "preload": "1", "invalidate": "0"})
    assert response.json() == {"success": True}
    assert signed_in.get(state_url).json() == {"success": True, "data": saved}
    config = config_of(player_of(signed_in, h5p_lesson, h5p_activity))
    assert config["options"]["contentUserData"] == [{"state": saved}]
    assert config["options"]["ajax"]["contentUserDataUrl"] == state_url
    assert signed_in.post(state_url, {"data": "0"}).json() == {"success": True}
    assert not H5PState.objects.exists()


def test_h5p_state_that_is_not_json_is_refused(signed_in, h5p_lesson, h5p_activity):
    response = signed_in.post(url(h5p_lesson, h5p_activity, "state"), {"data": "{nope"})
    assert response.status_code == 400 and not H5PState.objects.exists()


def test_h5p_lesson_gives_a_visitor_the_player_without_reporting(client, h5p_lesson, h5p_activity):
    page = player_of(client, h5p_lesson, h5p_activity)
    assert "data-h5p-player" in page and "h5p-standalone/main.bundle.js" in page
    config = config_of(page)
    assert config["report"] == {} and "ajax" not in config["options"]


def test_h5p_activity_whose_files_are_gone_shows_unavailable(client, h5p_lesson, h5p_activity):
    from h5p import packages

    packages.remove(h5p_activity.package_sha256)
    page = client.get(h5p_lesson.url)
    assert page.status_code == 200
    assert "This activity is unavailable" in page.content.decode() or "không dùng được" in page.content.decode()
    assert "data-activity-frame" not in page.content.decode()


def test_h5p_required_activity_gates_finishing_the_lesson(client, lessons, h5p_activity):
    lesson = embed(lessons[0], h5p_activity, required=True, pass_mark_percent=75)
    learner = PupilFactory(learning_data_consent=True)
    client.force_login(learner)
    response = client.post(lesson.url, follow=True)
    assert "Spot the risk" in response.content.decode()
    from progress.selectors import step_is_complete

    assert not step_is_complete(learner=learner, page=lesson)
    post(client, lesson, h5p_activity, statement(raw=2, maximum=4))  # 50 %: below the pass mark
    client.post(lesson.url)
    assert not step_is_complete(learner=learner, page=lesson)
    post(client, lesson, h5p_activity, statement(raw=3, maximum=4))
    client.post(lesson.url)
    assert step_is_complete(learner=learner, page=lesson)


def test_h5p_required_activity_that_cannot_be_played_does_not_block(client, lessons, h5p_activity):
    from h5p import packages
    from progress.selectors import step_is_complete

    lesson = embed(lessons[0], h5p_activity, required=True)
    packages.remove(h5p_activity.package_sha256)
    learner = PupilFactory(learning_data_consent=True)
    client.force_login(learner)
    client.post(lesson.url)
    assert step_is_complete(learner=learner, page=lesson)


def test_h5p_statement_made_earlier_keeps_the_time_it_was_made(learner, h5p_lesson, h5p_activity):
    """A statement made offline and sent later (h5p.offline): its timestamp and the activity's
    completion are the time it was made."""
    from datetime import timedelta

    from django.utils import timezone

    made = timezone.now() - timedelta(hours=3)
    services.statement_record(
        learner=learner,
        activity=h5p_activity,
        page=h5p_lesson,
        statement=services.statement_read(statement(raw=4, maximum=4)),
        answered_at=made,
    )
    assert H5PStatement.objects.get(learner=learner).statement["timestamp"] == made.isoformat()
    assert H5PResult.objects.get(learner=learner).completed_at == made


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_h5p_concurrent_statements_lose_no_update(h5p_activity, lessons):
    """Statements of one learner arriving at once (several tabs, retries): every attempt is
    counted and the best score wins, on SQLite and on PostgreSQL."""
    lesson = embed(lessons[0], h5p_activity)
    learner = AdultFactory(role=Role.CAREGIVER)
    scores = [1, 4, 2, 3, 2, 1, 3, 2]
    errors = []
    barrier = threading.Barrier(len(scores))

    def send(raw):
        try:
            barrier.wait(timeout=10)
            services.statement_record(
                learner=learner,
                activity=h5p_activity,
                page=lesson,
                statement=services.statement_read(statement(raw=raw, maximum=4)),
            )
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(raw,)) for raw in scores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = H5PResult.objects.get(learner=learner, activity=h5p_activity)
    assert (result.attempts, result.best_score, result.best_percent) == (len(scores), 4, 100.0)
    assert H5PStatement.objects.filter(learner=learner).count() == len(scores)


def test_h5p_required_activity_is_not_required_without_javascript(client, lessons, h5p_activity):
    from progress.selectors import step_is_complete

    lesson = embed(lessons[0], h5p_activity, required=True)
    learner = PupilFactory(learning_data_consent=True)
    client.force_login(learner)
    page = client.get(lesson.url).content.decode()
    assert '<noscript><input type="hidden" name="h5p_skipped" value="all"></noscript>' in page
    client.post(lesson.url, {"h5p_skipped": "all"})
    assert step_is_complete(learner=learner, page=lesson)


def test_h5p_maximum_set_by_the_editor_bounds_the_reported_score(signed_in, h5p_lesson, h5p_activity):
    h5p_activity.max_score = 7
    h5p_activity.save()
    forged = post(signed_in, h5p_lesson, h5p_activity, statement(raw=1, maximum=1))
    assert forged.status_code == 400 and "7" in forged.json()["error"]
    assert post(signed_in, h5p_lesson, h5p_activity, statement(raw=5, maximum=7)).status_code == 201
    # A question inside the activity has its own maximum.
    assert post(signed_in, h5p_lesson, h5p_activity, statement(raw=1, maximum=1, sub=True)).status_code == 201


@pytest.mark.parametrize("what", ["statements", "state"])
def test_h5p_absurdly_nested_json_is_refused_not_a_crash(signed_in, h5p_lesson, h5p_activity, what):
    nested = "[" * 5000 + "]" * 5000
    if what == "statements":
        response = post(signed_in, h5p_lesson, h5p_activity, nested)
    else:
        response = signed_in.post(url(h5p_lesson, h5p_activity, "state"), {"data": nested})
    assert response.status_code in (400, 413)


def test_h5p_huge_numbers_do_not_break_the_result(signed_in, h5p_lesson, h5p_activity):
    assert post(signed_in, h5p_lesson, h5p_activity, statement(raw=1.7e308, maximum=1.7e308)).status_code == 201
    assert H5PResult.objects.get().best_percent == 100.0


def test_h5p_what_the_learner_answered_is_not_kept(signed_in, h5p_lesson, h5p_activity):
    sent = statement()
    sent["result"]["response"] = "tên trường em là ..."
    post(signed_in, h5p_lesson, h5p_activity, sent)
    assert "response" not in H5PStatement.objects.get().statement["result"]


def test_h5p_replacing_the_package_forgets_saved_states(db, h5p_activity, learner):
    from h5p import packages
    from tests.h5p.builders import valid_package

    services.state_save(learner=learner, activity=h5p_activity, data="{}")
    services.activity_save(
        activity=h5p_activity, package=packages.check_bytes(valid_package(content={"question": "Khác?", "points": 3}))
    )
    assert not H5PState.objects.exists()
