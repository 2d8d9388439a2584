"""One right answer among a few choices: 1 point or none."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .base import ChoiceQuestion, Line, common_blocks, ids, items


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("choice"), max_length=300)
    correct = blocks.BooleanBlock(label=_("correct"), required=False)
    feedback = blocks.TextBlock(label=_("feedback"), help_text=_("Why this choice is right or not."))


class SingleChoiceBlock(blocks.StructBlock):
    question = blocks.TextBlock(label=_("question"))
    choices = blocks.ListBlock(ChoiceBlock(), label=_("choices"), min_num=2, max_num=6)

    def __init__(self, **kwargs):
        super().__init__(common_blocks(), **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if sum(1 for choice in value["choices"] if choice["correct"]) != 1:
            raise blocks.StructBlockValidationError(non_block_errors=[_("Mark exactly one choice as correct.")])
        return value

    class Meta:
        icon = "radio-full"
        label = _("Single choice")
        description = _("One correct answer among a few choices.")


class SingleChoice(ChoiceQuestion):
    name = "single_choice"
    block = SingleChoiceBlock

    def _right(self, value):
        return [c for c in items(value, "choices") if c["value"]["correct"]]

    def grade(self, value, answer):
        return 1.0 if answer == self._right(value)[0]["id"] else 0.0

    def review(self, value, answer):
        chosen = {c["id"]: c["value"] for c in items(value, "choices")}[answer]
        return [Line(chosen["text"], chosen["correct"], chosen["feedback"])], [
            c["value"]["text"] for c in self._right(value)
        ]

    def simulate(self, value, *, rng, right):
        correct = ids(self._right(value))
        wrong = [i for i in ids(items(value, "choices")) if i not in correct] or correct
        return correct[0] if right else rng.choice(wrong)

    def check(self, value, where, problems):
        super().check(value, where, problems)
        if sum(1 for c in value.get("choices") or [] if isinstance(c, dict) and c.get("correct") is True) != 1:
            problems.append(f"{where}: a single-choice question has exactly one `correct: true`.")

    def keyed(self, value):
        choices = value.get("choices") or []
        keyed = [i for i, c in enumerate(choices) if c.get("correct")]
        if len(choices) < 2 or len(keyed) != 1:
            return None
        return [str(c.get("text") or "") for c in choices], keyed[0]
