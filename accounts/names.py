"""A person's, a class's or a school's name as the site stores it: one Unicode spelling, and only
characters that a reader can see.

Vietnamese can be typed in two Unicode spellings ("ễ" as one character, or "e" followed by two
combining marks): both look alike, so two pupils "Nguyễn An" could be told apart only by the
computer. Names are stored in the composed form (NFC), and compared in it. Characters that print
nothing, or that change how what follows is printed, are refused rather than removed, so that the
teacher sees what was pasted: control characters (a NUL byte among them), zero-width and other
format characters (a right-to-left override turns "Anna\u202egnp.exe" into what reads "Annaexe.png"),
private-use and unassigned code points.
"""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Cc control, Cf format (zero-width, bidi controls, soft hyphen, BOM), Cs surrogates, Co private
# use, Cn unassigned, Zl/Zp line and paragraph separators.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
# Shown at most this many, so that a long paste gives a readable message.
_MAX_NAMED = 3


def _describe(character: str) -> str:
    name = unicodedata.name(character, "")
    code = f"U+{ord(character):04X}"
    return f"{code} {name}" if name else code


def refused_characters(text: str) -> list[str]:
    """The distinct characters of `text` that a name may not hold, described (`U+200B ZERO WIDTH
    SPACE`), in the order they first appear. Ordinary spaces, tabs and line ends are not among
    them: `clean_name` folds those."""
    found: list[str] = []
    for character in text:
        if character in "\t\n\r":
            continue
        if unicodedata.category(character) in _REFUSED_CATEGORIES and character not in found:
            found.append(character)
    return [_describe(character) for character in found]


def normalise(text: str) -> str:
    """NFC, with runs of whitespace made one space and the ends trimmed. For comparing names
    too: `normalise(a).casefold() == normalise(b).casefold()`."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def clean_name(raw: str) -> str:
    """The name as stored, or ValidationError saying which characters to remove."""
    refused = refused_characters(raw or "")
    if refused:
        shown = ", ".join(refused[:_MAX_NAMED]) + (" …" if len(refused) > _MAX_NAMED else "")
        raise ValidationError(
            _(
                "The name holds characters that do not show on screen (%(characters)s): type the name "
                "again rather than pasting it, or delete those characters."
            )
            % {"characters": shown},
            code="invisible_characters",
        )
    return normalise(raw)


class NameField(forms.CharField):
    """A form field for a name: `clean_name` on what was typed."""

    def to_python(self, value):
        value = super().to_python(value)
        return clean_name(value) if value else value
