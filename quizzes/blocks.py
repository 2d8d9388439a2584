"""Question blocks of a quiz. Answers are keyed by the question block's id and by the ids of
its list items (choices, steps, pairs, options), never by position, so that editing a quiz
never scrambles the attempts already made. Grading is in `quizzes.grading`."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class QuestionImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"), required=False)
    alt = blocks.CharBlock(
        label=_("alternative text"),
        required=False,
        max_length=250,
        help_text=_("Required with an image: say what the picture shows."),
    )

    def clean(self, value):
        value = super().clean(value)
        if value.get("image") and not value.get("alt"):
            from django.core.exceptions import ValidationError
            from wagtail.blocks.struct_block import StructBlockValidationError

            raise StructBlockValidationError(
                block_errors={"alt": ValidationError(_("Describe the picture for someone who cannot see it."))}
            )
        return value


def _common():
    return [
        ("picture", QuestionImageBlock(label=_("picture"), required=False)),
        (
            "explanation",
            blocks.TextBlock(label=_("explanation"), help_text=_("Shown after answering: why the answer is right.")),
        ),
    ]


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("choice"), max_length=300)
    correct = blocks.BooleanBlock(label=_("correct"), required=False)
    feedback = blocks.TextBlock(label=_("feedback"), help_text=_("Why this choice is right or not."))


class SingleChoiceBlock(blocks.StructBlock):
    question = blocks.TextBlock(label=_("question"))
    choices = blocks.ListBlock(ChoiceBlock(), label=_("choices"), min_num=2, max_num=6)

    def __init__(self, **kwargs):
        super().__init__(_common(), **kwargs)

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for choice in value["choices"] if choice["correct"])
        if correct != 1:
            raise blocks.StructBlockValidationError(non_block_errors=[_("Mark exactly one choice as correct.")])
        return value

    class Meta:
        icon = "radio-full"
        label = _("Single choice")
        description = _("One correct answer among a few choices.")


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


class TrueFalseBlock(blocks.StructBlock):
    statement = blocks.TextBlock(label=_("statement"))
    answer = blocks.BooleanBlock(label=_("the statement is true"), required=False)

    def __init__(self, **kwargs):
        super().__init__(_common(), **kwargs)

    class Meta:
        icon = "tick"
        label = _("True or false")
        description = _("A statement the learner marks as true or false.")


class OrderingBlock(blocks.StructBlock):
    question = blocks.TextBlock(label=_("question"))
    steps = blocks.ListBlock(
        blocks.CharBlock(label=_("step"), max_length=200),
        label=_("steps, in the right order"),
        min_num=3,
        max_num=6,
        help_text=_("Write them in the right order; learners see them mixed up."),
    )

    def __init__(self, **kwargs):
        super().__init__(_common(), **kwargs)

    class Meta:
        icon = "list-ol"
        label = _("Put in order")
        description = _("Steps to put in order, such as the steps of reporting; part marks.")


class PairBlock(blocks.StructBlock):
    item = blocks.CharBlock(label=_("item"), max_length=200)
    match = blocks.CharBlock(label=_("its match"), max_length=200)


class MatchingBlock(blocks.StructBlock):
    question = blocks.TextBlock(label=_("question"))
    pairs = blocks.ListBlock(PairBlock(), label=_("pairs"), min_num=3, max_num=6)

    def __init__(self, **kwargs):
        super().__init__(_common(), **kwargs)

    class Meta:
        icon = "link"
        label = _("Matching pairs")
        description = _("Match each item with its answer; part marks.")


class ScenarioOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("option"), max_length=300)
    score = blocks.IntegerBlock(label=_("score"), min_value=0, max_value=2, default=0)
    feedback = blocks.TextBlock(label=_("feedback"))


class ScenarioQuestionBlock(blocks.StructBlock):
    situation = blocks.TextBlock(label=_("situation"))
    question = blocks.CharBlock(label=_("question"), max_length=250)
    options = blocks.ListBlock(ScenarioOptionBlock(), label=_("options"), min_num=2, max_num=5)

    def __init__(self, **kwargs):
        super().__init__(_common(), **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if max(option["score"] for option in value["options"]) != 2:
            raise blocks.StructBlockValidationError(non_block_errors=[_("Give the best option(s) a score of 2.")])
        return value

    class Meta:
        icon = "group"
        label = _("What would you do?")
        description = _("A situation; each option scores 0, 1 or 2 and has its own feedback.")


class QuestionStreamBlock(blocks.StreamBlock):
    single_choice = SingleChoiceBlock()
    multiple_choice = MultipleChoiceBlock()
    true_false = TrueFalseBlock()
    ordering = OrderingBlock()
    matching = MatchingBlock()
    scenario = ScenarioQuestionBlock()
