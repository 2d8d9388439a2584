"""What every reader of the site sees alike, cached in the default cache (Redis at scale, the
database in development) under one *content version* that any change of content replaces.

Every page of a published site is read far more often than an editor changes it, so a learner's
page is put together from entries and template fragments that do not depend on who reads it:
a course's outline, the catalogue's listing, the catalogue's address, the helpline. Nothing about
a learner (progress, names, CSRF tokens, messages) ever goes into an entry or a fragment: those
are read per request and rendered outside.

Invalidation: publishing, unpublishing, moving, saving or deleting any page, saving an image, the
helpline or a view restriction sets a new version (`bump`), after the change is committed and at
once. Entries are stored with the version they were built under and used only while it is still
the current one; a builder reads the version before the database, so an entry built from data
older than a change is stored under the old version and never used. Template fragments put the
version (`content_version` in their context) in their `{% cache %}` key.

Reads are batched: the version and every entry that a request needs are fetched in one round trip
(`prefetch`), and remembered on the request, so that the site's shell (base.html) costs nothing
more once the page has fetched its own entries.
"""

from __future__ import annotations

import copy
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "content:version"
# The version lives this long, then a new one is drawn: a bump lost in an outage of the cache
# (written by a process that then ended before it could retry) heals by itself within it.
VERSION_TIMEOUT = 10 * 60
# Entries of an old version are never read again; they only wait to expire.
TIMEOUT = 60 * 60 * 24

# Entries that every page of the site shows (the catalogue's address, the helpline...), fetched
# with the page's own: name -> (key for the request, builder for the request).
_site_entries: dict[str, tuple[Callable[[Any], str], Callable[[Any], Any]]] = {}


def register_site_entry(name: str, *, key: Callable[[Any], str], build: Callable[[Any], Any]) -> None:
    """Declare an entry that the site's shell reads on every page (apps call this in `ready`)."""
    _site_entries[name] = (key, build)


class _Memo:
    __slots__ = ("entries", "version")

    def __init__(self):
        self.version: str | None = None
        self.entries: dict[str, Any] = {}


def _memo(request) -> _Memo:
    if request is None:
        return _Memo()
    memo = getattr(request, "_content_cache", None)
    if memo is None:
        memo = request._content_cache = _Memo()
    return memo


def _new_version() -> str:
    version = uuid.uuid4().hex
    if cache.add(VERSION_KEY, version, VERSION_TIMEOUT):
        return version
    return cache.get(VERSION_KEY) or version


def version(request=None) -> str:
    """The current content version (read once per request)."""
    memo = _memo(request)
    if memo.version is None:
        memo.version = cache.get(VERSION_KEY) or _new_version()
    return memo.version


