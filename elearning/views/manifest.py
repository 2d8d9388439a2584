"""The web app manifest, one per language: what a phone shows when the site is installed on its
home screen ("Add to Home screen"), and where the installed app opens (the pupil's modules)."""

import json

from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

# --brand and --paper in elearning/static/elearning/css/site.css.
THEME_COLOUR = "#0b4f8a"
BACKGROUND_COLOUR = "#ffffff"


@require_safe
def manifest(request):
    name = _("Safe Online")
    body = {
        "id": "/",
        "name": name,
        "short_name": name,
        "description": _(
            "Lessons on staying safe online for children, teachers, caregivers and social workers in Viet Nam."
        ),
        "lang": get_language(),
        "dir": "ltr",
        "start_url": reverse("schools:my_modules"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static("elearning/icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("elearning/icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {
                "src": static("elearning/icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/manifest+json")
    # The same for everyone in a language; an hour, so that a new icon reaches installed apps soon.
    response["Cache-Control"] = "public, max-age=3600"
    return response
