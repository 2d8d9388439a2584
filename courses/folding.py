"""Vietnamese typed without its diacritics: "tong tien" for "tống tiền". Many learners type on
phones or keyboards without a Vietnamese input method, so search compares folded text."""

from __future__ import annotations

import unicodedata

_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str) -> str:
    """`text` without tone marks and vowel marks, lower case ("Tống tiền" -> "tong tien")."""
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
