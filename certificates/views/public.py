"""Public verification: anyone with a code (typed, or from the QR code) sees whether the
certificate is valid. Unknown codes get the same plain 404 as any missing page; lookups are
limited per IP address."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .. import selectors
from ..forms import VerifyForm
from ..models import CertificateStatus, format_code, local_day
from ..pdf import format_day, verify_url

WINDOW_SECONDS = 60


def _wants_json(request) -> bool:
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def _over_limit(request) -> bool:
    """Count this lookup against the client's address; True once over the limit a minute."""
    key = f"certificates:verify:{get_adapter().get_client_ip(request)}"
    if cache.add(key, 1, WINDOW_SECONDS):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, WINDOW_SECONDS)
        return False
    return count > settings.CERTIFICATE_VERIFY_PER_MINUTE


def _too_many(request) -> HttpResponse:
    message = _("Too many certificates were checked from here in the last minute. Wait a minute and try again.")
    if _wants_json(request):
        response = JsonResponse({"error": message}, status=429)
    else:
        response = render(request, "certificates/verify.html", {"form": VerifyForm(), "error": message}, status=429)
    response["Retry-After"] = str(WINDOW_SECONDS)
    return response


@never_cache
@require_GET
def verify(request):
    """Type a code: a valid-looking code goes to its page; a malformed one is explained."""
    if "code" not in request.GET:
        return render(request, "certificates/verify.html", {"form": VerifyForm()})
    form = VerifyForm(request.GET)
    if form.is_valid():
        return redirect("certificates:verify_code", code=format_code(form.cleaned_data["code"]))
    return render(request, "certificates/verify.html", {"form": form}, status=400)


def certificate_facts(certificate) -> dict:
    """What the public page and its JSON say: no account, e-mail or id, only the certificate.
    Why a certificate was revoked stays between the holder and the administrators."""
    language = certificate.language
    return {
        "code": certificate.display_code,
        "status": certificate.status,
        "holder_name": certificate.holder_name,
        "course_title": certificate.course_title,
        "language": language,
        "issued_on": certificate.issued_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat() if certificate.expires_on else None,
        "revoked_on": local_day(certificate.revoked_at).isoformat() if certificate.revoked_at else None,
        "verify_url": verify_url(certificate.code, language),
    }


@never_cache
@require_GET
def verify_code(request, code: str):
    if _over_limit(request):
        return _too_many(request)
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        if _wants_json(request):
            response = JsonResponse({"error": "not found"}, status=404)
            patch_vary_headers(response, ["Accept"])
            return response
        raise Http404
    if code != certificate.display_code:
        return redirect("certificates:verify_code", code=certificate.display_code)
    facts = certificate_facts(certificate)
    if _wants_json(request):
        response = JsonResponse(facts)
    else:
        reader = request.LANGUAGE_CODE
        response = render(
            request,
            "certificates/verify_result.html",
            {
                "certificate": certificate,
                "facts": facts,
                "status": certificate.status,
                "Status": CertificateStatus,
                "issued": format_day(certificate.issued_on, reader),
                "expires": format_day(certificate.expires_on, reader) if certificate.expires_on else "",
                "revoked": format_day(local_day(certificate.revoked_at), reader) if certificate.revoked_at else "",
            },
        )
    patch_vary_headers(response, ["Accept"])
    return response
