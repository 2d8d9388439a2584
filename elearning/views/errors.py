"""The site's own error pages: in the visitor's language, with the helpline button, and drawn
without the database, the session or the cache (no request context), so that they still
render when what failed was one of those.

A database that does not answer is not a bug in the code: the server error handler answers it
with 503 ("come back in a few minutes", `Retry-After`) instead of 500, and
`elearning.logging.DatabaseUnavailableFilter` logs it as one line, not a traceback.
"""

import sys

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.csrf import requires_csrf_token

from elearning import helpline

from ..logging import database_unavailable

RETRY_AFTER_SECONDS = 120


def error_page(status: int, request=None, template: str = "") -> HttpResponse:
    content = render_to_string(
        template or f"errors/{status}.html",
        {
            "status": status,
            "phone_number": helpline.PHONE_NUMBER,
            "request_path": request.path if request is not None else "",
        },
    )
    response = HttpResponse(content, status=status)
    response["Cache-Control"] = "no-store"
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@requires_csrf_token
def bad_request(request, exception=None):
    return error_page(400, request)


@requires_csrf_token
def permission_denied(request, exception=None):
    return error_page(403, request)


@requires_csrf_token
def page_not_found(request, exception=None):
    return error_page(404, request)


@requires_csrf_token
def server_error(request):
    # Django calls this while handling the exception, so sys.exc_info() names it.
    return error_page(503 if database_unavailable(sys.exc_info()[1]) else 500, request)


def csrf_failure(request, reason=""):
    """A form sent without its token, or with one from before the session ended: on a shared
    phone, usually a page left open too long (settings.CSRF_FAILURE_VIEW)."""
    return error_page(403, request, template="errors/403_csrf.html")
