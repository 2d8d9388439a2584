"""`manage.py taskworker`: one RQ worker (django-tasks-rq) that outlives a Redis outage.

RQ's own worker quits when Redis goes away in the middle of its loop. This command starts it
again once Redis answers, so that workers come back by themselves with Redis, like the web
servers do; each outage is logged as one warning, not a traceback. A supervisor (systemd,
Kubernetes) should still restart it if it exits for any other reason.
"""

import logging
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from elearning.logging import as_warning_line

logger = logging.getLogger(__name__)

RETRY_SECONDS = 2


class RedisOutageFilter(logging.Filter):
    """RQ logs a lost Redis connection with a traceback; it is an outage, not a bug."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, RedisConnectionError | RedisTimeoutError | ConnectionRefusedError):
            as_warning_line(record, "%s (Redis does not answer: %s)", record.getMessage(), error)
        return True


class Command(BaseCommand):
    help = (
        "Run an RQ worker for the site's tasks, restarted after a Redis outage. It takes "
        "'interactive' (someone is waiting) before 'default' (bulk work)."
    )

    def handle(self, *args, **options):
        outage_filter = RedisOutageFilter()
        for name in ("rq.worker", "rq.job", "rq.queue"):
            logging.getLogger(name).addFilter(outage_filter)
        while True:
            try:
                call_command("rqworker", "--job-class", "django_tasks_rq.Job", *settings.TASK_QUEUES)
                return
            except (RedisConnectionError, RedisTimeoutError, SystemExit) as error:
                # django-rq's command exits with 1 when it cannot reach Redis.
                if isinstance(error, SystemExit) and error.code in (0, None):
                    return
                logger.warning("The task worker lost Redis (%s); starting again when it answers.", error)
                time.sleep(RETRY_SECONDS)
