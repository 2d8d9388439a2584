"""What every question type provides, and the parts they share.

A question type is one module of this package: its block (what an editor fills in), how its form
is drawn and read (with the attempt's opaque names, `quizzes.masking`), how it is graded, how an
answer is reviewed, what the dashboards call it, how a made-up learner answers it, and its format
in the curriculum files. `quizzes.questions.TYPES` lists them; everything else asks the registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock

CHOICE, STEP, ROW, MATCH = "choice", "step", "row", "match"


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
            raise StructBlockValidationError(
                block_errors={"alt": ValidationError(_("Describe the picture for someone who cannot see it."))}
            )
        return value


def common_blocks() -> list[tuple[str, blocks.Block]]:
    """The fields every question has after its own: a picture, the explanation, and the lesson
    that teaches it (its learning outcome: where a learner who misses it is sent back, and what a
    quiz drawing from a bank covers in every attempt)."""
    return [
        ("picture", QuestionImageBlock(label=_("picture"), required=False)),
        (
            "explanation",
            blocks.TextBlock(label=_("explanation"), help_text=_("Shown after answering: why the answer is right.")),
        ),
        (
            "lesson",
            blocks.PageChooserBlock(
                page_type="courses.LessonPage",
                required=False,
                label=_("lesson it assesses"),
                help_text=_(
                    "The lesson that teaches this: its learning outcome. A learner who misses the question is "
                    "sent back to it, and a quiz that draws questions from a bank draws from every lesson."
                ),
            ),
        ),
    ]


class Unanswered(Exception):
    """The question was left without an answer."""


class Invalid(Exception):
    """The answer is not one a form of this question can send; the message says what to do."""


@dataclass
class Line:
    """One line of a reviewed answer."""

    text: str
    correct: bool | None = None  # None: neutral (e.g. an ordering step)
    feedback: str = ""


def items(value: dict, key: str) -> list[dict]:
    return value.get(key) or []


def ids(found: list[dict]) -> list[str]:
    return [item["id"] for item in found]


def text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


class QuestionType:
    """One kind of question. Subclasses set `name`, `block` and implement the methods below; the
    data they get is the block's raw value (`{"type", "id", "value"}`'s value), which is also what
    an attempt keeps, so an old attempt is read exactly as it was graded."""

    name: ClassVar[str]
    block: ClassVar[type[blocks.StructBlock]]
    #: Which list of the value the form names opaquely and mixes up per attempt, if any.
    items_key: ClassVar[str | None] = None

    @property
    def template(self) -> str:
        """The form's fragment for this question (`quizzes/templates/quizzes/questions/`)."""
        return f"quizzes/questions/{self.name}.html"

    # -- the form -------------------------------------------------------------------------------

    def display(self, qid: str, value: dict, mask, posted) -> dict:
        """What the form needs beyond the prompt: the items in this attempt's names and order."""
        return {}

    def layout(self, qid: str, value: dict, mask) -> list[str]:
        """The ids of the items in the order this attempt's form showed them (kept with the
        attempt, so its review shows them as they were seen)."""
        return ids(mask.order(items(value, self.items_key), qid, CHOICE)) if self.items_key else []

    def fields(self, qid: str, value: dict) -> list[str]:
        """The names of the question's fields once unmasked (by real ids)."""
        from ..grading import field_name

        return [field_name(qid)]

    def unmask(self, qid: str, value: dict, data, mask, out, used: set[str]) -> None:
        """Copy this question's fields of `data` (the attempt's names) into `out` (real ids)."""
        raise NotImplementedError

    def remask(self, qid: str, value: dict, real, new, out) -> None:
        """Copy this question's fields of `real` (real ids) into `out` under the mask `new`."""
        raise NotImplementedError

    def read(self, qid: str, value: dict, data) -> Any:
        """The canonical answer from the unmasked form; raises Unanswered or Invalid."""
        raise NotImplementedError

    # -- grading and review ----------------------------------------------------------------------

    def grade(self, value: dict, answer) -> float:
        """The share of the question's one point that `answer` earns (0..1)."""
        raise NotImplementedError

    def review(self, value: dict, answer) -> tuple[list[Line], list[str]]:
        """The learner's answer in words (with its feedback), and the right answer."""
        raise NotImplementedError

    def prompt(self, value: dict) -> str:
        """What the question asks, as the dashboards' "hardest questions" list names it."""
        return value.get("question") or ""

    def simulate(self, value: dict, *, rng, right: bool):
        """A canonical answer of a made-up learner (demo classes, benchmarks)."""
        raise NotImplementedError

    # -- the curriculum files ------------------------------------------------------------------

    def check(self, value: dict, where: str, problems: list[str]) -> None:
        """Append what is wrong with a question of the curriculum files, as sentences."""
        raise NotImplementedError

    def shape(self, value: dict) -> tuple:
        """What must be the same in both languages."""
        raise NotImplementedError

    def to_block(self, value: dict, item_id) -> dict:
        """The block's value (without the common fields) from a curriculum question;
        `item_id(n)` gives the n-th item its stable id."""
        raise NotImplementedError

    def keyed(self, value: dict) -> tuple[list[str], int] | None:
        """For the predictability report: the option texts and the place of the one keyed
        answer, for a question with exactly one; None otherwise."""
        return None


