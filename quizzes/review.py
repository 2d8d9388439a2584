"""What the result page shows for each question: the learner's answer in words, whether it
was right, the feedback on what they chose, the right answer and the explanation (each type's
`review`, `quizzes.questions`); and, for an assessment that keeps its answers to itself, the
score per learning outcome. Built from an attempt's snapshot of the questions, so old attempts
read as they were graded."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .grading import Grade
from .questions import of
from .questions.base import Line

__all__ = ["Line", "OutcomeScore", "QuestionReview", "outcomes", "review", "shuffled"]


@dataclass
class QuestionReview:
    number: int
    kind: str
    prompt: str
    situation: str
    score: float
    correct: bool
    partly: bool
    your_answer: list[Line] = field(default_factory=list)
    right_answer: list[str] = field(default_factory=list)
    explanation: str = ""


def _in_layout(value: dict, key: str | None, order: list[str]) -> dict:
    """The question's value with its items in the order the attempt's form showed them."""
    if not key or not order or not value.get(key):
        return value
    place = {item_id: n for n, item_id in enumerate(order)}
    return {**value, key: sorted(value[key], key=lambda item: place.get(item["id"], len(place)))}


def review(questions: list[dict], answers: dict, grade: Grade, layout: dict | None = None) -> list[QuestionReview]:
    """`layout`: {question id: item ids in the order shown} as kept with the attempt."""
    scores = {a.question_id: a for a in grade.answers}
    out = []
    for number, question in enumerate(questions, 1):
        qid, kind = question["id"], of(question["type"])
        value = _in_layout(question["value"], kind.items_key, (layout or {}).get(qid, []))
        graded = scores[qid]
        yours, right = kind.review(value, answers[qid])
        out.append(
            QuestionReview(
                number=number,
                kind=kind.name,
                prompt=kind.prompt(value),
                situation=value.get("situation") or "",
                score=graded.score,
                correct=graded.correct,
                partly=0 < graded.score < graded.max_score,
                your_answer=yours,
                right_answer=right,
                explanation=value.get("explanation", ""),
            )
        )
    return out


@dataclass
class OutcomeScore:
    """How a learner did on the questions of one learning outcome (the lesson that teaches
    them; None for questions that name none)."""

    lesson_id: int | None
    questions: int
    score: float

    @property
    def percent(self) -> float:
        return round(100 * self.score / self.questions, 1) if self.questions else 0.0


def outcomes(questions: list[dict], grade: Grade) -> list[OutcomeScore]:
    """The score per learning outcome, in the order the outcomes first appear."""
    scores = {a.question_id: a.score for a in grade.answers}
    found: dict[int | None, OutcomeScore] = {}
    for question in questions:
        lesson = question["value"].get("lesson") or None
        entry = found.setdefault(lesson, OutcomeScore(lesson_id=lesson, questions=0, score=0.0))
        entry.questions += 1
        entry.score += scores[question["id"]]
    return list(found.values())


def shuffled(items: list, seed: str) -> list:
    """The same mixed-up order every time for the same question (stable across reloads)."""
    items = list(items)
    random.Random(seed).shuffle(items)
    return items
