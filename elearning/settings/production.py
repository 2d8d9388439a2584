"""A deployment: refuses to start without a secret key and allowed hosts; HTTPS everywhere,
configurable from the environment for a reverse proxy."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, SECRET_KEY, STORAGES, env

if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY in the environment: production will not start without it.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "Set ALLOWED_HOSTS in the environment (comma-separated host names): production will not start without it."
    )

if not env("EMAIL_URL", default=""):
    # Without it, sign-up confirmations and password resets would be printed to the server's log,
    # where no one reads them and anyone with the log could use them.
    raise ImproperlyConfigured(
        "Set EMAIL_URL in the environment (e.g. smtp+tls://user:password@smtp.example.vn:587): production "
        "will not start without a way to send e-mail. A trial that sends none sets EMAIL_URL=consolemail:// "
        "explicitly."
    )

DEBUG = False

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
if env.bool("BEHIND_TLS_PROXY", default=False):
    # Only behind a proxy that sets this header itself; otherwise a client could forge it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Only what differs from base: every other storage alias (private, h5p, ...) is base's own.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default=f"https://{ALLOWED_HOSTS[0]}")
CERTIFICATE_VERIFY_BASE_URL = env("CERTIFICATE_VERIFY_BASE_URL", default=WAGTAILADMIN_BASE_URL)
FAMILY_PAGE_BASE_URL = env("FAMILY_PAGE_BASE_URL", default=WAGTAILADMIN_BASE_URL)
