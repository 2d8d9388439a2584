"""Logging for a site that keeps working while a service it uses is away."""

import logging

from django.db import InterfaceError, OperationalError


def database_unavailable(error: BaseException | None) -> bool:
    """Whether `error` says the database could not be reached (not a bad query): the server
    answers 503 for it. psycopg and sqlite raise OperationalError for both, so the message
    decides; a query error (a lock timeout, a bad column) stays a 500 with its traceback."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    message = str(error).lower()
    return any(
        phrase in message
        for phrase in (
            "connection refused",
            "could not connect",
            "connection failed",
            "server closed the connection",
            "terminating connection",
            "the database system is",
            "connection is closed",
            "connection timeout",
            "timeout expired",
            "no such host",
            "could not translate host name",
            "unable to open database file",
        )
    )


def as_warning_line(record: logging.LogRecord, message: str, *args) -> None:
    """Turn `record` into one warning line, without its traceback: for an outage, which every
    request logs while it lasts and whose traceback would say nothing new each time."""
    record.exc_info = record.exc_text = None
    record.levelno, record.levelname = logging.WARNING, "WARNING"
    record.msg, record.args = message, args


class DatabaseUnavailableFilter(logging.Filter):
    """On `django.request`: a 4xx is logged without its traceback, and a request that failed
    because the database was away is logged as one warning line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            # A refused or missing page (403, 404) is the site working: one line, no traceback.
            record.exc_info = record.exc_text = None
            return True
        error = record.exc_info[1] if record.exc_info else None
        if database_unavailable(error):
            path = getattr(getattr(record, "request", None), "path", "?")
            first_line = (str(error).strip().splitlines() or [""])[0]
            as_warning_line(record, "Database unavailable, answered 503: %s (%s)", path, first_line)
        return True
