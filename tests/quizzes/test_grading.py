"""Grading on the server: every question type, part marks, and answers a form cannot send."""

import pytest
from django.http import QueryDict
from django.utils import translation

from quizzes.grading import AnswerError, grade, read_answers


def choice(cid, correct=False):
    return {"type": "item", "id": cid, "value": {"text": cid, "correct": correct, "feedback": "f"}}


QUESTIONS = [
    {"type": "single_choice", "id": "s", "value": {"question": "?", "choices": [choice("a", True), choice("b")]}},
    {
        "type": "multiple_choice",
        "id": "m",
        "value": {"question": "?", "choices": [choice("a", True), choice("b", True), choice("c"), choice("d")]},
    },
    {"type": "true_false", "id": "t", "value": {"statement": "?", "answer": False}},
    {
        "type": "ordering",
        "id": "o",
        "value": {"question": "?", "steps": [{"type": "item", "id": x, "value": x} for x in "123"]},
    },
    {
        "type": "matching",
        "id": "p",
        "value": {
            "question": "?",
            "pairs": [{"type": "item", "id": x, "value": {"item": x, "match": x.upper()}} for x in "xyz"],
        },
    },
    {
        "type": "scenario",
        "id": "c",
        "value": {
            "situation": "!",
            "question": "?",
            "options": [
                {"type": "item", "id": k, "value": {"text": k, "score": v, "feedback": "f"}}
                for k, v in (("best", 2), ("ok", 1), ("bad", 0))
            ],
        },
    },
]


def form(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in fields.items():
        name = "q-" + key.replace("__", "-")
        if isinstance(value, list):
            data.setlist(name, value)
        else:
            data[name] = value
    return data


ALL_RIGHT = {
    "s": "a",
    "m": ["a", "b"],
    "t": "false",
    "o__1": "1",
    "o__2": "2",
    "o__3": "3",
    "p__x": "x",
    "p__y": "y",
    "p__z": "z",
    "c": "best",
}


def score_of(question_id, **changes):
    answers = read_answers(QUESTIONS, form(**{**ALL_RIGHT, **changes}))
    return next(a.score for a in grade(QUESTIONS, answers).answers if a.question_id == question_id)


def test_all_right_scores_full_marks():
    result = grade(QUESTIONS, read_answers(QUESTIONS, form(**ALL_RIGHT)))
    assert (result.score, result.max_score, result.percent) == (6, 6, 100.0)
    assert all(a.correct for a in result.answers)


def test_single_choice_and_true_false_are_all_or_nothing():
    assert score_of("s", s="b") == 0
    assert score_of("t", t="true") == 0


@pytest.mark.parametrize(
    ("chosen", "score"),
    [(["a", "b"], 1.0), (["a"], 0.5), (["a", "c"], 0.0), (["a", "b", "c"], 0.5), (["c", "d"], 0.0)],
)
def test_multiple_choice_gives_part_marks_and_takes_off_for_wrong_ticks(chosen, score):
    assert score_of("m", m=chosen) == score


def test_ordering_counts_the_steps_in_their_place():
    assert score_of("o", o__1="2", o__2="1", o__3="3") == pytest.approx(1 / 3, abs=1e-4)
    assert score_of("o", o__1="3", o__2="1", o__3="2") == 0


def test_matching_counts_the_right_matches():
    assert score_of("p", p__x="y", p__y="x") == pytest.approx(1 / 3, abs=1e-4)


def test_scenario_scores_the_chosen_option():
    assert (score_of("c", c="best"), score_of("c", c="ok"), score_of("c", c="bad")) == (1.0, 0.5, 0.0)


@pytest.mark.parametrize(
    "changes",
    [
        {"s": "zzz"},  # a choice the question does not have
        {"m": ["a", "a"]},  # the same choice twice
        {"t": "maybe"},  # not true or false
        {"o__1": "1", "o__2": "1"},  # two steps in the same place
        {"o__3": "x"},  # not a number
        {"p__x": "q"},  # a match that does not exist
        {"unknown": "a"},  # a question of another quiz
    ],
)
def test_answers_a_form_cannot_send_are_refused(changes):
    with pytest.raises(AnswerError):
        read_answers(QUESTIONS, form(**{**ALL_RIGHT, **changes}))


@translation.override("en")
def test_missing_answers_are_named():
    data = form(**{k: v for k, v in ALL_RIGHT.items() if k not in ("t", "o__2")})
    with pytest.raises(AnswerError) as raised:
        read_answers(QUESTIONS, data)
    assert raised.value.missing == ["Question 3", "Question 4"]
