"""Reading and grading answers, on the server only.

Everything here works on a quiz's *raw* question data (the StreamField's JSON: a list of
`{"type", "id", "value"}`), which is also what an attempt keeps as its snapshot, so an old
attempt is re-read exactly as it was graded even after the quiz was edited.

Every question is worth 1 point; a learner can earn part of it, as its type says
(`quizzes.questions`: each type's module says how it reads and grades an answer).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .questions.base import Invalid, Unanswered


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


def field_name(question_id: str, part: str | None = None) -> str:
    """The form field name of a question (or of one of its parts: a step, a pair)."""
    return f"q-{question_id}" + (f"-{part}" if part else "")


def read_answers(questions: list[dict], data) -> dict[str, Any]:
    """The answers of a submitted form (`data`: a QueryDict with the real ids, see
    `masking.unmask`), keyed by question id, in the canonical form each question type grades
    and stores (`quizzes.questions`).

    Raises AnswerError for anything a form of this quiz cannot have sent: unknown fields,
    unknown ids, wrong types, repeated positions, or missing answers."""
    from .questions import of

    errors, missing, answers = [], [], {}
    for number, question in enumerate(questions, 1):
        label = _("Question %(number)s") % {"number": number}
        try:
            answers[question["id"]] = of(question["type"]).read(question["id"], question["value"], data)
        except Unanswered:
            missing.append(label)
        except Invalid as error:
            errors.append(_("%(question)s: %(problem)s") % {"question": label, "problem": error.args[0]})
    known = {name for q in questions for name in of(q["type"]).fields(q["id"], q["value"])}
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


def grade_one(kind: str, value: dict, answer) -> float:
    from .questions import of

    return of(kind).grade(value, answer)


def grade(questions: list[dict], answers: dict[str, Any]) -> Grade:
    """Grade canonical answers (from `read_answers`) against the questions."""
    return Grade(
        answers=[
            GradedAnswer(
                question_id=q["id"],
                question_type=q["type"],
                answer=answers[q["id"]],
                score=round(grade_one(q["type"], q["value"], answers[q["id"]]), 4),
            )
            for q in questions
        ]
    )
