"""/healthz, for load balancers and monitoring.

- 200 `ok`: the database and the cache answer. Send traffic.
- 200 `degraded`: the database answers, the cache (Redis) does not; pages are served, slower,
  with rate limits off. Keep sending traffic; alert someone.
- 503 `unavailable`: the database does not answer, so every page would be a 503. Take this
  node out.

The cache never takes a node out: Redis is shared by every node, so if one blink took nodes out
it would take all of them out at once, while each of them can still serve every page. The
reasons stay in the log, not in the public response.
"""

import logging

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except (DatabaseError, InterfaceError) as error:
        logger.warning("Health check: the database did not answer (%s).", error.__class__.__name__)
        return False
    return True


def _cache_answers() -> bool:
    ping = getattr(cache, "ping", None)
    if ping is not None:  # Redis (elearning.cache): a real round trip, never a remembered outage
        return ping()
    try:  # the database cache of the embedded default
        cache.get("healthz")
    except Exception as error:
        logger.warning("Health check: the cache did not answer (%s).", error.__class__.__name__)
        return False
    return True


@never_cache
@require_safe
def healthz(request):
    database = _database_answers()
    cache_ok = _cache_answers()
    if not database:
        status, code = "unavailable", 503
    elif not cache_ok:
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse(
        {
            "status": status,
            "database": "ok" if database else "unavailable",
            "cache": "ok" if cache_ok else "unavailable",
        },
        status=code,
    )
