"""H5P statements are xAPI 1.0.3: what arrives is checked by xAPI's rules (every legal value
accepted, the rest refused with a reason), and every kept statement, as it leaves the site,
passes Learning Locker's validator (npm @learninglocker/xapi-validation) with a pseudonymous
actor, a stable activity IRI, the lesson and course as context, a timestamp and `stored`."""

import json
import re
import shutil
import subprocess

import pytest
from django.conf import settings

from accounts.models import Role
from h5p import packages, services, xapi
from h5p.models import H5PResult, H5PStatement
from tests.factories import AdultFactory
from tests.h5p.builders import H5P_JSON, valid_package
from tests.h5p.test_h5p_results import post, statement

VALIDATOR = settings.BASE_DIR / "tests" / "quizzes" / "xapi_validate.js"


def validator_problems(statements: list[dict]) -> list[list[str]]:
    node = shutil.which("node")
    if node is None or not (settings.BASE_DIR / "node_modules" / "@learninglocker" / "xapi-validation").exists():
        pytest.fail("The xAPI validator needs Node.js and `make setup` (npm ci).")
    done = subprocess.run(
        [node, str(VALIDATOR)], input=json.dumps(statements), capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    "score",
    [
        {"raw": 1, "max": 4, "min": -1},
        {"raw": -1, "max": 4, "min": -2},
        {"raw": -1, "max": 4},  # no minimum: xAPI sets no lower bound (counted as 0 points)
        {"scaled": -0.5},
        {"scaled": 1, "raw": 4, "min": 0, "max": 4},
        {},
    ],
)
def test_h5p_every_legal_score_is_accepted(signed_in, h5p_lesson, h5p_activity, score):
    sent = statement()
    sent["result"]["score"] = score
    assert post(signed_in, h5p_lesson, h5p_activity, sent).status_code == 201


def _nested(depth: int):
    value = {}
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda s: s["verb"].update(id="hello"), "verb.id"),
        (lambda s: s["object"].update(id=""), "object.id"),
        (lambda s: s.update(result=None), "result"),
        (lambda s: s["result"].update(score={"scaled": 7}), "scaled"),
        (lambda s: s["result"].update(score={"raw": 1, "min": 5, "max": 4}), "min"),
        (lambda s: s["result"].update(score={"raw": 0, "min": 0, "max": 0}), "min"),
        (lambda s: s["result"].update(score={"raw": 5, "min": 0, "max": 4}), "raw"),
        (lambda s: s["result"].update(success="yes"), "success"),
        (lambda s: s["result"].update(score={"raw": 10**400, "max": 4}), "score.raw"),
        (lambda s: s.update(context={"contextActivities": "x"}), "contextActivities"),
        (lambda s: s.update(context={"contextActivities": {"grouping": 5}}), "grouping"),
        (lambda s: s.update(context={"extensions": {"http://a/b": _nested(40)}}), "nested"),
    ],
)
def test_h5p_what_is_not_xapi_is_refused_with_a_reason(signed_in, h5p_lesson, h5p_activity, change, reason):
    sent = statement()
    change(sent)
    response = post(signed_in, h5p_lesson, h5p_activity, sent)
    assert response.status_code == 400 and reason in response.json()["error"]
    assert not H5PStatement.objects.exists() and not H5PResult.objects.exists()


def test_h5p_a_score_with_a_negative_minimum_counts_over_its_range(signed_in, learner, h5p_lesson, h5p_activity):
    sent = statement()
    sent["result"]["score"] = {"raw": 1, "min": -1, "max": 3}
    post(signed_in, h5p_lesson, h5p_activity, sent)
    assert H5PResult.objects.get(learner=learner).best_percent == 50.0


