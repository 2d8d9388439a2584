"""Editors write quizzes in the Wagtail admin; the blocks refuse questions that cannot be graded."""

import pytest
from wagtail.blocks import StructBlockValidationError

from accounts.models import Role
from quizzes.blocks import MultipleChoiceBlock, QuestionImageBlock, ScenarioQuestionBlock, SingleChoiceBlock
from tests.factories import AdultFactory


def choices(*flags):
    return [{"text": f"c{i}", "correct": flag, "feedback": "f"} for i, flag in enumerate(flags)]


def clean(block, value):
    return block.clean(block.to_python(value))


def test_single_choice_needs_exactly_one_right_answer():
    block = SingleChoiceBlock()
    base = {"question": "?", "explanation": "e", "picture": {"image": None, "alt": ""}}
    clean(block, {**base, "choices": choices(True, False)})
    with pytest.raises(StructBlockValidationError):
        clean(block, {**base, "choices": choices(True, True)})


def test_multiple_choice_needs_two_right_and_one_wrong():
    block = MultipleChoiceBlock()
    base = {"question": "?", "explanation": "e", "picture": {"image": None, "alt": ""}}
    clean(block, {**base, "choices": choices(True, True, False)})
    for flags in ((True, False, False), (True, True, True)):
        with pytest.raises(StructBlockValidationError):
            clean(block, {**base, "choices": choices(*flags)})


def test_scenario_needs_a_best_option():
    block = ScenarioQuestionBlock()
    value = {
        "situation": "s",
        "question": "?",
        "explanation": "e",
        "picture": {"image": None, "alt": ""},
        "options": [{"text": "a", "score": 1, "feedback": "f"}, {"text": "b", "score": 0, "feedback": "f"}],
    }
    with pytest.raises(StructBlockValidationError):
        clean(block, value)


def test_a_question_picture_needs_alt_text(db):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="t", file=get_test_image_file())
    with pytest.raises(StructBlockValidationError):
        clean(QuestionImageBlock(), {"image": image.pk, "alt": ""})
    clean(QuestionImageBlock(), {"image": image.pk, "alt": "Một ổ khóa"})


def test_editor_opens_the_quiz_editor(client, quiz, en_quiz):
    client.force_login(AdultFactory(role=Role.EDITOR, is_staff=True, is_superuser=True))
    response = client.get(f"/admin/pages/{quiz.pk}/edit/")
    assert response.status_code == 200
    assert "single_choice" in response.content.decode()  # the question blocks are in the editor
    assert client.get(f"/admin/pages/{en_quiz.pk}/edit/").status_code == 200
