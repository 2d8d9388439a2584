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


@pytest.fixture(autouse=True)
def fresh_h5p_storage(h5p_storage):
    """Each test its own H5P storage folder (see tests/conftest.py)."""


@pytest.fixture
def h5p_activity(db):
    """An uploaded H5P activity (the tests' own content type), its files in storage."""
    from quizzes import packages, services
    from quizzes.models import H5PActivity
    from tests.quizzes.h5p_builders import valid_package

    checked = packages.check_bytes(valid_package())
    return services.h5p_activity_save(
        activity=H5PActivity(title="Spot the risk", language="vi"), package=checked, filename="test.h5p"
    )


def embed(lesson, activity, *, required=False, pass_mark_percent=0):
    """Put `activity` at the end of `lesson`'s body, and publish."""
    lesson.body.append(
        ("h5p_activity", {"activity": activity, "required": required, "pass_mark_percent": pass_mark_percent})
    )
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    return lesson


@pytest.fixture
def h5p_lesson(lessons, h5p_activity):
    """The fixture module's first lesson (for pupils), embedding the activity."""
    return embed(lessons[0], h5p_activity)


@pytest.fixture
def learner(db):
    """An adult learner (a caregiver), whose H5P results are stored."""
    from accounts.models import Role
    from tests.factories import AdultFactory

    return AdultFactory(role=Role.CAREGIVER)


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client
