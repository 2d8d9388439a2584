"""Serving a page with its address looked up in the content cache.

Wagtail finds the page for an address in several queries on every request: the site for the host,
the site's root page, its translation into the language of the address, then one or two a level
down to the page (`Page.route_for_request`). On a published site the answer changes only when an
editor changes pages or sites, which replaces the content version (`courses.cache`). So the
answer is cached under that version, by host, language and address, as the page's id and type,
together with the site; a request then costs one query for the page itself. Wagtail's `serve`
does the rest unchanged (hooks, view restrictions, the page's own `serve`), because the result
is handed over where Wagtail keeps it for the request (`request._wagtail_route_for_request` and
`request._wagtail_site`, which `route_for_request` and `Site.find_for_request` read first).

Only a page's own address is cached, and only once Wagtail's routing found a live page there; an
unknown address is never cached, so it cannot fill the cache. A routable page's sub-route (a quiz's
`results/<id>/`) is not cached as such: its page's own address is, and the page's `route` is asked
for the rest of the address, as Wagtail's routing would have asked it on the way down. So an
address is looked up as itself and then as up to `SUBROUTE_DEPTH` shorter addresses, in one round
trip.
"""

from __future__ import annotations

from django.apps import apps
from django.http import Http404
from django.utils.translation import get_language
from wagtail import views as wagtail_views
from wagtail.models import Page, Site

from . import cache as content_cache

# How many trailing parts of an address a page's own routing may handle (`results/<id>/`).
SUBROUTE_DEPTH = 2


def _route_key(request, path: str) -> str:
    return f"route:{request.get_host()}:{get_language()}:{path}"


def _own_addresses(path: str) -> list[tuple[str, list[str]]]:
    """`path` and its shorter addresses that a page's sub-route could start from, longest first,
    each with the parts left for that page's `route`."""
    parts = path.split("/")[:-1]  # "a/b/" -> ["a", "b"]; "" (the home page) -> []
    return [
        ("".join(f"{part}/" for part in parts[:end]), parts[end:])
        for end in range(len(parts), max(len(parts) - SUBROUTE_DEPTH, 0) - 1, -1)
    ]


def _cached_route(request, path: str):
    """The route for `path` from a cached page address, and whether the page served was found
    below that address; None (nothing cached yet, or the page is no longer live)."""
    addresses = dict(_own_addresses(path))
    keys = {_route_key(request, address): address for address in addresses}
    found = content_cache.lookup_first(request, list(keys))
    if found is None:
        return None
    key, (site, model_label, page_id) = found
    model = apps.get_model(model_label)
    page = model.objects.filter(pk=page_id).first()
    if page is None:
        return None
    request._wagtail_site = content_cache.instance_copy(site)
    try:
        # A live check, the page's own preparations (courses.pages.CachedPageMixin), its sub-route.
        result = page.route(request, addresses[keys[key]])
    except Http404:
        return None
    # Whether the page served lies further down than the cached one (not a sub-route of it).
    return result, result[0].pk != page.pk


def _remember(request, path: str, route_result) -> None:
    page = route_result[0]
    for address, _rest in _own_addresses(path):
        if page.url_path.endswith("/" + address):
            site = Site.find_for_request(request)
            content_cache.store(request, _route_key(request, address), (site, page._meta.label_lower, page.pk))
            return
    # Otherwise the page is further up than a sub-route reaches: Wagtail's routing finds it each time.


def serve(request, path):
    if request.method in ("GET", "HEAD", "POST") and not getattr(request, "is_preview", False):
        cached = _cached_route(request, path)
        if cached is not None:
            result, found_below = cached
            request._wagtail_route_for_request = result
            if found_below:
                # Found by walking down from a page further up (a child page not cached yet):
                # remember the page's own address, so that the next request looks it up directly.
                _remember(request, path, result)
        else:
            result = Page.route_for_request(request, path)
            if result is not None:
                _remember(request, path, result)
    return wagtail_views.serve(request, path)
