from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Locale, Page

register = template.Library()


@register.inclusion_tag("elearning/includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """A form per other language that posts to Django's set_language view, so the choice is
    remembered in a cookie and works without JavaScript. On a Wagtail page the target is the
    page's own translation (slugs differ between languages); elsewhere the same URL in the
    other language."""
    request = context["request"]
    page = context.get("page")
    current = get_language()
    options = []
    for code, name in settings.LANGUAGES:
        if code == current:
            continue
        target = None
        locale = Locale.objects.filter(language_code=code).first() if isinstance(page, Page) else None
        if locale is not None:
            translation = page.get_translation_or_none(locale)
            if translation is not None and translation.live:
                target = translation.get_url(request=request)
        if target is None:
            target = translate_url(request.get_full_path(), code)
        options.append({"code": code, "name": name, "next": target})
    return {"options": options, "request": request, "csrf_token": context.get("csrf_token")}


@register.simple_tag(takes_context=True)
def catalogue_url(context) -> str:
    """The address of the course catalogue in the active language ("" before one exists)."""
    from courses.models import CourseIndexPage

    request = context.get("request")
    locale = Locale.objects.filter(language_code=get_language()).first()
    catalogue = CourseIndexPage.objects.live().filter(locale=locale).first() if locale else None
    return catalogue.get_url(request=request) if catalogue else ""
