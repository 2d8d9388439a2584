"""Reading and grading answers, on the server only.

Everything here works on a quiz's *raw* question data (the StreamField's JSON: a list of
`{"type", "id", "value"}`), which is also what an attempt keeps as its snapshot, so an old
attempt is re-read exactly as it was graded even after the quiz was edited.

Every question is worth 1 point; a learner can earn part of it:
- single choice, true/false: 1 or 0;
- multiple choice: (right choices ticked - wrong choices ticked) / right choices, at least 0;
- ordering: the share of steps in their right place;
- matching: the share of items matched right;
- scenario: the chosen option's score / 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _


@dataclass
class GradedAnswer:
    question_id: str
    question_type: str
    answer: Any
    score: float
    max_score: float = 1.0

    @property
    def correct(self) -> bool:
        return self.score >= self.max_score


@dataclass
class Grade:
    answers: list[GradedAnswer] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(sum(a.score for a in self.answers), 4)

    @property
    def max_score(self) -> float:
        return float(len(self.answers))

    @property
    def percent(self) -> float:
        return round(100 * self.score / self.max_score, 1) if self.answers else 0.0


class AnswerError(Exception):
    """The submitted answers cannot be graded; `messages` says why, per question, in words a
    learner understands; `missing` lists the questions without an answer."""

    def __init__(self, messages: list[str], missing: list[str] | None = None):
        self.messages = messages
        self.missing = missing or []
        super().__init__("; ".join(messages))


def _ids(items) -> list[str]:
    return [item["id"] for item in items]


def _items(value: dict, key: str) -> list[dict]:
    return value.get(key) or []


def field_name(question_id: str, part: str | None = None) -> str:
    """The form field name of a question (or of one of its parts: a step, a pair)."""
    return f"q-{question_id}" + (f"-{part}" if part else "")


def read_answers(questions: list[dict], data) -> dict[str, Any]:
    """The answers of a submitted form (`data`: a QueryDict), keyed by question id, in the
    canonical form graded and stored:

    single/scenario: choice id; multiple: sorted list of choice ids; true_false: bool;
    ordering: the step ids in the learner's order; matching: {item id: chosen pair id}.

    Raises AnswerError for anything a form of this quiz cannot have sent: unknown fields,
    unknown ids, wrong types, repeated positions, or missing answers."""
    errors, missing, answers = [], [], {}
    known = set()
    for number, question in enumerate(questions, 1):
        qid, kind, value = question["id"], question["type"], question["value"]
        name = field_name(qid)
        label = _("Question %(number)s") % {"number": number}
        if kind in ("single_choice", "scenario"):
            known.add(name)
            choice = data.get(name, "")
            options = _ids(_items(value, "choices" if kind == "single_choice" else "options"))
            if not choice:
                missing.append(label)
            elif choice not in options:
                errors.append(_("%(question)s: that answer is not one of its choices.") % {"question": label})
            else:
                answers[qid] = choice
        elif kind == "multiple_choice":
            known.add(name)
            chosen = data.getlist(name)
            options = set(_ids(_items(value, "choices")))
            if not chosen:
                missing.append(label)
            elif not set(chosen) <= options or len(set(chosen)) != len(chosen):
                errors.append(_("%(question)s: that answer is not one of its choices.") % {"question": label})
            else:
                answers[qid] = sorted(chosen)
        elif kind == "true_false":
            known.add(name)
            choice = data.get(name, "")
            if not choice:
                missing.append(label)
            elif choice not in ("true", "false"):
                errors.append(_("%(question)s: answer true or false.") % {"question": label})
            else:
                answers[qid] = choice == "true"
        elif kind == "ordering":
            steps = _ids(_items(value, "steps"))
            positions = {}
            for step in steps:
                part = field_name(qid, step)
                known.add(part)
                positions[step] = data.get(part, "")
            if not all(positions.values()):
                missing.append(label)
                continue
            try:
                numbers = {step: int(position) for step, position in positions.items()}
            except ValueError:
                errors.append(_("%(question)s: give each step a number.") % {"question": label})
                continue
            if sorted(numbers.values()) != list(range(1, len(steps) + 1)):
                errors.append(
                    _("%(question)s: give each step a different number, from 1 to %(count)s.")
                    % {"question": label, "count": len(steps)}
                )
                continue
            answers[qid] = sorted(steps, key=numbers.get)
        elif kind == "matching":
            pairs = _ids(_items(value, "pairs"))
            chosen = {}
            for pair in pairs:
                part = field_name(qid, pair)
                known.add(part)
                chosen[pair] = data.get(part, "")
            if not all(chosen.values()):
                missing.append(label)
            elif not set(chosen.values()) <= set(pairs):
                errors.append(_("%(question)s: that answer is not one of its choices.") % {"question": label})
            else:
                answers[qid] = chosen
    unknown = [key for key in data if key.startswith("q-") and key not in known]
    if unknown:
        errors.insert(0, _("The answers do not belong to this quiz. Reload the quiz and answer it again."))
    if missing:
        errors.append(
            _("Please answer every question. Not answered yet: %(questions)s.") % {"questions": ", ".join(missing)}
        )
    if errors:
        raise AnswerError(errors, missing)
    return answers


def _grade_one(kind: str, value: dict, answer) -> float:
    if kind == "single_choice":
        right = next(c["id"] for c in _items(value, "choices") if c["value"]["correct"])
        return 1.0 if answer == right else 0.0
    if kind == "multiple_choice":
        right = {c["id"] for c in _items(value, "choices") if c["value"]["correct"]}
        chosen = set(answer)
        return max(0.0, (len(chosen & right) - len(chosen - right)) / len(right))
    if kind == "true_false":
        return 1.0 if answer == bool(value.get("answer")) else 0.0
    if kind == "ordering":
        steps = _ids(_items(value, "steps"))
        return sum(1 for a, b in zip(answer, steps, strict=True) if a == b) / len(steps)
    if kind == "matching":
        pairs = _ids(_items(value, "pairs"))
        return sum(1 for pair in pairs if answer.get(pair) == pair) / len(pairs)
    if kind == "scenario":
        scores = {o["id"]: o["value"]["score"] for o in _items(value, "options")}
        return scores[answer] / 2
    raise ValueError(f"unknown question type {kind}")


def grade(questions: list[dict], answers: dict[str, Any]) -> Grade:
    """Grade canonical answers (from `read_answers`) against the questions."""
    return Grade(
        answers=[
            GradedAnswer(
                question_id=q["id"],
                question_type=q["type"],
                answer=answers[q["id"]],
                score=round(_grade_one(q["type"], q["value"], answers[q["id"]]), 4),
            )
            for q in questions
        ]
    )
