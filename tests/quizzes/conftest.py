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


def token_of(html: str) -> str:
    import re

    return re.search(r'name="token" value="([^"]+)"', html).group(1)