class _ProcessEntries:
    """Entries this process has already read or built, with their version: a hit needs no round
    trip and no unpickling. Valid only while the version (read from the shared cache once per
    request) is unchanged, so a change of content is seen by every process at its next request."""

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[str, tuple[str, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str, version: str):
        with self.lock:
            stored = self.entries.get(key)
            if stored is None or stored[0] != version:
                return _MISSING
            self.entries.move_to_end(key)
            return stored[1]

    def put(self, key: str, version: str, value: Any) -> None:
        with self.lock:
            self.entries[key] = (version, value)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_MISSING = object()
process_entries = _ProcessEntries(size=4000)


def fetch(request, builders: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """The entries named by `builders`' keys: from this process when it holds them under the
    current version (read once per request), else from the shared cache in one round trip, else
    built and stored in both."""
    memo = _memo(request)
    wanted = [key for key in builders if key not in memo.entries]
    if wanted:
        wanted = _from_process(memo, wanted, version(request))
    if wanted:
        keys = [f"content:{key}" for key in wanted]
        found = cache.get_many(keys)
        fresh = {}
        for key, cache_key in zip(wanted, keys, strict=True):
            stored = found.get(cache_key)
            if stored is not None and stored[0] == memo.version:
                memo.entries[key] = stored[1]
            else:
                memo.entries[key] = builders[key]()
                fresh[cache_key] = (memo.version, memo.entries[key])
            process_entries.put(key, memo.version, memo.entries[key])
        if fresh:
            cache.set_many(fresh, TIMEOUT)
    return {key: memo.entries[key] for key in builders}


def _from_process(memo: _Memo, wanted: list[str], current: str) -> list[str]:
    missing = []
    for key in wanted:
        value = process_entries.get(key, current)
        if value is _MISSING:
            missing.append(key)
        else:
            memo.entries[key] = value
    return missing


def process_copy(request, key: str, build: Callable[[], Any]) -> Any:
    """A model instance kept in this process under the current version, handed out as a shallow
    copy with its own state, so that no request sees what another set on it. For objects that
    only content changes (pages), never a learner's data."""
    current = version(request)
    original = process_entries.get(key, current)
    if original is _MISSING:
        original = build()
        process_entries.put(key, current, original)
    return instance_copy(original)


def instance_copy(original):
    """A shallow copy of a model instance with its own state and related-object cache (as
    Django's own pickling makes), so that what one request caches on it stays its own."""
    instance = original.__class__.__new__(original.__class__)
    instance.__dict__.update(original.__dict__)
    instance._state = copy.copy(original._state)
    instance._state.fields_cache = dict(original._state.fields_cache)
    return instance


def lookup(request, key: str) -> Any:
    """The entry `key` if it is stored under the current version, else None; nothing is built
    or stored (for entries that only `store` writes)."""
    memo = _memo(request)
    if key in memo.entries:
        return memo.entries[key]
    current = version(request)
    value = process_entries.get(key, current)
    if value is _MISSING:
        stored = cache.get(f"content:{key}")
        if stored is None or stored[0] != current:
            return None
        value = stored[1]
        process_entries.put(key, current, value)
    memo.entries[key] = value
    return value


def lookup_first(request, keys: list[str]) -> tuple[str, Any] | None:
    """The first of `keys` stored under the current version, as (key, entry), else None: this
    process's entries first, then one round trip to the shared cache for the rest."""
    memo = _memo(request)
    current = version(request)
    for key in keys:
        value = memo.entries.get(key, _MISSING)
        if value is _MISSING:
            value = process_entries.get(key, current)
        if value is not _MISSING:
            memo.entries[key] = value
            return key, value
    found = cache.get_many([f"content:{key}" for key in keys])
    for key in keys:
        stored = found.get(f"content:{key}")
        if stored is not None and stored[0] == current:
            memo.entries[key] = stored[1]
            process_entries.put(key, current, stored[1])
            return key, stored[1]
    return None


def store(request, key: str, value: Any) -> None:
    """Store an entry found some other way than by a builder (e.g. while serving), under the
    version this request read before it touched the database."""
    memo = _memo(request)
    current = version(request)
    memo.entries[key] = value
    process_entries.put(key, current, value)
    cache.set(f"content:{key}", (current, value), TIMEOUT)


def site_entries(request) -> dict[str, Any]:
    """Every registered site-wide entry for this request."""
    return prefetch(request, {})


def prefetch(request, builders: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """`fetch` of `builders` together with the site-wide entries; returns the site-wide entries
    by name and `builders`' entries by key."""
    site = {name: key(request) for name, (key, _build) in _site_entries.items()}
    everything = {site[name]: (lambda build=build: build(request)) for name, (_key, build) in _site_entries.items()}
    everything.update(builders)
    found = fetch(request, everything)
    result = {name: found[key] for name, key in site.items()}
    result.update({key: found[key] for key in builders})
    return result


def _set_new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, VERSION_TIMEOUT)


def bump(**kwargs) -> None:
    """A signal receiver: content changed, so nothing cached before may be used again. Now (the
    writer's own next read, and tests, which never commit) and once more after the commit, so
    that no request that read the old rows before the commit keeps them under the new version."""
    _set_new_version()
    transaction.on_commit(_set_new_version)
