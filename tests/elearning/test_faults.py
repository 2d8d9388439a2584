"""What visitors get while a service is away: Redis (the cache) or the database."""

import logging
import socket
import sys
import time

import pytest
from django.core.cache import caches
from django.db import OperationalError
from django.test import Client
from django.utils import translation

from elearning.cache import ResilientRedisCache
from elearning.logging import DatabaseUnavailableFilter, database_unavailable
from elearning.management.commands.taskworker import RedisOutageFilter
from elearning.views import errors


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), 0.5).close()
    except OSError:
        return False
    return True


def resilient_cache(url: str) -> ResilientRedisCache:
    return ResilientRedisCache(url, {"KEY_PREFIX": "elearning-test", "OPTIONS": {"socket_connect_timeout": 0.5}})


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "elearning.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    yield caches["default"]


# --- the cache without Redis ---------------------------------------------------------------------
def test_a_stopped_redis_is_a_miss_and_rate_limits_fail_open(caplog):
    cache = resilient_cache(f"redis://127.0.0.1:{closed_port()}/0")
    with caplog.at_level(logging.WARNING, logger="elearning.cache"):
        assert cache.get("fragment", "default") == "default"
        assert cache.add("limit", 1, 60) is True
        assert cache.incr("limit") == 1
        cache.set("fragment", "<p>", 60)
        assert cache.get_many(["a", "b"]) == {}
        assert cache.ping() is False
    # One warning for the outage, not one per call, and no traceback.
    warnings = [record for record in caplog.records if record.name == "elearning.cache"]
    assert len(warnings) == 1 and warnings[0].exc_info is None


def test_after_a_failure_redis_is_not_tried_again_for_a_while(monkeypatch):
    cache = resilient_cache(f"redis://127.0.0.1:{closed_port()}/0")
    cache.get("x")
    calls = []
    monkeypatch.setattr(cache._cache, "get", lambda *args: calls.append(args))
    cache.get("x")
    assert calls == []


@pytest.mark.skipif(not redis_answers(), reason="needs Redis on 127.0.0.1:6379")
def test_a_write_lost_during_an_outage_never_comes_back_stale():
    cache = resilient_cache("redis://127.0.0.1:6379/0")
    cache.set("catalogue-version", 1, 60)
    # Redis blinks: this process cannot reach it while an editor publishes.
    cache._failed(ConnectionError("blink"))
    cache.set("catalogue-version", 2, 60)
    assert cache.get("catalogue-version") is None
    cache._down_until = time.monotonic()  # the pause is over and Redis answers again
    assert cache.get("catalogue-version") is None  # the stale 1 was deleted, not served
    cache.set("catalogue-version", 3, 60)
    assert cache.get("catalogue-version") == 3
    cache.delete("catalogue-version")


@pytest.mark.skipif(not redis_answers(), reason="needs Redis on 127.0.0.1:6379")
def test_clear_deletes_only_the_sites_keys_not_the_task_queue():
    cache = resilient_cache("redis://127.0.0.1:6379/0")
    client = cache._cache.get_client(None, write=True)
    client.set("rq:test-job", "queued")
    cache.set("fragment", "<p>", 60)
    cache.clear()
    assert cache.get("fragment") is None
    assert client.get("rq:test-job") == b"queued"
    client.delete("rq:test-job")


@pytest.mark.django_db
def test_pages_and_sign_in_still_work_while_redis_is_down(redis_down, client):
    response = client.get("/vi/")
    assert response.status_code == 200
    # Sessions are in the database: signing in and staying signed in need no Redis.
    response = client.post("/vi/class/", {"code": "ZZZZZZZZ"})
    assert response.status_code == 400


