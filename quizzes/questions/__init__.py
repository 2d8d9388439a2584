"""The question types, each defined once in a module of its own (see `base.QuestionType`): a new
type is a new module here, added to `TYPES`, with its form fragment in
`templates/quizzes/questions/<name>.html`. The stream of question blocks, grading, masking,
review, the dashboards and the curriculum files all ask this registry."""

from __future__ import annotations

from .base import QuestionType
from .matching import Matching
from .multiple_choice import MultipleChoice
from .ordering import Ordering
from .scenario import Scenario
from .single_choice import SingleChoice
from .true_false import TrueFalse

TYPES: dict[str, QuestionType] = {
    t.name: t for t in (SingleChoice(), MultipleChoice(), TrueFalse(), Ordering(), Matching(), Scenario())
}


def of(kind: str) -> QuestionType:
    """The type named `kind`; KeyError for a name no type has."""
    return TYPES[kind]


def prompt_of(block: dict) -> str:
    """What a question (raw block data) asks, in its own words."""
    kind = TYPES.get(block.get("type"))
    return kind.prompt(block.get("value") or {}) if kind else ""
