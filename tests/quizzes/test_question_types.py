"""One registry of question types (quizzes.questions): every list of types agrees with it, and
every type does all a type must, end to end on the fixture quiz (one question of each type)."""

import random
from pathlib import Path

from django.http import QueryDict
from django.template.loader import get_template

from courses.curriculum import block_parts, read_module
from quizzes.blocks import QuestionStreamBlock
from quizzes.grading import read_answers
from quizzes.masking import Mask, remask, unmask
from quizzes.questions import TYPES
from quizzes.questions.base import QuestionType
from tests.conftest import FIXTURE_MODULE

README = Path(__file__).resolve().parents[2] / "courses" / "curriculum" / "README.md"


def test_every_list_of_question_types_is_the_registry():
    assert list(QuestionStreamBlock().child_blocks) == list(TYPES)
    fixture = read_module(FIXTURE_MODULE).data["vi"]["quiz"]["questions"]
    assert [block_parts(q)[0] for q in fixture] == list(TYPES)  # the fixture tries every type
    readme = README.read_text()
    for name, kind in TYPES.items():
        assert kind.name == name
        assert f"- {name}:" in readme  # the curriculum format documents it
        get_template(kind.template)  # its form fragment exists
        overridden = {attr for attr in vars(type(kind)) | vars(type(kind).__mro__[1]) if not attr.startswith("_")}
        for method in ("read", "grade", "review", "simulate", "check", "shape", "to_block", "unmask", "remask"):
            assert method in overridden or getattr(type(kind), method) is not getattr(QuestionType, method), (
                f"{name} does not define {method}"
            )


def test_every_type_reads_back_what_its_form_sends_and_grades_a_right_answer_full(quiz):
    questions = list(quiz.questions.raw_data)
    rng = random.Random(1)
    mask = Mask("attempt-key")
    for question in questions:
        kind, value, qid = TYPES[question["type"]], question["value"], question["id"]
        right = kind.simulate(value, rng=rng, right=True)
        assert kind.grade(value, right) == 1.0
        wrong = kind.simulate(value, rng=rng, right=False)
        assert kind.grade(value, wrong) < 1.0
        yours, keyed = kind.review(value, right)
        assert yours and keyed
        assert kind.prompt(value)
        # What the form would send for `right`, in this attempt's names, reads back as `right`.
        real = QueryDict(mutable=True)
        _post(kind.name, qid, value, right, real)
        masked = remask([question], real, _Identity(), mask)
        assert read_answers([question], unmask([question], masked, mask)) == {qid: right}
        shown = kind.display(qid, value, mask, None)
        assert qid not in str(shown.get("choices", "")) and all(
            item["id"] not in str(shown)
            for key in ("choices", "options", "pairs", "steps")
            for item in value.get(key) or []
        )


class _Identity(Mask):
    def __init__(self):
        super().__init__("")

    def name(self, question_id, role, item_id):
        return item_id


def _post(kind, qid, value, answer, out):
    name = f"q-{qid}"
    if kind == "multiple_choice":
        out.setlist(name, answer)
    elif kind == "true_false":
        out[name] = "true" if answer else "false"
    elif kind == "ordering":
        for position, step in enumerate(answer, 1):
            out[f"{name}-{step}"] = str(position)
    elif kind == "matching":
        for pair, chosen in answer.items():
            out[f"{name}-{pair}"] = chosen
    else:
        out[name] = answer
