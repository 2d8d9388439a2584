"""What every page of the site does the same way to be served in a fixed, small number of queries.

`CachedPageMixin` goes before `Page` in a page model's bases. It changes three things, each as
Wagtail's documented `route`, `get_view_restrictions` and `get_context` allow:

- Routing: Wagtail looks up each step of an address as a plain page and then as its specific type
  (two queries a level). A page whose `subpage_types` are known looks its child up among those
  types, one query each (a lesson in one, a quiz in two); any other child falls back to Wagtail.
- The page that is served fetches, in one round trip to the cache (`courses.cache.prefetch`), the
  content version, what the site's shell shows (the helpline, the catalogue's address, whether the
  site has any view restriction at all) and the page's own entries (its translations' addresses
  for the language switcher; more in subclasses, see `cached_entries`).
- View restrictions: while the site has none at all (cached under the content version, which a
  change of a restriction replaces), the page skips Wagtail's two queries for them; otherwise
  Wagtail's own check runs unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import get_language
from wagtail.models import PageViewRestriction

from . import cache as content_cache


def request_key(request) -> str:
    """The part of a cached entry's key that addresses depend on: the language and the host."""
    return f"{get_language()}:{request.get_host()}"


class CachedPageMixin:
    def route(self, request, path_components):
        if path_components:
            child = self._typed_child(path_components[0])
            if child is not None:
                return child.route(request, path_components[1:])
        result = super().route(request, path_components)
        if result[0] is self:
            self.prefetch_content(request)
        return result

    def _typed_child(self, slug: str):
        for model in self.specific_class.allowed_subpage_models():
            child = model.objects.child_of(self).filter(slug=slug).first()
            if child is not None:
                child._cached_parent_obj = self  # as Wagtail's own route does
                return child
        return None

    def cached_entries(self, request) -> dict[str, Callable[[], Any]]:
        """The cache entries this page reads when served: key -> builder. Subclasses add theirs."""
        return {f"translations:{self.pk}:{request_key(request)}": lambda: self._build_translation_urls(request)}

    def prefetch_content(self, request) -> None:
        entries = content_cache.prefetch(request, self.cached_entries(request))
        self._site_has_view_restrictions = entries["view_restrictions"]

    def get_view_restrictions(self):
        if getattr(self, "_site_has_view_restrictions", True) is False:
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["content_version"] = content_cache.version(request)
        return context

    def translation_urls(self, request) -> dict[str, str]:
        """The addresses of this page's live translations, by language code."""
        key = f"translations:{self.pk}:{request_key(request)}"
        return content_cache.fetch(request, {key: lambda: self._build_translation_urls(request)})[key]

    def _build_translation_urls(self, request) -> dict[str, str]:
        return {
            page.locale.language_code: page.get_url(request=request)
            for page in self.get_translations().live().select_related("locale")
        }


def site_has_view_restrictions(request) -> bool:
    return PageViewRestriction.objects.exists()
