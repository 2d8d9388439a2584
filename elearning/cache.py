"""Redis as Django's cache, where Redis stopping turns the cache into a miss instead of a 500.

At scale the cache (Redis) holds three kinds of things: cached page fragments, the per-IP rate
limits (allauth's, wrong class codes, certificate look-ups) and allauth's one-time markers (a
TOTP code already used). Sessions are not among them: they live in the database, so a Redis
outage never signs anyone out and can never bring a signed-out session back.

While Redis does not answer:
- reads are misses: fragments are rendered again (slower, never wrong);
- rate limits fail open: `add` says "added" and counts start again, so nobody is locked out of
  the site because a cache blinked. What stays closed is in the database: a pupil's wrong
  pictures still lock that pupil out, and passwords are still slow hashes;
- writes are dropped, and the keys they named are remembered (per process, up to
  `MAX_PENDING_KEYS`) and deleted as soon as Redis answers again, so a value that should have
  changed during the outage (a version key bumped on publish) can never come back stale.

After a failure the process does not try Redis again for `RETRY_SECONDS`, so an outage costs
one connection attempt per process every few seconds, not one per cache call; then it comes
back by itself. Each change of state is logged once, as a warning without a traceback.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_SECONDS = 2.0
MAX_PENDING_KEYS = 10_000


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._down = False
        self._pending: set[str] = set()
        self._pending_overflow = False

    # --- the circuit -------------------------------------------------------------------------
    def _failed(self, error: BaseException) -> None:
        with self._lock:
            self._down_until = time.monotonic() + RETRY_SECONDS
            if not self._down:
                self._down = True
                logger.warning(
                    "The cache (Redis) does not answer (%s): pages are served without it, rate limits "
                    "are off until it returns. Trying again every %.0f s.",
                    error.__class__.__name__,
                    RETRY_SECONDS,
                )

    def _available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _recovered(self) -> None:
        """After an outage: first delete what could not be written meanwhile, and only then say
        Redis is back. Every thread that finds the cache down comes here before its own call, so
        none reads a key whose deletion is still pending."""
        with self._lock:
            pending = set(self._pending)
            overflow = self._pending_overflow
        try:
            if overflow:
                # More writes were lost than we could remember: nothing cached can be trusted.
                self._delete_own_keys()
            elif pending:
                self._cache.delete_many(list(pending))
            else:
                self._cache.get_client().ping()
        except UNAVAILABLE as error:
            self._failed(error)
            return
        with self._lock:
            if not self._down:
                return  # another thread got there first
            self._pending -= pending
            if overflow:
                self._pending.clear()
                self._pending_overflow = False
            self._down = False
        logger.warning("The cache (Redis) answers again; %d keys written during the outage were dropped.", len(pending))

    def _forget_later(self, keys) -> None:
        with self._lock:
            if self._pending_overflow:
                return
            self._pending.update(keys)
            if len(self._pending) > MAX_PENDING_KEYS:
                self._pending.clear()
                self._pending_overflow = True

    def _call(self, operation, fallback, *args, written_keys=(), **kwargs):
        if self._down and self._available():
            # First the keys written during the outage go, then this call may read.
            self._recovered()
        if not self._available():
            self._forget_later(written_keys)
            return fallback
        try:
            return operation(*args, **kwargs)
        except UNAVAILABLE as error:
            self._failed(error)
            self._forget_later(written_keys)
            return fallback

    def ping(self) -> bool:
        """Whether Redis answers right now (for the health check; ignores the retry pause)."""
        try:
            self._cache.get_client().ping()
        except UNAVAILABLE as error:
            self._failed(error)
            return False
        if self._down:
            self._recovered()
        return not self._down

    # --- the cache API -------------------------------------------------------------------------
    # Keys are made (prefix, version) before the call so that a dropped write remembers the very
    # key Redis holds.
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._call(self._cache.add, True, key, value, self.get_backend_timeout(timeout), written_keys=[key])

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._call(self._cache.get, default, key, default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        self._call(self._cache.set, None, key, value, self.get_backend_timeout(timeout), written_keys=[key])

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._call(self._cache.touch, False, key, self.get_backend_timeout(timeout))

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._call(self._cache.delete, False, key, written_keys=[key])

    def get_many(self, keys, version=None):
        key_map = {self.make_and_validate_key(key, version=version): key for key in keys}
        found = self._call(self._cache.get_many, {}, key_map.keys())
        return {key_map[key]: value for key, value in found.items()}

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._call(self._cache.has_key, False, key)

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        # As if the key had just been added: counts start again while Redis is away.
        return self._call(self._cache.incr, delta, key, delta, written_keys=[key])

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        safe_data = {self.make_and_validate_key(key, version=version): value for key, value in data.items()}
        self._call(
            self._cache.set_many, None, safe_data, self.get_backend_timeout(timeout), written_keys=list(safe_data)
        )
        return []

    def delete_many(self, keys, version=None):
        if not keys:
            return
        safe_keys = [self.make_and_validate_key(key, version=version) for key in keys]
        self._call(self._cache.delete_many, None, safe_keys, written_keys=safe_keys)

    def clear(self):
        return self._call(self._delete_own_keys, False)

    def _delete_own_keys(self) -> bool:
        # Not FLUSHDB (Django's clear): the RQ queues may share this Redis database.
        client = self._cache.get_client(None, write=True)
        keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
        return True
