"""Choose all that apply: (right choices ticked - wrong ones ticked) / right choices, at least 0."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .base import ChoiceQuestion, Line, ids, items
from .single_choice import SingleChoiceBlock


class MultipleChoiceBlock(SingleChoiceBlock):
    def clean(self, value):
        value = blocks.StructBlock.clean(self, value)
        correct = sum(1 for choice in value["choices"] if choice["correct"])
        if correct < 2 or correct == len(value["choices"]):
            raise blocks.StructBlockValidationError(
                non_block_errors=[_("Mark at least two choices as correct, and leave at least one wrong.")]
            )
        return value

    class Meta:
        icon = "tasks"
        label = _("Multiple choice")
        description = _("Choose all that apply; part marks for part of the right answers.")


class MultipleChoice(ChoiceQuestion):
    name = "multiple_choice"
    block = MultipleChoiceBlock
    multiple = True

    def _right(self, value):
        return {c["id"] for c in items(value, "choices") if c["value"]["correct"]}

    def grade(self, value, answer):
        right, chosen = self._right(value), set(answer)
        return max(0.0, (len(chosen & right) - len(chosen - right)) / len(right))

    def review(self, value, answer):
        choices = {c["id"]: c["value"] for c in items(value, "choices")}
        return [Line(choices[c]["text"], choices[c]["correct"], choices[c]["feedback"]) for c in answer], [
            c["value"]["text"] for c in items(value, "choices") if c["value"]["correct"]
        ]

    def simulate(self, value, *, rng, right):
        correct = sorted(self._right(value))
        wrong = [i for i in ids(items(value, "choices")) if i not in correct]
        return correct if right or not wrong else sorted([*correct[:1], wrong[0]])

    def check(self, value, where, problems):
        super().check(value, where, problems)
        choices = value.get("choices") or []
        correct = sum(1 for c in choices if isinstance(c, dict) and c.get("correct") is True)
        if not 2 <= correct < len(choices):
            problems.append(f"{where}: a multiple-choice question has at least two correct choices and one wrong.")
