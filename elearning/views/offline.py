"""Work done offline, received: the signed-in pupil's offline pass (`offline_pass`), and the
endpoint a device sends its queued items to when it is online again (`offline_send`). The shell
only reads the item and its sender and hands it to the app that owns that kind of work
(`courses.offline`, `quizzes.offline`, `h5p.offline`). The scheme and its limits are in
docs/security.md ("Offline")."""

from __future__ import annotations

import json
import time
import uuid

from django.http import Http404, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import pgettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.limits import count
from accounts.offline import Received, Refused, Status, answered_at, pass_issue, pass_read
from courses.offline import finish_receive
from h5p.offline import statement_receive
from quizzes import offline as quiz_offline

# Items one pupil's devices may send in a minute (a backlog goes one item at a time; beyond this
# the device keeps the rest and tries again later).
SENDS_PER_MINUTE = 120
# An item is small: a quiz form's fields, or one H5P statement (H5P_STATEMENT_MAX_BYTES) and the
# envelope around it.
MAX_BYTES = 64 * 1024
MAX_FIELDS = 1000
# The H5P activities a lesson's player could not play on the device (their ids, or "all"), as the
# online form's `h5p_skipped`.
MAX_SKIPPED = 50
CODES = {Status.RECORDED: 201, Status.REPLAY: 200, Status.NOT_STORED: 202}


def _private(response: JsonResponse) -> JsonResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
def offline_pass(request):
    """The signed-in pupil's pass, kept on the device with who they are, so that what they do
    offline can be sent for them, and only them, after their session ended. Adults: 404 (they
    do not work offline); visitors: 403."""
    user = request.user
    if not user.is_authenticated:
        response = JsonResponse({"error": pgettext("to a child", "Sign in first.")}, status=403)
        return _private(response)
    if not user.is_pupil:
        raise Http404
    body = {
        "learner": user.pk,
        "name": user.get_display_name(),
        "pass": pass_issue(user=user),
        # The device forgets the pupil when their session ends; the pass is accepted longer
        # (OFFLINE_PASS_DAYS), for what they queued before.
        "expires": request.session.get_expiry_date().isoformat(),
        "stores": user.may_store_learning_data,
    }
    return _private(JsonResponse(body))


def _unreadable() -> Refused:
    return Refused(pgettext("to a child", "This could not be read, so it cannot be sent. Do it again."), 400)


def _an_id(value) -> bool:
    return type(value) is int and 0 < value < 2**31


def _item(request) -> dict:
    """The item sent, with its parts of the right types; Refused (400) otherwise."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if (int(declared) if declared.isdigit() else 0) > MAX_BYTES or len(request.body) > MAX_BYTES:
        raise _unreadable()
    try:
        item = json.loads(request.body)
        kind = item["kind"]
        item["key"] = uuid.UUID(str(item["key"]))
        page = item["page"]
        at = item["at"]
    except (ValueError, RecursionError, TypeError, KeyError):
        raise _unreadable() from None
    # Every kind carries the pupil's pass; ids are what the database can hold (a larger one
    # would overflow SQLite's integers rather than be merely unknown).
    fine = kind in ("finish", "quiz", "h5p") and _an_id(page) and isinstance(at, str)
    fine = fine and isinstance(item.get("pass"), str)
    if kind == "finish":
        skipped = item.setdefault("skipped", [])
        fine = (
            fine
            and isinstance(skipped, list)
            and len(skipped) <= MAX_SKIPPED
            and all(isinstance(one, str) and (one == "all" or (one.isascii() and one.isdigit())) for one in skipped)
        )
    if kind == "h5p":
        fine = fine and _an_id(item.get("activity")) and isinstance(item.get("statement"), dict)
    if kind == "quiz":
        fields = item.get("fields")
        fine = (
            fine
            and isinstance(fields, list)
            and len(fields) <= MAX_FIELDS
            and all(
                isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) for part in pair)
                for pair in fields
            )
        )
    if not fine:
        raise _unreadable()
    return item


def _within_rate(learner) -> bool:
    """As h5p.views._within_rate: a count per minute in the shared cache, which fails open."""
    return count(f"offline-send:{learner.pk}:{int(time.time() // 60)}", 60) <= SENDS_PER_MINUTE


def _receive(request, item: dict) -> Received | JsonResponse:
    kind = item["kind"]
    if kind == "quiz":
        fields = [tuple(pair) for pair in item["fields"]]
        sender = quiz_offline.sender(fields=fields)
        # The pass too: it ties a saved quiz form to the pupil's credential, so that a new picture
        # password or PIN voids the forms saved before, as it voids their passes.
        if pass_read(item["pass"]).learner.pk != sender.learner.pk:
            raise Refused(pgettext("to a child", "These answers are not from your sign-in, so they cannot be sent."))
    else:
        sender = pass_read(item["pass"])
    if not _within_rate(sender.learner):
        response = JsonResponse(
            {
                "status": "later",
                "message": pgettext("to a child", "Many things were sent at once. The rest will be sent in a minute."),
            },
            status=429,
        )
        response["Retry-After"] = "60"
        return response
    at = answered_at(item["at"], signed_at=sender.signed_at)
    # The item's pupil is the one its signature names: never the session's (an item sent with
    # someone's cookies still records for its own pupil only). The page checks below (view
    # restrictions, courses for adults) are made for them.
    request.user = sender.learner
    if kind == "finish":
        return finish_receive(request=request, page_id=item["page"], finished_at=at, skipped=item["skipped"])
    if kind == "quiz":
        return quiz_offline.quiz_receive(request=request, page_id=item["page"], fields=fields, answered_at=at)
    return statement_receive(
        request=request,
        page_id=item["page"],
        activity_id=item["activity"],
        key=item["key"],
        data=item["statement"],
        answered_at=at,
    )


# The device sends its items with `credentials: 'omit'`: each is authenticated by the signature
# it carries (the offline pass, or the quiz form's token), never by a cookie. CSRF is a forged
# request riding on the victim's ambient cookies; here cookies count for nothing, so there is
# nothing for it to ride on, and a pupil whose session ended (the reason for this endpoint) has
# no CSRF token left to send (docs/security.md, "Offline").
@csrf_exempt
@require_POST
def offline_send(request):
    """One queued item: 201 recorded, 200 a replay (the same work received before), 202 nothing
    kept (no family consent); 400/403/404/409 refused for good (the device drops it and shows
    the message); 429 later. Every answer is JSON: status, message, and where to see it (url)."""
    try:
        received = _receive(request, _item(request))
    except Refused as refusal:
        return _private(JsonResponse({"status": "refused", "message": refusal.message}, status=refusal.status))
    if isinstance(received, JsonResponse):
        return _private(received)
    body = {"status": str(received.status), "message": received.message}
    if received.url:
        body["url"] = received.url
    return _private(JsonResponse(body, status=CODES[received.status]))
