"""Site-wide response rules that no single view should have to remember."""

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


class PrivatePagesMiddleware:
    """Every page answered to someone signed in may show their data (a pupil's progress and
    answers, a class's names on a dashboard): `Cache-Control: no-store, private`, so that neither
    a shared phone's browser cache nor a proxy keeps it after the pupil signs out. Pages for
    visitors are left as they are (cacheable where the view allows), and so is a response its view
    declared `public` (an H5P package's files, the same for everyone and kept for a year)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "public" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response


class StaffTwoFactorMiddleware:
    """Anyone who can open the Wagtail admin (editors, moderators, superusers) changes what every
    learner reads and sees every account: the admin opens only once they have a second factor
    (TOTP with allauth's MFA; recovery codes come with it). Until then /admin/ sends them to set
    one up. Teachers and school leaders are offered it, not made to (README, "Accounts")."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("wagtailadmin_home")
        user = getattr(request, "user", None)
        if (
            request.path.startswith(self.admin_prefix)
            and user is not None
            and user.is_authenticated
            and user.has_perm("wagtailadmin.access_admin")
            and not is_mfa_enabled(user)
        ):
            messages.info(
                request,
                _(
                    "The CMS opens once your account has two-factor authentication. Type your password "
                    "again if asked, then scan the code with an authenticator app on your phone, type the "
                    "six digits it shows, and keep the recovery codes somewhere safe."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class CompressPagesMiddleware(GZipMiddleware):
    """Pages and JSON made per request, gzip-compressed for a browser that accepts it: a lesson's
    HTML is about a quarter of its size, which counts on a weak school connection and in what
    "Save on this device" downloads. Only these types: static files come precompressed from
    whitenoise (above this in MIDDLEWARE, it answers them before this runs), an H5P package's
    text is compressed by its own view, and pictures, PDFs and downloads gain nothing.
    BREACH (guessing a secret in a compressed page from its size): since Django 4.2 each
    compressed response is padded with a random number of bytes, which multiplies the requests
    such an attack needs; the CSRF token is masked anew in every response, and no page echoes
    what another site sends next to a secret of the reader's."""

    TYPES = frozenset(
        {"text/html", "application/json", "application/manifest+json", "text/javascript", "application/javascript"}
    )

    def process_response(self, request, response):
        if response.get("Content-Type", "").split(";")[0].strip().lower() not in self.TYPES:
            return response
        return super().process_response(request, response)
