"""The Vietnamese glossary (locale/GLOSSARY.md): one term per concept. Its table lists, per
concept, the term to use and the terms not to use; `scripts/catalogs.py check` refuses a
translation, and `scripts/check_curriculum.py` a lesson or quiz, that uses a term not to use.

A row looks like `| certificate | giấy chứng nhận | chứng chỉ; chứng nhận |`. Matching ignores
case and stops at word boundaries, and an occurrence of the term to use is never counted as one
of a term not to use that it contains ("giấy chứng nhận" is not "chứng nhận")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

GLOSSARY = Path(__file__).resolve().parent.parent / "locale" / "GLOSSARY.md"


@dataclass(frozen=True)
class Term:
    concept: str
    use: tuple[str, ...]
    avoid: tuple[str, ...]


def _terms(cell: str) -> tuple[str, ...]:
    return tuple(t.strip().strip("`").strip() for t in cell.split(";") if t.strip().strip("`").strip())


def read_glossary(path: Path = GLOSSARY) -> list[Term]:
    terms = []
    if not path.is_file():
        return terms
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.lstrip().startswith("|") or len(cells) < 3 or set(cells[0]) <= {"-", ":", " "}:
            continue
        if cells[0].lower() in ("concept", "khái niệm"):
            continue
        use, avoid = _terms(cells[1]), _terms(cells[2])
        if use and avoid:
            terms.append(Term(concept=cells[0], use=use, avoid=avoid))
    return terms


def _pattern(term: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(term) + r"(?!\w)", re.IGNORECASE)


def offences(text: str, terms: list[Term]) -> list[tuple[str, Term]]:
    """The terms not to use that `text` uses, each with its glossary row."""
    found = []
    for term in terms:
        masked = text
        for use in term.use:
            masked = _pattern(use).sub("\x00", masked)
        for avoid in term.avoid:
            if _pattern(avoid).search(masked):
                found.append((avoid, term))
    return found
