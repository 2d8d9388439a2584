"""What a quiz form shows of its answers: nothing. Each attempt's form (its signed token carries
a random key) names every choice, step and pair by an opaque name of its own, drawn with an HMAC
of the site's secret, the attempt's key, the question and the item; and lists choices, steps and
matches in an order of its own. No name is a choice's id, no matching row shares a name with
its right match, and no position is the right one more often than chance: reading the page's
source tells nothing about the keyed answers. The server turns the names back (`unmask`) before
grading, which is unchanged and keyed by the items' real ids."""

from __future__ import annotations

import base64
import random

from django.http import QueryDict
from django.utils.crypto import salted_hmac

CHOICE, STEP, ROW, MATCH = "choice", "step", "row", "match"
CHOICE_KEYS = {"single_choice": "choices", "multiple_choice": "choices", "scenario": "options"}


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
    from .grading import field_name

    out = QueryDict(mutable=True)
    used: set[str] = set()
    unknown = "?"
    for question in questions:
        qid, kind, value = question["id"], question["type"], question["value"]
        name = field_name(qid)
        if kind in CHOICE_KEYS:
            names = mask.names(qid, CHOICE, value.get(CHOICE_KEYS[kind]) or [])
            used.add(name)
            out.setlist(name, [names.get(sent, unknown) if sent else "" for sent in data.getlist(name)])
        elif kind == "true_false":
            used.add(name)
            out.setlist(name, data.getlist(name))
        elif kind == "ordering":
            for step in value.get("steps") or []:
                sent = field_name(qid, mask.name(qid, STEP, step["id"]))
                used.add(sent)
                if sent in data:
                    out[field_name(qid, step["id"])] = data[sent]
        elif kind == "matching":
            pairs = value.get("pairs") or []
            matches = mask.names(qid, MATCH, pairs)
            for pair in pairs:
                sent = field_name(qid, mask.name(qid, ROW, pair["id"]))
                used.add(sent)
                if sent in data:
                    out[field_name(qid, pair["id"])] = matches.get(data[sent], unknown) if data[sent] else ""
    for key in data:
        if key.startswith("q-") and key not in used:
            # Kept, so that it is refused as unknown, but never under a name a question has: a
            # part named by its real id (`q-<question>-<step>`) is not this attempt's name for it.
            out.setlist("q-?" + key[2:], data.getlist(key))
    return out


def remask(questions: list[dict], data, old: Mask, new: Mask) -> QueryDict:
    """A form submitted under `old` as if it had been filled in under `new` (an expired form
    shown again with a new token keeps the learner's answers)."""
    from .grading import field_name

    real = unmask(questions, data, old)
    out = QueryDict(mutable=True)
    for question in questions:
        qid, kind, value = question["id"], question["type"], question["value"]
        name = field_name(qid)
        if kind in CHOICE_KEYS:
            out.setlist(name, [new.name(qid, CHOICE, item) for item in real.getlist(name) if item != "?"])
        elif kind == "true_false":
            out.setlist(name, real.getlist(name))
        elif kind == "ordering":
            for step in value.get("steps") or []:
                if field_name(qid, step["id"]) in real:
                    out[field_name(qid, new.name(qid, STEP, step["id"]))] = real[field_name(qid, step["id"])]
        elif kind == "matching":
            for pair in value.get("pairs") or []:
                chosen = real.get(field_name(qid, pair["id"]), "")
                if chosen and chosen != "?":
                    out[field_name(qid, new.name(qid, ROW, pair["id"]))] = new.name(qid, MATCH, chosen)
    return out
