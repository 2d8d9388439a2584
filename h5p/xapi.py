"""xAPI 1.0.3 for the statements H5P activities send: what is checked when one arrives, and the
whole statement as it leaves the site (export, a Learning Record Store).

A statement leaves with:

- its `id` (the player's UUID) and a `timestamp` (when the learner made it, or when it arrived);
- an `actor` that is an account on the site, never a name or an e-mail: `homePage` is the
  site's canonical address (`XAPI_BASE_URL`, or else `WAGTAILADMIN_BASE_URL`), `name` an HMAC
  of the learner's id under a key only the site holds (`XAPI_ACTOR_KEY`), so it cannot be
  reversed or matched outside the site;
- a stable activity IRI per activity, `<XAPI_BASE_URL>/xapi/activities/h5p/<activity id>`,
  unchanged when the package is replaced, different for two activities made from one file
  (a question inside it: the same IRI with `?subContentId=<id>`, as H5P names them);
- `context.contextActivities.grouping` naming the lesson and its course, by the IRIs of their
  translation (`<XAPI_BASE_URL>/xapi/activities/page/<translation key>`), so both languages of
  a lesson are one activity;
- `stored` (when the site kept it) and `version` 1.0.3.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from typing import Any

from django.conf import settings

VERSION = "1.0.3"
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
H5P_SUBCONTENT_EXTENSION = "http://h5p.org/x-api/h5p-subContentId"
# How the player names the package's activities: by the address of its files.
PACKAGE_IRI = re.compile(r"/h5p/[0-9a-f]{64}(?:[/?#]|$)")


class StatementRefused(ValueError):
    """The statement is not one the site keeps; the message says why (shown to the caller)."""


def is_iri(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= 2048 and IRI.match(value) is not None


def _finite(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise StatementRefused(f"{what} must be a number")
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        raise StatementRefused(f"{what} must be a number") from None
    if not math.isfinite(number):
        raise StatementRefused(f"{what} must be a number")
    return number


# A statement nested deeper than this is no statement a player sends (H5P's go 6 or 7 deep).
MAX_DEPTH = 32


def _too_deep(value: Any) -> bool:
    stack = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(current, dict):
            stack.extend((item, depth + 1) for item in current.values())
        elif isinstance(current, list):
            stack.extend((item, depth + 1) for item in current)
    return False


def check_score(score: Any) -> tuple[float | None, float | None, float | None]:
    """xAPI's rules for `result.score`: every part optional; `scaled` within -1..1; `min` below
    `max`; `raw` within them. Returns (raw, min, max)."""
    if not isinstance(score, dict):
        raise StatementRefused("result.score must be an object")
    parts = {key: _finite(score[key], f"score.{key}") for key in ("scaled", "raw", "min", "max") if key in score}
    if "scaled" in parts and not -1 <= parts["scaled"] <= 1:
        raise StatementRefused("score.scaled must lie between -1 and 1")
    low, high, raw = parts.get("min"), parts.get("max"), parts.get("raw")
    if low is not None and high is not None and low >= high:
        raise StatementRefused("score.min must be less than score.max")
    if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
        raise StatementRefused("score.raw must lie between score.min and score.max")
    return raw, low, high


def check_statement(data: Any) -> None:
    """What makes a statement xAPI, as far as a learner's player can get it wrong (the actor is
    never taken from the player, and `stored`, `authority` and `version` are the site's)."""
    if not isinstance(data, dict):
        raise StatementRefused("the statement must be a JSON object")
    verb = data.get("verb")
    if not isinstance(verb, dict) or not is_iri(verb.get("id")):
        raise StatementRefused("verb.id must be an IRI")
    display = verb.get("display")
    if display is not None and not (isinstance(display, dict) and all(isinstance(v, str) for v in display.values())):
        raise StatementRefused("verb.display must map languages to text")
    target = data.get("object")
    if not isinstance(target, dict) or not is_iri(target.get("id")):
        raise StatementRefused("object.id must be an IRI")
    if target.get("objectType", "Activity") != "Activity":
        raise StatementRefused("the object must be an activity")
    if "result" in data:
        result = data["result"]
        if not isinstance(result, dict):
            raise StatementRefused("result must be an object")
        if "score" in result:
            check_score(result["score"])
        for key in ("completion", "success"):
            if key in result and not isinstance(result[key], bool):
                raise StatementRefused(f"result.{key} must be true or false")
    if _too_deep(data):
        raise StatementRefused(f"the statement is nested more than {MAX_DEPTH} levels deep")
    if "context" in data:
        context = data["context"]
        if not isinstance(context, dict):
            raise StatementRefused("context must be an object")
        activities = context.get("contextActivities")
        if activities is not None:
            if not isinstance(activities, dict):
                raise StatementRefused("context.contextActivities must be an object")
            for key, value in activities.items():
                items = value if isinstance(value, list) else [value]
                if not all(isinstance(item, dict) and is_iri(item.get("id")) for item in items):
                    raise StatementRefused(f"context.contextActivities.{key} must hold activities with IRIs")


