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

Only a page's own address is cached (a routable page's sub-routes are found by Wagtail each time,
from the page's own `route`), and only once Wagtail's routing found a live page there; an unknown
address is never cached, so it cannot fill the cache.
"""

from __future__ import annotations

from django.apps import apps
from django.http import Http404
from django.utils.translation import get_language
from wagtail import views as wagtail_views
from wagtail.models import Page, Site

from . import cache as content_cache


def _route_key(request, path: str) -> str:
    return f"route:{request.get_host()}:{get_language()}:{path}"


def _cached_route(request, path: str):
    """The page at `path` from the cache, or None (not cached yet, or no longer live)."""
    found = content_cache.lookup(request, _route_key(request, path))
    if found is None:
        return None
    site, model_label, page_id = found
    model = apps.get_model(model_label)
    page = model.objects.filter(pk=page_id).first()
    if page is None:
        return None
    request._wagtail_site = content_cache.instance_copy(site)
    try:
        # A live check, and the page's own preparations (courses.pages.CachedPageMixin).
        return page.route(request, [])
    except Http404:
        return None


def _remember(request, path: str, route_result) -> None:
    page = route_result[0]
    if not page.url_path.endswith("/" + path if path else "/"):
        return  # a sub-route of a routable page: Wagtail's routing finds it each time
    site = Site.find_for_request(request)
    key = _route_key(request, path)
    content_cache.store(request, key, (site, page._meta.label_lower, page.pk))


def serve(request, path):
    if request.method in ("GET", "HEAD", "POST") and not getattr(request, "is_preview", False):
        result = _cached_route(request, path)
        if result is not None:
            request._wagtail_route_for_request = result
        else:
            result = Page.route_for_request(request, path)
            if result is not None:
                _remember(request, path, result)
    return wagtail_views.serve(request, path)
