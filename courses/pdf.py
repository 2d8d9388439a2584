"""Printing an HTML page as an A4 PDF with WeasyPrint, with the site's own fonts.

The DejaVu subsets in `courses/static/courses/fonts/` hold every Vietnamese letter, so a page
prints the same on any machine. They live here, in the lowest app that draws PDFs, so that the
classroom kit (`courses.kit`) and the apps above (`schools`' reports for parents, `certificates`)
use the same files without naming one another. A page's template declares the fonts with
`{% include "courses/includes/pdf_fonts.html" %}` (from `font_urls()` in its context).
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders

FONT_FILES = {
    "sans": "courses/fonts/DejaVuSans.ttf",
    "sans_bold": "courses/fonts/DejaVuSans-Bold.ttf",
    "serif": "courses/fonts/DejaVuSerif.ttf",
    "serif_bold": "courses/fonts/DejaVuSerif-Bold.ttf",
}


@cache
def font_urls() -> dict[str, str]:
    """The font files as `file:` URIs, for a page's `@font-face` rules."""
    return {key: Path(finders.find(path)).as_uri() for key, path in FONT_FILES.items()}


@cache
def _font_config():
    # One per process: a new FontConfiguration per render leaks memory. It is shared state, so
    # renders in one process take turns (`_render_lock`).
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


_render_lock = threading.Lock()


def _fetcher():
    """WeasyPrint may read only `data:` URIs (a QR code) and the site's font files: nothing on
    the network, and no other file, whatever the text of a page holds."""
    from weasyprint.urls import URLFetcher

    allowed = set(font_urls().values())

    class OwnFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:") or url in allowed:
                return super().fetch(url, headers)
            raise ValueError(f"a printed page loads no outside resource: {url[:80]}")

    return OwnFilesOnly(allowed_protocols={"data", "file"})


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    with _render_lock:
        return HTML(string=html, url_fetcher=_fetcher()).write_pdf(font_config=_font_config())
