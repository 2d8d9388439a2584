"""What the result page shows for each question: the learner's answer in words, whether it
was right, the feedback on what they chose, the right answer and the explanation. Built from
an attempt's snapshot of the questions, so old attempts read as they were graded."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .grading import Grade


@dataclass
class Line:
    text: str
    correct: bool | None = None  # None: neutral (e.g. an ordering step)
    feedback: str = ""


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


def _by_id(items):
    return {item["id"]: item for item in items or []}


def review(questions: list[dict], answers: dict, grade: Grade) -> list[QuestionReview]:
    scores = {a.question_id: a for a in grade.answers}
    out = []
    for number, question in enumerate(questions, 1):
        qid, kind, value = question["id"], question["type"], question["value"]
        graded, answer = scores[qid], answers[qid]
        item = QuestionReview(
            number=number,
            kind=kind,
            prompt=value.get("question") or value.get("statement") or "",
            situation=value.get("situation") or "",
            score=graded.score,
            correct=graded.correct,
            partly=0 < graded.score < graded.max_score,
            explanation=value.get("explanation", ""),
        )
        if kind in ("single_choice", "multiple_choice"):
            choices = _by_id(value["choices"])
            chosen = [answer] if kind == "single_choice" else answer
            item.your_answer = [
                Line(choices[c]["value"]["text"], choices[c]["value"]["correct"], choices[c]["value"]["feedback"])
                for c in chosen
            ]
            item.right_answer = [c["value"]["text"] for c in value["choices"] if c["value"]["correct"]]
        elif kind == "true_false":
            item.your_answer = [Line("true" if answer else "false", answer == bool(value.get("answer")))]
            item.right_answer = ["true" if value.get("answer") else "false"]
        elif kind == "ordering":
            steps = _by_id(value["steps"])
            right = [s["id"] for s in value["steps"]]
            item.your_answer = [Line(steps[s]["value"], s == right[i]) for i, s in enumerate(answer)]
            item.right_answer = [s["value"] for s in value["steps"]]
        elif kind == "matching":
            pairs = _by_id(value["pairs"])
            item.your_answer = [
                Line(f"{p['value']['item']} → {pairs[answer[p['id']]]['value']['match']}", answer[p["id"]] == p["id"])
                for p in value["pairs"]
            ]
            item.right_answer = [f"{p['value']['item']} → {p['value']['match']}" for p in value["pairs"]]
        elif kind == "scenario":
            options = _by_id(value["options"])
            chosen = options[answer]["value"]
            item.your_answer = [Line(chosen["text"], chosen["score"] == 2, chosen["feedback"])]
            item.right_answer = [o["value"]["text"] for o in value["options"] if o["value"]["score"] == 2]
        out.append(item)
    return out


def shuffled(items: list, seed: str) -> list:
    """The same mixed-up order every time for the same question (stable across reloads)."""
    items = list(items)
    random.Random(seed).shuffle(items)
    return items
