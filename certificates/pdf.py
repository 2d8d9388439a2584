"""The certificate as a one-page A4 landscape PDF, drawn by WeasyPrint from
`certificates/certificate_pdf.html`: the template's wording with the certificate's values, the
date written out by Babel in the certificate's language, the code and a QR code (segno) to the
public verification page. Fonts are embedded from the app's static files, so every Vietnamese
letter prints the same on any machine."""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import segno
from babel.dates import format_date
from babel.numbers import format_decimal
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Certificate, CertificateTemplate, format_code, local_day, new_code

TEMPLATE = "certificates/certificate_pdf.html"
# Babel's long Vietnamese date is "23 tháng 11, 2026"; certificates are written "ngày 23 tháng 11 năm 2026".
DATE_PATTERNS = {"vi": "'ngày' d 'tháng' M 'năm' y"}
FONT_FILES = {
    "serif": "courses/fonts/DejaVuSerif.ttf",
    "serif_bold": "courses/fonts/DejaVuSerif-Bold.ttf",
    "sans": "courses/fonts/DejaVuSans.ttf",
}
IMAGE_RENDITION = "max-800x300"


@cache
def _font_config():
    # One per process: a new FontConfiguration per render leaks about 0.3 MB each time. It is
    # shared state, so renders in one process take turns (`_render_lock`).
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


_render_lock = threading.Lock()


def _fetcher():
    """WeasyPrint may read only what the page is built from: `data:` URIs (the QR code, the
    template's images) and the app's own font and seal files. Nothing on the network or disk
    that an uploaded SVG might point at."""
    from weasyprint.urls import URLFetcher

    allowed = set(_static_file_uris().values())

    class OwnFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:") or url in allowed:
                return super().fetch(url, headers)
            raise ValueError(f"certificates load no outside resource: {url[:80]}")

    return OwnFilesOnly(allowed_protocols={"data", "file"})


@cache
def _static_file_uris() -> dict[str, str]:
    files = {**FONT_FILES, "seal": "certificates/seal.svg"}
    return {key: Path(finders.find(path)).as_uri() for key, path in files.items()}


def _static_urls() -> dict[str, str]:
    return {key: static(path) for key, path in {**FONT_FILES, "seal": "certificates/seal.svg"}.items()}


def format_day(day: date, language: str) -> str:
    return format_date(day, DATE_PATTERNS.get(language, "long"), locale=language)


def format_hours(minutes: int, language: str) -> str:
    return format_decimal(round(minutes / 60, 1), "#,##0.#", locale=language)


def verify_url(code: str, language: str) -> str:
    with translation.override(language):
        path = reverse("certificates:verify_code", args=[format_code(code)])
    return settings.CERTIFICATE_VERIFY_BASE_URL.rstrip("/") + path


def _qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=0, dark="#111827")


def _image_data_uri(image) -> str | None:
    """The image embedded in the page, read through the storage (local disk or S3 alike)."""
    if image is None:
        return None
    rendition = image.get_rendition(IMAGE_RENDITION)
    with rendition.file.open("rb") as handle:
        data = base64.b64encode(handle.read()).decode()
    mime = (
        "image/svg+xml" if rendition.file.name.endswith(".svg") else f"image/{rendition.file.name.rsplit('.', 1)[-1]}"
    )
    return f"data:{mime.replace('jpg', 'jpeg')};base64,{data}"


@dataclass
class Facts:
    """What a certificate states, from a certificate or, for a preview, a sample."""

    code: str
    holder_name: str
    course_title: str
    language: str
    issued_on: date
    study_minutes: int
    expires_on: date | None = None


def _size_class(text: str, steps: tuple[int, ...]) -> str:
    """ "s0" for short text, then "s1", "s2"... as it grows past each step (in characters)."""
    return f"s{sum(1 for step in steps if len(text) > step)}"


def build_context(facts: Facts, template: CertificateTemplate | None, *, for_pdf: bool = True) -> dict:
    with translation.override(facts.language):
        values = {
            "name": facts.holder_name,
            "course": facts.course_title,
            "date": format_day(facts.issued_on, facts.language),
            "hours": format_hours(facts.study_minutes, facts.language),
        }
        if template is None:
            title = _("Certificate of completion")
            text = _("completed this training course ({hours} hours of study) and passed its assessment on {date}:")
        else:
            title, text = template.title, template.text
        url = verify_url(facts.code, facts.language)
        return {
            "language": facts.language,
            "title": title.format_map(values),
            "text": text.format_map(values),
            "holder_name": facts.holder_name,
            "course_title": facts.course_title,
            "date": values["date"],
            "expires": format_day(facts.expires_on, facts.language) if facts.expires_on else "",
            "code": format_code(facts.code),
            "verify_url": url,
            "qr": _qr_data_uri(url),
            "signatory_name": template.signatory_name if template else "",
            "signatory_title": template.signatory_title if template else "",
            "signature": _image_data_uri(template.signature_image) if template else None,
            "logo": _image_data_uri(template.logo) if template else None,
            "files": _static_file_uris() if for_pdf else _static_urls(),
            "name_size": _size_class(facts.holder_name, (34, 60, 110)),
            "course_size": _size_class(facts.course_title, (70, 140)),
            "text_size": _size_class(text.format_map(values), (260, 420)),
            "labels": {
                "code": _("Certificate code"),
                "verify": _("Check this certificate at"),
                "expires": _("Valid until"),
            },
        }


def render_html(context: dict) -> str:
    with translation.override(context["language"]):
        return render_to_string(TEMPLATE, context)


def render_pdf(context: dict) -> bytes:
    from weasyprint import HTML

    html = render_html(context)
    with _render_lock:
        document = HTML(string=html, url_fetcher=_fetcher()).render(font_config=_font_config())
        if len(document.pages) > 1:
            # Text longer than the sizes above foresee: the compact layout fits the longest
            # name, title and template text the fields allow.
            compact = html.replace('class="sheet"', 'class="sheet compact"', 1)
            document = HTML(string=compact, url_fetcher=_fetcher()).render(font_config=_font_config())
        return document.write_pdf()


def certificate_pdf(certificate: Certificate) -> bytes:
    from .selectors import template_for

    facts = Facts(
        code=certificate.code,
        holder_name=certificate.holder_name,
        course_title=certificate.course_title,
        language=certificate.language,
        issued_on=certificate.issued_on,
        study_minutes=certificate.study_minutes,
        expires_on=certificate.expires_on,
    )
    template = template_for(course_key=certificate.course_key, language=certificate.language)
    return render_pdf(build_context(facts, template))


def sample_facts(template: CertificateTemplate) -> Facts:
    language = template.locale.language_code if template.locale_id else settings.LANGUAGE_CODE
    with translation.override(language):
        course = template.course.title if template.course_id else _("Responding to online child sexual abuse")
    return Facts(
        code=new_code(),
        holder_name="Nguyễn Thị Hồng Nhung",
        course_title=course,
        language=language,
        issued_on=local_day(),
        study_minutes=120,
    )


def sample_context(template: CertificateTemplate) -> dict:
    """A preview in the admin: the template filled with a sample holder."""
    context = build_context(sample_facts(template), template, for_pdf=False)
    context["preview"] = True
    return context


def sample_pdf(template: CertificateTemplate) -> bytes:
    return render_pdf(build_context(sample_facts(template), template))
