"""What would you do? Each option scores 0, 1 or 2 and has its own feedback: score / 2."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .base import ChoiceQuestion, Line, common_blocks, items, text


class ScenarioOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("option"), max_length=300)
    score = blocks.IntegerBlock(label=_("score"), min_value=0, max_value=2, default=0)
    feedback = blocks.TextBlock(label=_("feedback"))


class ScenarioQuestionBlock(blocks.StructBlock):
    situation = blocks.TextBlock(label=_("situation"))
    question = blocks.CharBlock(label=_("question"), max_length=250)
    options = blocks.ListBlock(ScenarioOptionBlock(), label=_("options"), min_num=2, max_num=5)

    def __init__(self, **kwargs):
        super().__init__(common_blocks(), **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if max(option["score"] for option in value["options"]) != 2:
            raise blocks.StructBlockValidationError(non_block_errors=[_("Give the best option(s) a score of 2.")])
        return value

    class Meta:
        icon = "group"
        label = _("What would you do?")
        description = _("A situation; each option scores 0, 1 or 2 and has its own feedback.")


class Scenario(ChoiceQuestion):
    name = "scenario"
    block = ScenarioQuestionBlock
    items_key = "options"

    def grade(self, value, answer):
        return {o["id"]: o["value"]["score"] for o in items(value, "options")}[answer] / 2

    def review(self, value, answer):
        chosen = {o["id"]: o["value"] for o in items(value, "options")}[answer]
        return [Line(chosen["text"], chosen["score"] == 2, chosen["feedback"])], [
            o["value"]["text"] for o in items(value, "options") if o["value"]["score"] == 2
        ]

    def simulate(self, value, *, rng, right):
        options = items(value, "options")
        pick = max if right else min
        return pick(options, key=lambda o: o["value"]["score"])["id"]

    def to_block(self, value, item_id):
        return {
            "situation": value["situation"].strip(),
            "question": value["question"].strip(),
            "options": [
                {
                    "type": "item",
                    "id": item_id(n),
                    "value": {"text": o["text"], "score": int(o["score"]), "feedback": o["feedback"].strip()},
                }
                for n, o in enumerate(value["options"])
            ],
        }

    def shape(self, value):
        return tuple(o.get("score") for o in value.get("options") or [])

    def check(self, value, where, problems):
        options = value.get("options") or []
        if not text(value.get("situation")) or not text(value.get("question")):
            problems.append(f"{where}: a scenario needs `situation` and `question`.")
        if not 2 <= len(options) <= 5:
            problems.append(f"{where}: give 2 to 5 options.")
        for number, option in enumerate(options, 1):
            if not (isinstance(option, dict) and text(option.get("text")) and text(option.get("feedback"))):
                problems.append(f"{where}, option {number}: each option needs `text` and `feedback`.")
            elif option.get("score") not in (0, 1, 2):
                problems.append(f"{where}, option {number}: `score` is 0, 1 or 2.")
        if options and max((o.get("score") or 0) for o in options if isinstance(o, dict)) != 2:
            problems.append(f"{where}: at least one option scores 2 (the best thing to do).")

    def keyed(self, value):
        options = value.get("options") or []
        if len(options) < 2:
            return None
        best = max(int(o.get("score") or 0) for o in options)
        keyed = [i for i, o in enumerate(options) if int(o.get("score") or 0) == best]
        if len(keyed) != 1:
            return None
        return [str(o.get("text") or "") for o in options], keyed[0]
