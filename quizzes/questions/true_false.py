"""A statement the learner marks as true or false: 1 point or none."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .base import Invalid, Line, QuestionType, Unanswered, common_blocks, text


class TrueFalseBlock(blocks.StructBlock):
    statement = blocks.TextBlock(label=_("statement"))
    answer = blocks.BooleanBlock(label=_("the statement is true"), required=False)

    def __init__(self, **kwargs):
        super().__init__(common_blocks(), **kwargs)

    class Meta:
        icon = "tick"
        label = _("True or false")
        description = _("A statement the learner marks as true or false.")


class TrueFalse(QuestionType):
    """Its two answers are the same words in every form, so nothing is masked."""

    name = "true_false"
    block = TrueFalseBlock

    def unmask(self, qid, value, data, mask, out, used):
        from ..grading import field_name

        used.add(field_name(qid))
        out.setlist(field_name(qid), data.getlist(field_name(qid)))

    def remask(self, qid, value, real, new, out):
        from ..grading import field_name

        out.setlist(field_name(qid), real.getlist(field_name(qid)))

    def read(self, qid, value, data):
        from ..grading import field_name

        choice = data.get(field_name(qid), "")
        if not choice:
            raise Unanswered
        if choice not in ("true", "false"):
            raise Invalid(_("answer true or false."))
        return choice == "true"

    def grade(self, value, answer):
        return 1.0 if answer == bool(value.get("answer")) else 0.0

    def review(self, value, answer):
        right = bool(value.get("answer"))
        return [Line("true" if answer else "false", answer == right)], ["true" if right else "false"]

    def prompt(self, value):
        return value.get("statement") or ""

    def simulate(self, value, *, rng, right):
        return bool(value.get("answer")) == right

    def check(self, value, where, problems):
        if not text(value.get("statement")) or not isinstance(value.get("answer"), bool):
            problems.append(f"{where}: a true/false question needs `statement` and `answer: true|false`.")

    def shape(self, value):
        return value.get("answer")

    def to_block(self, value, item_id):
        return {"statement": value["statement"].strip(), "answer": bool(value["answer"])}
