"""No answer key reaches the browser: every quiz of the demo curriculum, in both languages, drawn
as a learner's form shows no item's real id, no matching row shares a name with its right
match, and the keyed choice is not in one place attempt after attempt (quizzes.masking)."""

import re
import uuid

import pytest
from django.template.loader import render_to_string

from courses.curriculum import read_curriculum
from quizzes.demo import quiz_page
from quizzes.masking import CHOICE, MATCH, ROW, STEP, Mask
from quizzes.questions import TYPES
from quizzes.questions.base import ChoiceQuestion
from quizzes.views.quiz import _display

CHOICE_KEYS = {name: t.items_key for name, t in TYPES.items() if isinstance(t, ChoiceQuestion)}
MODULES = [module for module in read_curriculum() if module.data["vi"].get("quiz")]


def _keyed(question: dict) -> set[str]:
    """The ids of a choice question's keyed options (the right ones, or the best scenario)."""
    items = question["value"][CHOICE_KEYS[question["type"]]]
    if question["type"] == "scenario":
        best = max(item["value"]["score"] for item in items)
        return {item["id"] for item in items if item["value"]["score"] == best}
    return {item["id"] for item in items if item["value"].get("correct")}


def _item_ids(question: dict) -> set[str]:
    value = question["value"]
    items = value.get("choices") or value.get("options") or value.get("steps") or value.get("pairs") or []
    return {item["id"] for item in items}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_quiz_of_the_demo_names_a_keyed_answer_in_its_form(db, language):
    kinds = set()
    for module in MODULES:
        quiz = quiz_page(module, language)
        questions = quiz.questions.raw_data
        mask = Mask(uuid.uuid4().hex)
        html = render_to_string("quizzes/includes/questions.html", {"questions": _display(quiz, questions, mask)})
        names = set(re.findall(r'name="([^"]+)"', html))
        values = set(re.findall(r'value="([^"]+)"', html))
        for question in questions:
            kinds.add(question["type"])
            for item_id in _item_ids(question):
                assert item_id not in html, f"{module.key}: an item's id is in the form"
            # Nor the explanation, nor any feedback, which would say which choice is right.
            value = question["value"]
            told = [value.get("explanation", "")] + [
                item["value"].get("feedback", "") for item in value.get("choices") or value.get("options") or []
            ]
            for text in filter(None, (t.strip() for t in told)):
                assert text not in html, f"{module.key}: feedback or an explanation is in the form"
            if question["type"] == "matching":
                rows = {name.rsplit("-", 1)[-1] for name in names if name.startswith(f"q-{question['id']}-")}
                assert rows and not rows & values, f"{module.key}: a matching row is named like a match"
                for pair in question["value"]["pairs"]:
                    assert mask.name(question["id"], ROW, pair["id"]) != mask.name(question["id"], MATCH, pair["id"])
            if question["type"] == "ordering":
                steps = [mask.name(question["id"], STEP, step["id"]) for step in question["value"]["steps"]]
                assert all(f"q-{question['id']}-{step}" in names for step in steps)
    assert {"single_choice", "multiple_choice", "true_false", "ordering", "matching", "scenario"} <= kinds


def test_the_keyed_choice_moves_from_one_attempt_to_the_next(db):
    """Over many attempts the right choice of a question is not always in one place (nor are the
    names the same): its position says nothing about it."""
    module = next(
        m for m in MODULES if any(q["type"] == "single_choice" for q in quiz_page(m, "vi").questions.raw_data)
    )
    quiz = quiz_page(module, "vi")
    question = next(q for q in quiz.questions.raw_data if q["type"] == "single_choice")
    (right,) = _keyed(question)
    positions, names = [], set()
    for _attempt in range(40):
        mask = Mask(uuid.uuid4().hex)
        (shown,) = list(_display(quiz, [question], mask))
        order = [choice["name"] for choice in shown["choices"]]
        positions.append(order.index(mask.name(question["id"], CHOICE, right)))
        names.add(mask.name(question["id"], CHOICE, right))
    assert len(set(positions)) > 1 and max(positions.count(p) for p in set(positions)) < 30
    assert len(names) == 40  # a new name every attempt


def test_the_whole_quiz_page_names_no_item_of_its_questions(client, quiz):
    """The page as a learner's browser gets it (its scripts included), not only the form."""
    html = client.get(quiz.url).content.decode()
    for question in quiz.questions.raw_data:
        assert question["id"] in html  # questions keep their names: they are not answers
        for item_id in _item_ids(question):
            assert item_id not in html


def test_matches_and_steps_are_not_listed_in_their_right_order(db):
    """Over many attempts, a matching row's right match and an ordering step are not always in
    the same place in the form."""
    module = next(
        m for m in MODULES if {"matching", "ordering"} <= {q["type"] for q in quiz_page(m, "vi").questions.raw_data}
    )
    quiz = quiz_page(module, "vi")
    matching = next(q for q in quiz.questions.raw_data if q["type"] == "matching")
    ordering = next(q for q in quiz.questions.raw_data if q["type"] == "ordering")
    first_pair, first_step = matching["value"]["pairs"][0]["id"], ordering["value"]["steps"][0]["id"]
    match_places, step_places = set(), set()
    for _attempt in range(30):
        mask = Mask(uuid.uuid4().hex)
        shown_matching, shown_ordering = _display(quiz, [matching, ordering], mask)
        matches = [match["name"] for match in shown_matching["matches"]]
        match_places.add(matches.index(mask.name(matching["id"], MATCH, first_pair)))
        steps = [step["name"].rsplit("-", 1)[-1] for step in shown_ordering["steps"]]
        step_places.add(steps.index(mask.name(ordering["id"], STEP, first_step)))
    assert len(match_places) > 1 and len(step_places) > 1


def test_names_depend_on_the_sites_secret(settings):
    """The token's key is readable (signed, not encrypted) and items' ids can be guessed: the
    names are an HMAC under the site's secret, so neither is enough to compute them."""
    mask = Mask("0" * 32)
    before = mask.name("question", CHOICE, "item")
    settings.SECRET_KEY = "another secret, as on another site"
    assert mask.name("question", CHOICE, "item") != before
