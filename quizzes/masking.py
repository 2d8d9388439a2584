"""What a quiz form shows of its answers: nothing. Each attempt's form (its signed token carries
a random key) names every choice, step and pair by an opaque name of its own, drawn with an HMAC
of the site's secret, the attempt's key, the question and the item; and lists choices, steps and
matches in an order of its own. No name is a choice's id, no matching row shares a name with
its right match, and no position is the right one more often than chance: reading the page's
source tells nothing about the keyed answers. The server turns the names back (`unmask`) before
grading, which is keyed by the items' real ids. Each question type says how its fields are named
(`quizzes.questions`)."""

from __future__ import annotations

import base64
import random

from django.http import QueryDict
from django.utils.crypto import salted_hmac

from .questions import of
from .questions.base import CHOICE, MATCH, ROW, STEP

__all__ = ["CHOICE", "MATCH", "ROW", "STEP", "Mask", "RealIds", "remask", "unmask"]


class Mask:
    """One attempt's names and orders (`key`: the attempt's random key, from its token)."""

    def __init__(self, key: str):
        self.key = key

    def _digest(self, *parts: str) -> bytes:
        return salted_hmac("quizzes.masking", ":".join((self.key, *parts)), algorithm="sha256").digest()

    def name(self, question_id: str, role: str, item_id: str) -> str:
        """The opaque name of an item in this attempt's form (16 letters and digits)."""
        return base64.b32encode(self._digest(question_id, role, item_id)).decode()[:16].lower()

    def order(self, items: list, question_id: str, role: str) -> list:
        """`items` in this attempt's order for the question (the same on every render of it)."""
        shuffled = list(items)
        random.Random(self._digest(question_id, role, "order")).shuffle(shuffled)
        return shuffled

    def names(self, question_id: str, role: str, items: list[dict]) -> dict[str, str]:
        """{opaque name: item id} for the items of a question."""
        return {self.name(question_id, role, item["id"]): item["id"] for item in items}


class RealIds(Mask):
    """The names a form had before forms were masked (each item by its id, in the authored
    order): a form opened then and sent after is read with it, to show its answers again."""

    def __init__(self):
        super().__init__("")

    def name(self, question_id: str, role: str, item_id: str) -> str:
        return item_id


def unmask(questions: list[dict], data, mask: Mask) -> QueryDict:
    """The submitted form with the real field names and values that `grading.read_answers`
    reads. A name this attempt did not give is refused as unknown (even one that names a part by
    its real id), and a value it did not give becomes one that no question has."""
    out = QueryDict(mutable=True)
    used: set[str] = set()
    for question in questions:
        of(question["type"]).unmask(question["id"], question["value"], data, mask, out, used)
    for key in data:
        if key.startswith("q-") and key not in used:
            # Kept, so that it is refused as unknown, but never under a name a question has: a
            # part named by its real id (`q-<question>-<step>`) is not this attempt's name for it.
            out.setlist("q-?" + key[2:], data.getlist(key))
    return out


def remask(questions: list[dict], data, old: Mask, new: Mask) -> QueryDict:
    """A form submitted under `old` as if it had been filled in under `new` (an expired form
    shown again with a new token keeps the learner's answers)."""
    real = unmask(questions, data, old)
    out = QueryDict(mutable=True)
    for question in questions:
        of(question["type"]).remask(question["id"], question["value"], real, new, out)
    return out
