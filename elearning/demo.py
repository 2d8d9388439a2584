"""The site's own demo content for `manage.py load_demo`: a home page in each language in place
of Wagtail's welcome page. Idempotent."""

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site

from .models import HomePage

HOME = {
    "vi": {
        "title": "An toàn trên mạng",
        "slug": "trang-chu",
        "intro": (
            "<p>Những bài học ngắn giúp trẻ em biết giữ an toàn khi dùng Internet, "
            "và giúp thầy cô, cha mẹ, người chăm sóc và người làm công tác bảo vệ trẻ em đồng hành cùng các em.</p>"
        ),
    },
    "en": {
        "title": "Safe Online",
        "slug": "home",
        "intro": (
            "<p>Short lessons that help children stay safe on the internet, and help teachers, "
            "parents, caregivers and social workers support them.</p>"
        ),
    },
}


def _locales() -> dict[str, Locale]:
    return {code: Locale.objects.get_or_create(language_code=code)[0] for code, _name in settings.LANGUAGES}


@transaction.atomic
def load_site() -> HomePage:
    """Make a Vietnamese HomePage the site's root, with its English translation; returns the
    Vietnamese one."""
    locales = _locales()
    root = Page.get_first_root_node()
    home = HomePage.objects.filter(locale=locales["vi"]).first()
    if home is None:
        home = HomePage(locale=locales["vi"], **HOME["vi"])
        root.add_child(instance=home)
        home.save_revision().publish()

    site = Site.objects.filter(is_default_site=True).first() or Site(
        hostname="localhost", port=80, is_default_site=True
    )
    if site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = settings.WAGTAIL_SITE_NAME
        site.save()

    # Wagtail's welcome page (a plain Page its migration made) is unreachable now.
    Page.objects.filter(
        depth=2, slug="home", content_type__app_label="wagtailcore", content_type__model="page"
    ).exclude(pk=home.pk).delete()

    for code, fields in HOME.items():
        if code == "vi" or home.has_translation(locales[code]):
            continue
        translation = home.copy_for_translation(locales[code])
        translation.title = fields["title"]
        translation.slug = fields["slug"]
        translation.intro = fields["intro"]
        translation.save_revision().publish()
    return home
