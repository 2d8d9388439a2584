#!/usr/bin/env python
"""Message catalogs without GNU gettext: extract, check and compile with Babel.

    python scripts/catalogs.py update    re-extract the strings of the project and of the allauth
                                         screens it shows into locale/<lang>/LC_MESSAGES/django.po,
                                         keeping every existing translation
    python scripts/catalogs.py check     fail if a string is missing from the Vietnamese catalog,
                                         untranslated, fuzzy, has placeholders that differ, or
                                         uses a term locale/GLOSSARY.md says not to use

Compiling is Babel's own job: `pybabel compile --domain django --directory locale` (make setup).

Django templates are read with Django's own `templatize`, the function `makemessages` uses, and
the result goes through Babel's Python extractor.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file, extract_python
from babel.messages.pofile import read_po, write_po

sys.path.insert(0, str(Path(__file__).resolve().parent))  # also when loaded by path, as the tests do
from glossary import offences, read_glossary

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "locale"
DOMAIN = "django"
SOURCE_LANGUAGE = "en"
# The language every string must be translated into; English is the source.
TRANSLATED_LANGUAGES = ["vi"]
ALL_LANGUAGES = ["vi", "en"]
PROJECT_APPS = ["accounts", "progress", "h5p", "courses", "quizzes", "schools", "certificates", "elearning"]
# The parts of allauth whose screens and messages the site shows (allauth ships no Vietnamese).
ALLAUTH_PARTS = [
    "account",
    "mfa",
    "core",
    "templates/account",
    "templates/mfa",
    "templates/allauth",
    "app_settings.py",
    "utils.py",
    "decorators.py",
]
SKIP_DIRS = {"migrations", "tests", "__pycache__", "static", "node_modules"}
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
PLURAL_FORMS = {"vi": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}


def extract_django(fileobj, keywords, comment_tags, options) -> Iterator:
    """Babel extractor for Django templates."""
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure()
        django.setup()
    from django.utils.translation.template import templatize

    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    # templatize keeps the template's indentation, which Python's tokenizer rejects; every
    # message it writes sits on one line (as a repr), so dropping leading blanks is safe.
    code = "\n".join(line.lstrip() for line in templatize(source).splitlines())
    yield from extract_python(io.BytesIO(code.encode("utf-8")), keywords, comment_tags, options)


def _source_files(base: Path) -> Iterator[Path]:
    paths = [base] if base.is_file() else sorted(base.rglob("*"))
    for path in paths:
        skipped = SKIP_DIRS.intersection(path.relative_to(base.parent).parts)
        if path.is_file() and not skipped and path.suffix in {".py", ".html", ".txt"}:
            yield path


def _allauth_root() -> Path:
    import allauth

    return Path(allauth.__file__).resolve().parent


def source_roots() -> list[tuple[Path, Path]]:
    """(directory or file, path it is reported relative to)."""
    roots = [(ROOT / app, ROOT) for app in PROJECT_APPS]
    allauth_root = _allauth_root()
    roots += [(allauth_root / part, allauth_root.parent) for part in ALLAUTH_PARTS]
    return roots


def extract() -> Catalog:
    template = Catalog(project="elearning", domain=DOMAIN, charset="utf-8", fuzzy=False)
    for base, relative_to in source_roots():
        for path in _source_files(base):
            if path.suffix == ".py":
                # A template directory's .txt/.html go through Django; .py through Python.
                method = extract_python
            elif "templates" in path.parts:
                method = extract_django
            else:
                continue
            location = str(path.relative_to(relative_to))
            for lineno, message, comments, context in extract_from_file(
                method, str(path), keywords=KEYWORDS, comment_tags=("Translators:",)
            ):
                template.add(message, None, [(location, lineno)], auto_comments=comments, context=context)
    return template


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN, charset="utf-8")
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def update() -> None:
    template = extract()
    for language in ALL_LANGUAGES:
        catalog = read_catalog(language)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        # Strings no longer used are dropped rather than kept as obsolete entries.
        catalog.obsolete.clear()
        catalog.project = "elearning"
        catalog.version = "1.0"
        catalog.fuzzy = False  # a fuzzy header makes pybabel skip the whole catalog
        catalog.msgid_bugs_address = ""
        catalog.last_translator = "elearning team"
        catalog.language_team = {"vi": "Vietnamese", "en": "English"}[language]
        catalog._set_mime_headers([("Plural-Forms", PLURAL_FORMS[language])])
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, include_lineno=False, sort_output=False)
        untranslated = sum(1 for message in catalog if message.id and not message.string)
        print(f"{path.relative_to(ROOT)}: {len(catalog) - 1} strings, {untranslated} untranslated")


def problems(language: str = "vi") -> list[str]:
    """Everything wrong with a catalog that must be complete, one readable line each."""
    catalog = read_catalog(language)
    glossary = read_glossary()
    found = []
    known = {(message.id if isinstance(message.id, str) else message.id[0], message.context) for message in catalog}
    for message in extract():
        if not message.id:
            continue
        key = (message.id if isinstance(message.id, str) else message.id[0], message.context)
        if key not in known:
            found.append(f"missing from {language}: {key[0]!r} (run `make messages`, then translate it)")
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            found.append(f"untranslated in {language}: {message.id!r}")
        if message.fuzzy:
            found.append(f"fuzzy in {language}: {message.id!r}")
        for error in message.check(catalog):
            found.append(f"placeholders differ in {language}: {message.id!r}: {error}")
        if language == "vi":
            for avoid, term in offences(" ".join(s for s in strings if s), glossary):
                found.append(
                    f"glossary in {language}: {message.id!r} says {avoid!r}; "
                    f"for {term.concept!r} use {' / '.join(term.use)!r} (locale/GLOSSARY.md)"
                )
    return found


def check() -> int:
    found = [line for language in TRANSLATED_LANGUAGES for line in problems(language)]
    for line in found:
        print(line)
    print(f"catalogs: {len(found)} problem(s)")
    return 1 if found else 0


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "update":
        update()
        return 0
    if command == "check":
        return check()
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
