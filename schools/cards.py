"""Login cards for a class, as a PDF to print and cut: each card shows the site, the class
code, the pupil's name and their three pictures (or PIN). Rendered by WeasyPrint."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from accounts import credentials
from accounts.models import CredentialKind


@cache
def _font_config():
    # One per process: a new FontConfiguration per render leaks memory (see the certificates issue).
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@cache
def _picture_urls() -> dict[str, str]:
    return {key: Path(finders.find(f"schools/pictures/{key}.svg")).as_uri() for key in credentials.PICTURE_KEYS}


def card_data(pupils) -> list[dict]:
    urls = _picture_urls()
    cards = []
    for pupil in pupils:
        credential = getattr(pupil, "pupil_credential", None)
        if credential is None:
            continue
        secret = credentials.secret_of(credential)
        if credential.kind == CredentialKind.PIN:
            cards.append({"pupil": pupil, "pin": "".join(secret)})
        else:
            pictures = [{"url": urls[key], "label": credentials.PICTURES[key]} for key in secret]
            cards.append({"pupil": pupil, "pictures": pictures})
    return cards


def login_cards_pdf(*, classroom, pupils, base_url: str) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "schools/login_cards.html",
        {
            "classroom": classroom,
            "cards": card_data(pupils),
            "site": base_url.rstrip("/"),
            "title": _("Login cards for class %(name)s") % {"name": classroom.name},
        },
    )
    return HTML(string=html, base_url=base_url).write_pdf(font_config=_font_config())
