"""Which questions an attempt gets. A quiz may hold a bank of questions and ask each attempt
only `questions_per_attempt` of them, drawn with the attempt's key (so the form, its grading and
its review agree without storing anything before the answers are sent) and spread over the
learning outcomes: each outcome (the lesson a question assesses) in turn gives one question,
until the count is reached, so every outcome is assessed in every attempt whenever the count is
at least the number of outcomes. The drawn questions keep the bank's order."""

from __future__ import annotations

import random

from django.utils.crypto import salted_hmac


def outcome_of(question: dict):
    return question["value"].get("lesson") or None


def draw(questions: list[dict], *, key: str, count: int) -> list[dict]:
    """The questions of the attempt with `key`: all of them when `count` is 0 or not less
    than the bank; otherwise `count` of them, a fair share of each outcome. The learner cannot
    work the draw out from the key: it goes through an HMAC of the site's secret."""
    if not count or count >= len(questions):
        return list(questions)
    rng = random.Random(salted_hmac("quizzes.bank", key, algorithm="sha256").digest())
    groups: dict[object, list[dict]] = {}
    for question in questions:
        groups.setdefault(outcome_of(question), []).append(question)
    pools = [rng.sample(group, len(group)) for group in groups.values()]
    rng.shuffle(pools)  # which outcomes give one more question, when the count does not divide
    chosen: set[str] = set()
    while len(chosen) < count:
        for pool in pools:
            if pool and len(chosen) < count:
                chosen.add(pool.pop()["id"])
    return [question for question in questions if question["id"] in chosen]


def outcomes_in(questions: list[dict]) -> int:
    """How many learning outcomes the questions assess (questions that name none count as one)."""
    return len({outcome_of(question) for question in questions})
