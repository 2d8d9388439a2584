"""The embedded default that `make run` serves: SQLite, immediate tasks, e-mail on the console."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
DEMO_ACCOUNTS = env.bool("DEMO_ACCOUNTS", default=True)

# Static files come straight from the apps (finders); only a deployment collects them.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
