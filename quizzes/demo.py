"""The starter quizzes for `manage.py load_demo`: each module's `quiz` (courses/curriculum)
becomes a QuizPage, the last step of its course, in Vietnamese with its English
wagtail-localize translation. Idempotent: an existing quiz (by slug) is left alone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from wagtail.models import Locale, Page

from courses.curriculum import Module, block_parts, read_curriculum
from courses.demo import _id, curriculum_image, translate_page
from courses.models import CourseIndexPage, CoursePage

from .curriculum import check_quizzes
from .models import QuizPage


@dataclass
class QuizLoadResult:
    quizzes: int = 0
    translations: int = 0


def _items(base: str, values: list, make) -> list[dict]:
    return [{"type": "item", "id": _id(base, i), "value": make(v)} for i, v in enumerate(values)]


def _question(kind: str, value: dict, qid: str) -> dict:
    picture = value.get("image") or {}
    common = {
        "picture": {
            "image": curriculum_image(picture["file"], picture.get("alt", "")).pk if picture else None,
            "alt": picture.get("alt", ""),
        },
        "explanation": value["explanation"].strip(),
    }
    if kind in ("single_choice", "multiple_choice"):
        body = {
            "question": value["question"].strip(),
            "choices": _items(
                qid,
                value["choices"],
                lambda c: {"text": c["text"], "correct": bool(c.get("correct")), "feedback": c["feedback"].strip()},
            ),
        }
    elif kind == "true_false":
        body = {"statement": value["statement"].strip(), "answer": bool(value["answer"])}
    elif kind == "ordering":
        body = {"question": value["question"].strip(), "steps": _items(qid, value["steps"], str)}
    elif kind == "matching":
        body = {
            "question": value["question"].strip(),
            "pairs": _items(qid, value["pairs"], lambda p: {"item": p["item"], "match": p["match"]}),
        }
    else:  # scenario
        body = {
            "situation": value["situation"].strip(),
            "question": value["question"].strip(),
            "options": _items(
                qid,
                value["options"],
                lambda o: {"text": o["text"], "score": int(o["score"]), "feedback": o["feedback"].strip()},
            ),
        }
    return {"type": kind, "id": qid, "value": {**body, **common}}


def quiz_page(module: Module, language: str) -> QuizPage:
    quiz = module.data[language]["quiz"]
    shared = module.data["vi"]["quiz"]
    questions = []
    for number, question in enumerate(quiz["questions"]):
        kind, value = block_parts(question)
        questions.append(_question(kind, value, _id(module.key, "quiz", number)))
    return QuizPage(
        title=quiz["title"],
        slug=quiz["slug"],
        intro=quiz["intro"].strip(),
        pass_mark_percent=shared["pass_mark_percent"],
        questions=questions,
    )


@transaction.atomic
def load_quizzes(home: Page, folders: list[Path] | None = None) -> QuizLoadResult:
    """Create the quizzes that are missing, under courses that `courses.demo` made."""
    modules = read_curriculum(folders)
    check_quizzes(modules)
    en = Locale.objects.get(language_code="en")
    index = CourseIndexPage.objects.child_of(home).first()
    result = QuizLoadResult()
    if index is None:
        return result
    for module in modules:
        if not module.data["vi"].get("quiz"):
            continue
        course = CoursePage.objects.child_of(index).filter(slug=module.data["vi"]["slug"]).first()
        if course is None:
            continue
        quiz = QuizPage.objects.child_of(course).filter(slug=module.data["vi"]["quiz"]["slug"]).first()
        if quiz is None:
            quiz = quiz_page(module, "vi")
            course.add_child(instance=quiz)
            quiz.save_revision().publish()
            result.quizzes += 1
        if not quiz.has_translation(en) and course.has_translation(en):
            translate_page(quiz, en, quiz_page(module, "en"))
            result.translations += 1
    return result


def simulated_answers(questions: list[dict], *, rng, skill: float) -> dict:
    """Canonical answers (as `grading.read_answers` returns them) of a made-up learner who gets
    each question right with probability `skill`: for demo classes and benchmarks."""
    answers = {}
    for q in questions:
        kind, value, right = q["type"], q["value"], rng.random() < skill
        items = value.get("choices") or value.get("options") or value.get("steps") or value.get("pairs") or []
        ids = [item["id"] for item in items]
        if kind == "single_choice":
            correct = [c["id"] for c in items if c["value"]["correct"]]
            wrong = [i for i in ids if i not in correct] or correct
            answers[q["id"]] = correct[0] if right else rng.choice(wrong)
        elif kind == "multiple_choice":
            correct = sorted(c["id"] for c in items if c["value"]["correct"])
            wrong = [i for i in ids if i not in correct]
            answers[q["id"]] = correct if right or not wrong else sorted([*correct[:1], wrong[0]])
        elif kind == "true_false":
            answers[q["id"]] = bool(value.get("answer")) == right
        elif kind == "ordering":
            answers[q["id"]] = ids if right else list(reversed(ids))
        elif kind == "matching":
            answers[q["id"]] = {i: (i if right else ids[(n + 1) % len(ids)]) for n, i in enumerate(ids)}
        elif kind == "scenario":
            best = max(items, key=lambda o: o["value"]["score"])["id"]
            worst = min(items, key=lambda o: o["value"]["score"])["id"]
            answers[q["id"]] = best if right else worst
    return answers
