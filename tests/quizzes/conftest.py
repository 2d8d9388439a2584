import pytest

from quizzes.demo import load_quizzes
from quizzes.models import QuizPage
from tests.conftest import FIXTURE_MODULE


@pytest.fixture
def quiz(course, home_page):
    """The fixture module's quiz (one question of each type), in Vietnamese and English."""
    load_quizzes(home_page, [FIXTURE_MODULE])
    return QuizPage.objects.get(slug="kiem-tra-nhanh")


@pytest.fixture
def en_quiz(quiz):
    return QuizPage.objects.get(slug="quick-quiz")


def ids(quiz) -> dict:
    """Question ids and their parts, by type, from the quiz's raw data."""
    out = {}
    for q in quiz.questions.raw_data:
        value = q["value"]
        items = value.get("choices") or value.get("options") or value.get("steps") or value.get("pairs") or []
        out[q["type"]] = {"id": q["id"], "items": [item["id"] for item in items]}
    return out


def right_answers(quiz) -> dict:
    """A form post answering every question right."""
    q = ids(quiz)
    data = {}
    data[f"q-{q['single_choice']['id']}"] = q["single_choice"]["items"][0]
    data[f"q-{q['multiple_choice']['id']}"] = q["multiple_choice"]["items"][:2]
    data[f"q-{q['true_false']['id']}"] = "false"
    for position, step in enumerate(q["ordering"]["items"], 1):
        data[f"q-{q['ordering']['id']}-{step}"] = str(position)
    for pair in q["matching"]["items"]:
        data[f"q-{q['matching']['id']}-{pair}"] = pair
    data[f"q-{q['scenario']['id']}"] = q["scenario"]["items"][0]
    return data


def form(quiz, data: dict) -> dict:
    """`data` (real ids, as `right_answers` gives them, and the form's token) as that token's
    form names them: each attempt's form has opaque names of its own (quizzes.masking)."""
    from django.core import signing

    from quizzes.masking import CHOICE, MATCH, ROW, STEP, Mask
    from quizzes.questions import TYPES
    from quizzes.questions.base import ChoiceQuestion

    CHOICE_KEYS = {name: t.items_key for name, t in TYPES.items() if isinstance(t, ChoiceQuestion)}

    mask = Mask(signing.loads(data["token"], salt="quizzes.form")["key"])
    out, used = {}, set()
    for q in quiz.questions.raw_data:
        qid, kind, value = q["id"], q["type"], q["value"]
        name = f"q-{qid}"
        if kind in CHOICE_KEYS and name in data:
            used.add(name)
            chosen = data[name]
            out[name] = (
                [mask.name(qid, CHOICE, c) for c in chosen]
                if isinstance(chosen, list)
                else mask.name(qid, CHOICE, chosen)
            )
        elif kind == "true_false" and name in data:
            used.add(name)
            out[name] = data[name]
        elif kind == "ordering":
            for step in value["steps"]:
                if f"{name}-{step['id']}" in data:
                    used.add(f"{name}-{step['id']}")
                    out[f"{name}-{mask.name(qid, STEP, step['id'])}"] = data[f"{name}-{step['id']}"]
        elif kind == "matching":
            for pair in value["pairs"]:
                if f"{name}-{pair['id']}" in data:
                    used.add(f"{name}-{pair['id']}")
                    chosen = data[f"{name}-{pair['id']}"]
                    out[f"{name}-{mask.name(qid, ROW, pair['id'])}"] = mask.name(qid, MATCH, chosen) if chosen else ""
    out.update({key: value for key, value in data.items() if key not in used})
    return out


def token_of(html: str) -> str:
    import re

    return re.search(r'name="token" value="([^"]+)"', html).group(1)
