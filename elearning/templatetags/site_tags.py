from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

from courses import cache as content_cache

register = template.Library()


@register.inclusion_tag("elearning/includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """A form per other language that posts to Django's set_language view, so the choice is
    remembered in a cookie and works without JavaScript. On a Wagtail page the target is the
    page's own translation (slugs differ between languages, and the addresses are cached with
    the page's other entries), keeping the address's query (the catalogue's filters and search
    mean the same in every language); elsewhere the same URL in the other language."""
    request = context["request"]
    page = context.get("page")
    translations = page.translation_urls(request) if hasattr(page, "translation_urls") else {}
    query = request.META.get("QUERY_STRING", "")
    current = get_language()
    options = []
    for code, name in settings.LANGUAGES:
        if code == current:
            continue
        target = translations.get(code)
        if target and query:
            target = f"{target}?{query}"
        options.append({"code": code, "name": name, "next": target or translate_url(request.get_full_path(), code)})
    return {"options": options, "request": request, "csrf_token": context.get("csrf_token")}


@register.simple_tag(takes_context=True)
def catalogue_url(context) -> str:
    """The address of the course catalogue in the active language ("" before one exists), from
    the cache that the page has usually filled already (`courses.cache`)."""
    request = context.get("request")
    if request is None:
        from courses.catalogue import catalogue_url as build

        return build(None)
    return content_cache.site_entries(request)["catalogue_url"]
