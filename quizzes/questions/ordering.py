"""Steps to put in order: the share of steps in their right place."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .base import STEP, Invalid, Line, QuestionType, Unanswered, common_blocks, ids, items, text


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
        super().__init__(common_blocks(), **kwargs)

    class Meta:
        icon = "list-ol"
        label = _("Put in order")
        description = _("Steps to put in order, such as the steps of reporting; part marks.")


class Ordering(QuestionType):
    """Each step is a field of its own (named opaquely), whose value is its place: 1, 2, ..."""

    name = "ordering"
    block = OrderingBlock

    def display(self, qid, value, mask, posted):
        from ..grading import field_name

        steps = []
        for step in mask.order(items(value, "steps"), qid, STEP):
            name = field_name(qid, mask.name(qid, STEP, step["id"]))
            steps.append({"text": step["value"], "name": name, "chosen": posted.get(name, "") if posted else ""})
        return {"steps": steps, "positions": [str(n) for n in range(1, len(steps) + 1)]}

    def layout(self, qid, value, mask):
        return ids(mask.order(items(value, "steps"), qid, STEP))

    def fields(self, qid, value):
        from ..grading import field_name

        return [field_name(qid, item["id"]) for item in items(value, "steps")]

    def unmask(self, qid, value, data, mask, out, used):
        from ..grading import field_name

        for step in items(value, "steps"):
            sent = field_name(qid, mask.name(qid, STEP, step["id"]))
            used.add(sent)
            if sent in data:
                out[field_name(qid, step["id"])] = data[sent]

    def remask(self, qid, value, real, new, out):
        from ..grading import field_name

        for step in items(value, "steps"):
            if field_name(qid, step["id"]) in real:
                out[field_name(qid, new.name(qid, STEP, step["id"]))] = real[field_name(qid, step["id"])]

    def read(self, qid, value, data):
        from ..grading import field_name

        steps = ids(items(value, "steps"))
        positions = {step: data.get(field_name(qid, step), "") for step in steps}
        if not all(positions.values()):
            raise Unanswered
        try:
            numbers = {step: int(position) for step, position in positions.items()}
        except ValueError as error:
            raise Invalid(_("give each step a number.")) from error
        if sorted(numbers.values()) != list(range(1, len(steps) + 1)):
            raise Invalid(_("give each step a different number, from 1 to %(count)s.") % {"count": len(steps)})
        return sorted(steps, key=numbers.get)

    def grade(self, value, answer):
        steps = ids(items(value, "steps"))
        return sum(1 for a, b in zip(answer, steps, strict=True) if a == b) / len(steps)

    def review(self, value, answer):
        steps = {s["id"]: s["value"] for s in items(value, "steps")}
        right = ids(items(value, "steps"))
        return [Line(steps[s], s == right[i]) for i, s in enumerate(answer)], [steps[s] for s in right]

    def simulate(self, value, *, rng, right):
        steps = ids(items(value, "steps"))
        return steps if right else list(reversed(steps))

    def check(self, value, where, problems):
        steps = value.get("steps") or []
        if not text(value.get("question")) or not 3 <= len(steps) <= 6 or not all(text(s) for s in steps):
            problems.append(f"{where}: an ordering question needs `question` and 3 to 6 `steps` in the right order.")
        elif len(set(steps)) != len(steps):
            problems.append(f"{where}: the steps must all be different.")

    def shape(self, value):
        return len(value.get("steps") or [])

    def to_block(self, value, item_id):
        return {
            "question": value["question"].strip(),
            "steps": [{"type": "item", "id": item_id(n), "value": s} for n, s in enumerate(value["steps"])],
        }
