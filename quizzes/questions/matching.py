"""Match each item with its answer: the share of items matched right."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .base import MATCH, ROW, Invalid, Line, QuestionType, Unanswered, common_blocks, ids, items, text


class PairBlock(blocks.StructBlock):
    item = blocks.CharBlock(label=_("item"), max_length=200)
    match = blocks.CharBlock(label=_("its match"), max_length=200)


class MatchingBlock(blocks.StructBlock):
    question = blocks.TextBlock(label=_("question"))
    pairs = blocks.ListBlock(PairBlock(), label=_("pairs"), min_num=3, max_num=6)

    def __init__(self, **kwargs):
        super().__init__(common_blocks(), **kwargs)

    class Meta:
        icon = "link"
        label = _("Matching pairs")
        description = _("Match each item with its answer; part marks.")


class Matching(QuestionType):
    """Each item is a row (a field named opaquely) whose value is a match (named opaquely too,
    with other names than the rows, so that no row shares a name with its right match)."""

    name = "matching"
    block = MatchingBlock

    def display(self, qid, value, mask, posted):
        from ..grading import field_name

        pairs = []
        for pair in items(value, "pairs"):
            name = field_name(qid, mask.name(qid, ROW, pair["id"]))
            pairs.append(
                {"text": pair["value"]["item"], "name": name, "chosen": posted.get(name, "") if posted else ""}
            )
        matches = [
            {"name": mask.name(qid, MATCH, pair["id"]), "text": pair["value"]["match"]}
            for pair in mask.order(items(value, "pairs"), qid, MATCH)
        ]
        return {"pairs": pairs, "matches": matches}

    def layout(self, qid, value, mask):
        return ids(mask.order(items(value, "pairs"), qid, MATCH))

    def fields(self, qid, value):
        from ..grading import field_name

        return [field_name(qid, item["id"]) for item in items(value, "pairs")]

    def unmask(self, qid, value, data, mask, out, used):
        from ..grading import field_name

        pairs = items(value, "pairs")
        matches = mask.names(qid, MATCH, pairs)
        for pair in pairs:
            sent = field_name(qid, mask.name(qid, ROW, pair["id"]))
            used.add(sent)
            if sent in data:
                out[field_name(qid, pair["id"])] = matches.get(data[sent], "?") if data[sent] else ""

    def remask(self, qid, value, real, new, out):
        from ..grading import field_name

        for pair in items(value, "pairs"):
            chosen = real.get(field_name(qid, pair["id"]), "")
            if chosen and chosen != "?":
                out[field_name(qid, new.name(qid, ROW, pair["id"]))] = new.name(qid, MATCH, chosen)

    def read(self, qid, value, data):
        from ..grading import field_name

        pairs = ids(items(value, "pairs"))
        chosen = {pair: data.get(field_name(qid, pair), "") for pair in pairs}
        if not all(chosen.values()):
            raise Unanswered
        if not set(chosen.values()) <= set(pairs):
            raise Invalid(_("that answer is not one of its choices."))
        return chosen

    def grade(self, value, answer):
        pairs = ids(items(value, "pairs"))
        return sum(1 for pair in pairs if answer.get(pair) == pair) / len(pairs)

    def review(self, value, answer):
        pairs = {p["id"]: p["value"] for p in items(value, "pairs")}
        return [
            Line(f"{p['value']['item']} → {pairs[answer[p['id']]]['match']}", answer[p["id"]] == p["id"])
            for p in items(value, "pairs")
        ], [f"{p['value']['item']} → {p['value']['match']}" for p in items(value, "pairs")]

    def simulate(self, value, *, rng, right):
        pairs = ids(items(value, "pairs"))
        return {i: (i if right else pairs[(n + 1) % len(pairs)]) for n, i in enumerate(pairs)}

    def check(self, value, where, problems):
        pairs = value.get("pairs") or []
        ok = all(isinstance(p, dict) and text(p.get("item")) and text(p.get("match")) for p in pairs)
        if not text(value.get("question")) or not 3 <= len(pairs) <= 6 or not ok:
            problems.append(f"{where}: a matching question needs `question` and 3 to 6 `pairs` of `item` and `match`.")
        elif len({p["match"] for p in pairs}) != len(pairs):
            problems.append(f"{where}: each pair needs a different `match`.")

    def shape(self, value):
        return len(value.get("pairs") or [])

    def to_block(self, value, item_id):
        return {
            "question": value["question"].strip(),
            "pairs": [
                {"type": "item", "id": item_id(n), "value": {"item": p["item"], "match": p["match"]}}
                for n, p in enumerate(value["pairs"])
            ],
        }
