"""The settings that the two ways of running depend on, read as a fresh process would."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

ROOT = settings.BASE_DIR


def settings_in_subprocess(module: str, expression: str, **environ) -> subprocess.CompletedProcess:
    """Evaluate `expression` (JSON-serialisable) against settings `module` in a clean process,
    with only `environ` set on top of a minimal environment."""
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": module, **environ}
    code = f"import json, django; django.setup(); from django.conf import settings as s;print(json.dumps({expression}))"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)


def read(module: str, expression: str, **environ):
    result = settings_in_subprocess(module, expression, **environ)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_sqlite_uses_wal_immediate_transactions_and_a_busy_timeout():
    options = read("elearning.settings.dev", "s.DATABASES['default']['OPTIONS']")
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]


@pytest.mark.django_db
def test_sqlite_connection_really_is_in_wal_mode():
    if connection.vendor != "sqlite":
        pytest.skip("only the SQLite default has a journal mode")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


def test_database_url_switches_to_postgresql():
    database = read(
        "elearning.settings.dev", "s.DATABASES['default']", DATABASE_URL="postgres://app@db.internal:5432/elearning"
    )
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert "transaction_mode" not in database.get("OPTIONS", {})


def test_rate_limits_count_in_a_cache_shared_by_all_workers():
    backend = read("elearning.settings.dev", "s.CACHES['default']['BACKEND']")
    assert backend == "django.core.cache.backends.db.DatabaseCache"
    at_scale = read("elearning.settings.dev", "s.CACHES['default']['BACKEND']", REDIS_URL="redis://127.0.0.1:6379/0")
    assert at_scale == "elearning.cache.ResilientRedisCache"


def test_allauth_rate_limits_are_on():
    from allauth.account import app_settings

    assert app_settings.RATE_LIMITS.get("login_failed")
    assert app_settings.RATE_LIMITS.get("signup")


def test_tasks_run_immediately_by_default_and_on_rq_workers_at_scale():
    assert read("elearning.settings.dev", "s.TASKS['default']['BACKEND']") == (
        "django_tasks.backends.immediate.ImmediateBackend"
    )
    assert (
        read(
            "elearning.settings.dev",
            "s.TASKS['default']['BACKEND']",
            TASKS_BACKEND="rq",
            REDIS_URL="redis://127.0.0.1:6379/0",
        )
        == "django_tasks_rq.RQBackend"
    )


def test_rq_tasks_without_redis_are_refused_with_a_clear_message():
    result = settings_in_subprocess("elearning.settings.dev", "1", TASKS_BACKEND="rq")
    assert result.returncode != 0
    assert "TASKS_BACKEND=rq needs REDIS_URL" in result.stderr


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"ALLOWED_HOSTS": "example.org", "EMAIL_URL": "consolemail://"}, "Set SECRET_KEY"),
        ({"SECRET_KEY": "x" * 60, "EMAIL_URL": "consolemail://"}, "Set ALLOWED_HOSTS"),
        ({"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "example.org"}, "Set EMAIL_URL"),
    ],
)
def test_production_refuses_to_start_without_secret_key_allowed_hosts_and_mail(environ, message):
    result = settings_in_subprocess("elearning.settings.production", "1", **environ)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_is_https_only():
    values = read(
        "elearning.settings.production",
        "[s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE]",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="example.org",
        EMAIL_URL="consolemail://",
    )
    assert values == [False, True, 31536000, True, True]
