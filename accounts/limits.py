"""Counting tries in the shared cache (Redis at scale), for limits on how often someone may try
something: class codes and pictures at sign-in (schools.signin_limits), H5P statements
(h5p.views)."""

from django.core.cache import cache


def count(key: str, timeout: int) -> int:
    """Add one to `key` and return it. The window runs `timeout` seconds from the latest count
    (`touch`: the database cache's `incr` would otherwise give the key its default 5 minutes). If
    the cache is away, 1: the limits fail open."""
    if cache.add(key, 1, timeout):
        return 1
    try:
        value = cache.incr(key)
    except ValueError:  # expired between the two calls, or the cache is away
        cache.set(key, 1, timeout)
        return 1
    cache.touch(key, timeout)
    return value