def test_h5p_exported_statements_pass_an_xapi_validator(signed_in, learner, h5p_lesson, h5p_activity):
    post(signed_in, h5p_lesson, h5p_activity, statement())
    post(signed_in, h5p_lesson, h5p_activity, statement(sub=True))
    post(signed_in, h5p_lesson, h5p_activity, statement(verb="completed"))
    exported = [xapi.exported(record) for record in H5PStatement.objects.order_by("received_at")]
    assert len(exported) == 3
    assert validator_problems(exported) == [[], [], []]

    first = exported[0]
    # A pseudonymous account on the site's canonical address: no name, no e-mail.
    assert set(first["actor"]) == {"objectType", "account"}
    assert first["actor"]["account"]["homePage"] == settings.WAGTAILADMIN_BASE_URL
    assert re.fullmatch(r"[0-9a-f]{32}", first["actor"]["account"]["name"])
    assert str(learner.pk) != first["actor"]["account"]["name"] and learner.email not in json.dumps(first)
    # A stable activity IRI; a question inside it keeps its sub-content id.
    assert first["object"]["id"] == f"http://testserver/xapi/activities/h5p/{h5p_activity.pk}"
    assert exported[1]["object"]["id"].startswith(f"http://testserver/xapi/activities/h5p/{h5p_activity.pk}")
    # The lesson and its course, by their translations' IRIs.
    grouping = [item["id"] for item in first["context"]["contextActivities"]["grouping"]]
    assert grouping == [
        f"http://testserver/xapi/activities/page/{h5p_lesson.translation_key}",
        f"http://testserver/xapi/activities/page/{h5p_lesson.get_parent().translation_key}",
    ]
    assert first["timestamp"] and first["stored"] and first["version"] == "1.0.3"


def test_h5p_actor_names_differ_per_learner_and_stay_the_same(db):
    assert xapi.actor_name(1) == xapi.actor_name(1) != xapi.actor_name(2)


def test_h5p_activity_iri_does_not_change_with_the_request_host_or_a_new_package(
    signed_in, learner, h5p_lesson, h5p_activity
):
    post(signed_in, h5p_lesson, h5p_activity, statement(), HTTP_HOST="127.0.0.1")
    before = xapi.exported(H5PStatement.objects.get())["object"]["id"]
    services.activity_save(
        activity=h5p_activity, package=packages.check_bytes(valid_package(h5p={**H5P_JSON, "title": "Mới"}))
    )
    post(signed_in, h5p_lesson, h5p_activity, statement())
    assert {xapi.exported(record)["object"]["id"] for record in H5PStatement.objects.all()} == {before}


def test_h5p_the_player_names_the_activity_by_its_stable_iri(client, h5p_lesson, h5p_activity):
    from tests.h5p.test_h5p_results import config_of, player_of

    config = config_of(player_of(client, h5p_lesson, h5p_activity))
    assert config["options"]["xAPIObjectIRI"] == xapi.activity_iri(h5p_activity.pk)


def test_h5p_statements_are_limited_per_learner(signed_in, learner, h5p_lesson, h5p_activity, settings):
    settings.H5P_STATEMENTS_PER_MINUTE = 3
    answers = [post(signed_in, h5p_lesson, h5p_activity, statement()).status_code for _ in range(4)]
    assert answers == [201, 201, 201, 429]
    other = AdultFactory(role=Role.CAREGIVER)
    signed_in.force_login(other)
    assert post(signed_in, h5p_lesson, h5p_activity, statement()).status_code == 201


def test_h5p_export_names_the_course_of_every_lesson_in_one_batch(signed_in, lessons, h5p_activity):
    from tests.h5p.conftest import embed

    first, second = embed(lessons[0], h5p_activity), embed(lessons[1], h5p_activity)
    post(signed_in, first, h5p_activity, statement())
    post(signed_in, second, h5p_activity, statement())
    records = list(H5PStatement.objects.select_related("page").order_by("received_at"))
    keys = xapi.course_keys_of(records)
    course = xapi.page_iri(first.get_parent().translation_key)
    for record in records:
        exported = xapi.exported(record, course_keys=keys)
        assert exported["context"]["contextActivities"]["grouping"][-1]["id"] == course