def base_url() -> str:
    return (settings.XAPI_BASE_URL or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def actor_name(learner_id: int) -> str:
    key = settings.XAPI_ACTOR_KEY.encode()
    return hmac.new(key, f"xapi-actor:{learner_id}".encode(), hashlib.sha256).hexdigest()[:32]


def actor(learner_id: int) -> dict:
    return {"objectType": "Agent", "account": {"homePage": base_url(), "name": actor_name(learner_id)}}


def activity_iri(activity_id: int) -> str:
    return f"{base_url()}/xapi/activities/h5p/{activity_id}"


def page_iri(translation_key) -> str:
    return f"{base_url()}/xapi/activities/page/{translation_key}"


def _with_stable_ids(value: Any, activity_id: int) -> Any:
    """Every activity of the package's own (the player names them by the package's file URL, with
    `?subContentId=` for a question inside) gets the activity's stable IRI instead."""
    own = activity_iri(activity_id)
    if isinstance(value, dict):
        copy = {key: _with_stable_ids(item, activity_id) for key, item in value.items()}
        if isinstance(copy.get("id"), str) and PACKAGE_IRI.search(copy["id"]):
            sub = re.search(r"[?&]subContentId=([\w-]+)", copy["id"])
            copy["id"] = f"{own}?subContentId={sub.group(1)}" if sub else own
        return copy
    if isinstance(value, list):
        return [_with_stable_ids(item, activity_id) for item in value]
    return value


def _object(target: dict, activity_id: int) -> dict:
    """The statement is about the activity, or about a question inside it (H5P says which by its
    sub-content extension): either way, named by the activity's stable IRI."""
    target = dict(target)
    definition = target.get("definition")
    extensions = definition.get("extensions") if isinstance(definition, dict) else None
    sub = extensions.get(H5P_SUBCONTENT_EXTENSION) if isinstance(extensions, dict) else None
    own = activity_iri(activity_id)
    target["id"] = f"{own}?subContentId={sub}" if isinstance(sub, str) and re.fullmatch(r"[\w-]+", sub) else own
    return target


def course_keys_of(records) -> dict[int, str]:
    """The translation key of each record's course (its lesson's parent page), by page id, in one
    query, so that exporting many statements asks the database once."""
    from wagtail.models import Page

    parent_of = {record.page_id: record.page.path[: -Page.steplen] for record in records if record.page is not None}
    found = dict(
        Page.objects.filter(path__in=set(parent_of.values()), depth__gt=2).values_list("path", "translation_key")
    )
    return {page_id: str(found[path]) for page_id, path in parent_of.items() if path in found}


def exported(record, *, course_keys: dict[int, str] | None = None) -> dict:
    """The whole xAPI statement of a kept `H5PStatement` (`record`), as it leaves the site
    (`course_keys`: from `course_keys_of`, when exporting many)."""
    body = record.statement or {}
    statement = {
        "id": str(record.statement_id),
        "actor": actor(record.learner_id),
        "verb": body["verb"],
        "object": _object(body["object"], record.activity_id),
    }
    if "result" in body:
        statement["result"] = body["result"]
    context = _with_stable_ids(dict(body.get("context") or {}), record.activity_id)
    activities = context.get("contextActivities")
    activities = dict(activities) if isinstance(activities, dict) else {}
    kept = activities.get("grouping")
    kept = kept if isinstance(kept, list) else [kept]
    grouping = [item for item in kept if isinstance(item, dict)]
    page = record.page
    if page is not None:
        grouping.append({"objectType": "Activity", "id": page_iri(page.translation_key)})
        if course_keys is None:
            course_keys = course_keys_of([record])
        if record.page_id in course_keys:
            grouping.append({"objectType": "Activity", "id": page_iri(course_keys[record.page_id])})
    if grouping:
        activities["grouping"] = grouping
    if activities:
        context["contextActivities"] = activities
    if context:
        statement["context"] = context
    stored = record.received_at.isoformat().replace("+00:00", "Z")
    statement["timestamp"] = body.get("timestamp") or stored
    statement["stored"] = stored
    statement["version"] = VERSION
    return statement
