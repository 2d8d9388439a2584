"""Settings for the test suite: the same database engines as the real thing (SQLite file or
the PostgreSQL in DATABASE_URL), a fast password hasher, e-mail kept in memory."""

import atexit
import shutil
import tempfile

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, H5P_STORAGE, PRIVATE_STORAGE, STORAGES

DEBUG = False
SECRET_KEY = "test-only-insecure-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Django swaps EMAIL_BACKEND for locmem during tests; tasks deliver there too.
EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"
CERTIFICATE_VERIFY_BASE_URL = "http://testserver"
FAMILY_PAGE_BASE_URL = "http://testserver"

# A file, not memory: concurrent requests in browser and concurrency tests need WAL and real
# locking (an in-memory test database answered two simultaneous posts with a 500).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}
DEMO_ACCOUNTS = True
# Never a real Learning Record Store from a developer's .env: tests serve their own.
LRS_ENDPOINT = ""

# Static files come straight from the apps (finders); only a deployment collects them.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Uploads (the curriculum's drawings, renditions) go to a throw-away folder, not media/.
MEDIA_ROOT = tempfile.mkdtemp(prefix="elearning-test-media-")
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="elearning-test-private-")
atexit.register(shutil.rmtree, PRIVATE_MEDIA_ROOT, ignore_errors=True)
H5P_ROOT = tempfile.mkdtemp(prefix="elearning-test-h5p-")
atexit.register(shutil.rmtree, H5P_ROOT, ignore_errors=True)
STORAGES = {
    **STORAGES,
    "private": {**PRIVATE_STORAGE, "OPTIONS": {"location": PRIVATE_MEDIA_ROOT}},
    "h5p": {**H5P_STORAGE, "OPTIONS": {"location": H5P_ROOT}},
}
