"""H5P in the browser: the packages' files, and what the player reports back (xAPI statements
and its saved state). The learner is always the session's; the player's own idea of who is
playing is ignored."""

from __future__ import annotations

import json
import mimetypes
import time

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from accounts.limits import count
from progress.services import ProgressNotRecorded

from . import libraries, packages, selectors, services

# Subresources (scripts, styles, pictures) load under the player document's policy; this one only
# matters when someone opens a package's file directly: then nothing in it may run.
FILE_POLICY = (
    "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self'; sandbox"
)
TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".vtt": "text/vtt",
}
# Text worth compressing (libraries' scripts and styles, content.json); pictures, sound and
# video are compressed already. Larger files are sent as they are, streamed.
COMPRESSIBLE = frozenset({"text/javascript", "text/css", "application/json", "text/vtt", "text/plain"})
COMPRESS_AT_MOST_BYTES = 8 * 1024 * 1024


def _accepts_gzip(request) -> bool:
    encodings = request.headers.get("Accept-Encoding", "")
    return any(part.split(";")[0].strip().lower() == "gzip" for part in encodings.split(","))


@require_safe
def h5p_file(request, sha256: str, name: str):
    """A file of a stored package, under an address that never changes what it serves (from
    which origin: see `h5p.middleware`); text compressed for a browser that accepts gzip;
    HEAD answers with the headers alone."""
    try:
        handle = packages.open_file(sha256, name)
    except (OSError, ValueError):  # absent, or a folder
        raise Http404 from None
    return _file_response(request, handle, name)


@require_safe
def h5p_library_file(request, set_name: str, name: str):
    """A file of one of the site's shared libraries (`h5p.libraries`): `name` starts with the
    library's "Machine-major.minor" folder, which stands for the highest patch stored. Under the
    current set's name the answer never changes (kept a year); under an older set's name (a
    library was added since the player was drawn) it is the current file, not to be kept."""
    folder, _, inside = name.partition("/")
    library_digest, chosen = libraries.digest_for(folder)
    if library_digest is None or not inside:
        raise Http404
    try:
        handle = packages.open_library_file(library_digest, inside)
    except (OSError, ValueError):
        raise Http404 from None
    response = _file_response(request, handle, inside)
    if set_name != libraries.set_name(chosen):
        response["Cache-Control"] = "no-cache"
    return response


def _file_response(request, handle, name: str):
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    content_type = TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    size = getattr(handle, "size", None)
    if content_type in COMPRESSIBLE and _accepts_gzip(request) and size is not None and size <= COMPRESS_AT_MOST_BYTES:
        with handle:
            response = HttpResponse(compress_string(handle.read()), content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = FileResponse(handle, content_type=content_type)
    if content_type in COMPRESSIBLE:
        patch_vary_headers(response, ["Accept-Encoding"])
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["Content-Security-Policy"] = FILE_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    if settings.H5P_CONTENT_ORIGIN:
        # The player on the site's pages fetches JSON and fonts from here.
        response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@xframe_options_sameorigin
def h5p_player(request, page_id: int, activity_id: int):
    """The player of one activity on one lesson: a document of its own, framed by the lesson, so
    that the package's scripts and inline styles run under the player's narrow policy
    (`CONTENT_SECURITY_POLICY_H5P_PLAYER`) and the lesson keeps the site's strict one. Whoever may
    read the lesson may play its activities; only a learner whose data may be stored reports."""
    page, activity = selectors.activity_on_page(request=request, page_id=page_id, activity_id=activity_id)
    context = {
        "activity": activity,
        "page": page,
        "playable": activity.is_playable(),
        "player": activity.player_options(request=request, page=page),
    }
    response = TemplateResponse(request, "h5p/player.html", context)
    response.csp_policy = "h5p_player"  # a policy name that elearning/csp.py knows
    response.csp_player_needs = activity.player_needs()
    return response


def _refused(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _within_rate(learner) -> bool:
    """At most H5P_STATEMENTS_PER_MINUTE statements a minute from one learner (a count per
    minute in the shared cache, which fails open: statements are let through rather than lost)."""
    return count(f"h5p-statements:{learner.pk}:{int(time.time() // 60)}", 60) <= settings.H5P_STATEMENTS_PER_MINUTE


def _signed_in(request) -> JsonResponse | None:
    if not request.user.is_authenticated:
        return _refused(_("Log in so that your answers are saved."), 403)
    return None


@require_POST
def h5p_statement(request, page_id: int, activity_id: int):
    """One xAPI statement from the player on `page_id` for `activity_id` (CSRF token required,
    as for any form). Answers 201 when kept, 200 for a replay, 202 when nothing may be stored."""
    refused = _signed_in(request)
    if refused:
        return refused
    if not _within_rate(request.user):
        response = _refused(_("Too many statements in a minute. Wait a minute; the player sends them again."), 429)
        response["Retry-After"] = "60"
        return response
    page, activity = selectors.activity_on_page(request=request, page_id=page_id, activity_id=activity_id)
    declared = request.META.get("CONTENT_LENGTH") or "0"
    limit = settings.H5P_STATEMENT_MAX_BYTES
    # The declared length first, so that a large body is not even read.
    if (int(declared) if declared.isdigit() else 0) > limit or len(request.body) > limit:
        return _refused(_("The statement is too large."), 413)
    try:
        data = json.loads(request.body)
        statement = services.statement_read(data)
        result, new = services.statement_record(learner=request.user, activity=activity, page=page, statement=statement)
    except (ValueError, RecursionError) as error:  # StatementRefused, bad JSON, absurd nesting
        reason = error if isinstance(error, services.StatementRefused) else "not valid JSON"
        return _refused(_("The statement was refused: %(reason)s.") % {"reason": reason}, 400)
    except ProgressNotRecorded:
        return JsonResponse({"stored": False}, status=202)
    body = {"stored": new, "replay": not new}
    if result is not None:
        body["result"] = {
            "best_percent": result.best_percent,
            "completed": result.completed,
            "attempts": result.attempts,
            "client_reported": result.client_reported,
        }
    return JsonResponse(body, status=201 if new else 200)


@require_http_methods(["GET", "POST"])
def h5p_state(request, page_id: int, activity_id: int):
    """The player's saved state, in the shape H5P's core expects ({"success": ..., "data": ...});
    it posts form data: `data` (a JSON string, or "0" to forget), `preload`, `invalidate`."""
    refused = _signed_in(request)
    if refused:
        return refused
    _page, activity = selectors.activity_on_page(request=request, page_id=page_id, activity_id=activity_id)
    if request.method == "GET":
        state = selectors.state_of(learner=request.user, activity=activity)
        return JsonResponse({"success": True, "data": state if state is not None else False})
    data = request.POST.get("data")
    if data is None:
        return JsonResponse({"success": False, "message": _("No state was sent.")}, status=400)
    if len(data.encode()) > settings.H5P_STATE_MAX_BYTES:
        return JsonResponse({"success": False, "message": _("The saved state is too large.")}, status=413)
    if data != "0":
        try:
            json.loads(data)
        except (ValueError, RecursionError):
            return JsonResponse({"success": False, "message": _("The saved state is not valid JSON.")}, status=400)
    try:
        services.state_save(learner=request.user, activity=activity, data=None if data == "0" else data)
    except ProgressNotRecorded:
        return JsonResponse({"success": True, "stored": False}, status=202)
    return JsonResponse({"success": True})
