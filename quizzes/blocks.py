"""The stream of question blocks of a quiz, one child per question type
(`quizzes.questions.TYPES`). Answers are keyed by the question block's id and by the ids of its
list items (choices, steps, pairs, options), never by position, so that editing a quiz never
scrambles the attempts already made."""

from wagtail import blocks

from .questions import TYPES
from .questions.base import QuestionImageBlock
from .questions.matching import MatchingBlock, PairBlock
from .questions.multiple_choice import MultipleChoiceBlock
from .questions.ordering import OrderingBlock
from .questions.scenario import ScenarioOptionBlock, ScenarioQuestionBlock
from .questions.single_choice import ChoiceBlock, SingleChoiceBlock
from .questions.true_false import TrueFalseBlock

__all__ = [
    "ChoiceBlock",
    "MatchingBlock",
    "MultipleChoiceBlock",
    "OrderingBlock",
    "PairBlock",
    "QuestionImageBlock",
    "QuestionStreamBlock",
    "ScenarioOptionBlock",
    "ScenarioQuestionBlock",
    "SingleChoiceBlock",
    "TrueFalseBlock",
]


class QuestionStreamBlock(blocks.StreamBlock):
    def __init__(self, local_blocks=None, **kwargs):
        local_blocks = local_blocks or [(name, kind.block()) for name, kind in TYPES.items()]
        super().__init__(local_blocks, **kwargs)