@pytest.mark.django_db
def test_healthz_says_degraded_but_200_while_redis_is_down(redis_down, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unavailable"}


# --- the database away ---------------------------------------------------------------------------
def test_connection_errors_count_as_the_database_away_and_query_errors_do_not():
    assert database_unavailable(OperationalError('connection to server at "db" failed: Connection refused'))
    assert database_unavailable(OperationalError("server closed the connection unexpectedly"))
    assert not database_unavailable(OperationalError("no such column: title"))
    assert not database_unavailable(ValueError("connection refused"))


@pytest.mark.django_db
def test_a_database_that_does_not_answer_gives_the_503_page_and_one_log_line(home_page, monkeypatch, caplog):
    def refused(*args, **kwargs):
        raise OperationalError("connection failed: Connection refused")

    monkeypatch.setattr("elearning.models.HomePage.serve", refused)
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/en/")
    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    page = response.content.decode()
    assert "The site is resting for a few minutes" in page and 'href="tel:111"' in page
    record = next(record for record in caplog.records if record.name == "django.request")
    assert record.levelname == "WARNING" and record.exc_info is None and "Database unavailable" in record.getMessage()


@pytest.mark.django_db
def test_a_bug_stays_a_500_with_its_traceback(home_page, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("elearning.models.HomePage.serve", broken)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = Client(raise_request_exception=False).get("/vi/")
    assert response.status_code == 500
    assert "Hệ thống của chúng tôi đang gặp trục trặc" in response.content.decode()
    assert any(record.exc_info for record in caplog.records if record.name == "django.request")


# --- the error pages -----------------------------------------------------------------------------
# No django_db mark: pytest-django fails any of these that touches the database.
@pytest.mark.parametrize(
    ("status", "vi", "en"),
    [
        (400, "Yêu cầu vừa gửi có chỗ chưa đúng", "Something was wrong with that request"),
        (403, "Không mở được trang này", "You cannot open this page"),
        (404, "Không tìm thấy trang", "Page not found"),
        (500, "Hệ thống của chúng tôi đang gặp trục trặc", "Something went wrong on our side"),
        (503, "Trang web đang tạm nghỉ vài phút", "The site is resting for a few minutes"),
    ],
)
def test_error_pages_render_without_the_database_in_each_language(status, vi, en):
    for language, heading in (("vi", vi), ("en", en)):
        with translation.override(language):
            response = errors.error_page(status)
        page = response.content.decode()
        assert response.status_code == status
        assert f'<html lang="{language}">' in page and f"<h1>{heading}</h1>" in page
        assert 'href="tel:111"' in page and f'href="/{language}/"' in page
        assert response["Cache-Control"] == "no-store"


def test_the_server_error_handler_tells_an_outage_from_a_bug(rf):
    request = rf.get("/vi/")
    try:
        raise OperationalError("could not connect to server: Connection refused")
    except OperationalError:
        assert errors.server_error(request).status_code == 503
    try:
        raise KeyError("bug")
    except KeyError:
        assert errors.server_error(request).status_code == 500


@pytest.mark.django_db
def test_unknown_pages_get_the_sites_404_in_the_visitors_language(client):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


@pytest.mark.django_db
def test_a_form_sent_without_its_token_gets_the_expired_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/vi/class/", {"code": "ABCDEF"})
    assert response.status_code == 403
    assert "Trang này đã mở quá lâu" in response.content.decode()


# --- log filters -------------------------------------------------------------------------------
def _record(error: BaseException, name: str) -> logging.LogRecord:
    try:
        raise error
    except type(error):
        return logging.LogRecord(name, logging.ERROR, __file__, 1, "failed", (), sys.exc_info())


def test_the_database_filter_leaves_other_errors_alone():
    record = _record(ValueError("bug"), "django.request")
    DatabaseUnavailableFilter().filter(record)
    assert record.exc_info is not None and record.levelname == "ERROR"


def test_the_task_worker_logs_a_lost_redis_without_a_traceback():
    from redis.exceptions import ConnectionError as RedisConnectionError

    record = _record(RedisConnectionError("Connection refused"), "rq.worker")
    RedisOutageFilter().filter(record)
    assert record.exc_info is None and record.levelname == "WARNING" and "Redis does not answer" in record.getMessage()


def test_a_refused_page_is_logged_without_a_traceback():
    from django.core.exceptions import PermissionDenied

    record = _record(PermissionDenied("This course is for adults."), "django.request")
    record.status_code = 403
    DatabaseUnavailableFilter().filter(record)
    assert record.exc_info is None


def test_an_outage_is_logged_once_however_often_redis_is_tried_again(caplog):
    cache = resilient_cache(f"redis://127.0.0.1:{closed_port()}/0")
    with caplog.at_level(logging.WARNING, logger="elearning.cache"):
        for _ in range(3):
            cache.get("x")
            cache._down_until = 0.0  # the pause is over: the next call tries Redis again
    messages = [record.getMessage() for record in caplog.records if record.name == "elearning.cache"]
    assert len(messages) == 1 and "does not answer" in messages[0]