class ChoiceQuestion(QuestionType):
    """A question answered by picking among its `items_key` items (one field, opaque values)."""

    items_key = "choices"
    multiple: ClassVar[bool] = False

    def display(self, qid, value, mask, posted):
        return {
            "choices": [
                {"name": mask.name(qid, CHOICE, item["id"]), "text": item["value"]["text"]}
                for item in mask.order(items(value, self.items_key), qid, CHOICE)
            ]
        }

    def unmask(self, qid, value, data, mask, out, used):
        from ..grading import field_name

        name = field_name(qid)
        names = mask.names(qid, CHOICE, items(value, self.items_key))
        used.add(name)
        out.setlist(name, [names.get(sent, "?") if sent else "" for sent in data.getlist(name)])

    def remask(self, qid, value, real, new, out):
        from ..grading import field_name

        name = field_name(qid)
        out.setlist(name, [new.name(qid, CHOICE, item) for item in real.getlist(name) if item != "?"])

    def read(self, qid, value, data):
        from ..grading import field_name

        options = ids(items(value, self.items_key))
        if self.multiple:
            chosen = data.getlist(field_name(qid))
            if not chosen:
                raise Unanswered
            if not set(chosen) <= set(options) or len(set(chosen)) != len(chosen):
                raise Invalid(_("that answer is not one of its choices."))
            return sorted(chosen)
        choice = data.get(field_name(qid), "")
        if not choice:
            raise Unanswered
        if choice not in options:
            raise Invalid(_("that answer is not one of its choices."))
        return choice

    def to_block(self, value, item_id):
        return {
            "question": value["question"].strip(),
            "choices": [
                {
                    "type": "item",
                    "id": item_id(n),
                    "value": {"text": c["text"], "correct": bool(c.get("correct")), "feedback": c["feedback"].strip()},
                }
                for n, c in enumerate(value["choices"])
            ],
        }

    def shape(self, value):
        return tuple(bool(c.get("correct")) for c in value.get("choices") or [])

    def check(self, value, where, problems):
        choices = value.get("choices") or []
        if not text(value.get("question")):
            problems.append(f"{where}: `question` is missing.")
        if not 2 <= len(choices) <= 6:
            problems.append(f"{where}: give 2 to 6 choices.")
        for number, choice in enumerate(choices, 1):
            if not (isinstance(choice, dict) and text(choice.get("text")) and text(choice.get("feedback"))):
                problems.append(f"{where}, choice {number}: each choice needs `text` and `feedback`.")
