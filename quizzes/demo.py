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
from courses.models import CourseIndexPage, CoursePage, LessonPage

from .curriculum import assessment_summary, check_quizzes
from .models import QuizPage
from .questions import of as question_type


@dataclass
class QuizLoadResult:
    quizzes: int = 0
    translations: int = 0


def _question(kind: str, value: dict, qid: str, lessons: list[int]) -> dict:
    """A curriculum question as block data (its type's `to_block`, `quizzes.questions`); its
    `lesson: N` becomes the page id of the course's N-th lesson in the same language."""
    picture = value.get("image") or {}
    common = {
        "picture": {
            "image": curriculum_image(picture["file"], picture.get("alt", "")).pk if picture else None,
            "alt": picture.get("alt", ""),
        },
        "explanation": value["explanation"].strip(),
        "lesson": lessons[value["lesson"] - 1] if value.get("lesson") and lessons else None,
    }
    body = question_type(kind).to_block(value, lambda n: _id(qid, n))
    return {"type": kind, "id": qid, "value": {**body, **common}}


def quiz_page(module: Module, language: str, course: CoursePage | None = None) -> QuizPage:
    """The module's quiz as an unsaved page; each question names the lesson it assesses when
    the `course` (holding the lessons in `language`) is given."""
    quiz = module.data[language]["quiz"]
    shared = module.data["vi"]["quiz"]
    lessons = list(LessonPage.objects.child_of(course).order_by("path").values_list("pk", flat=True)) if course else []
    questions = []
    for number, question in enumerate(quiz["questions"]):
        kind, value = block_parts(question)
        questions.append(_question(kind, value, _id(module.key, "quiz", number), lessons))
    return QuizPage(
        title=quiz["title"],
        slug=quiz["slug"],
        intro=quiz["intro"].strip(),
        pass_mark_percent=shared["pass_mark_percent"],
        questions_per_attempt=shared.get("questions_per_attempt") or 0,
        cooldown_after_failures=shared.get("cooldown_after_failures") or 0,
        cooldown_hours=shared.get("cooldown_hours") or 24,
        # Pupil modules offer the check before the lessons unless their file says otherwise.
        offers_precheck=shared.get("offers_precheck", module.data["vi"]["audience"] == "pupil"),
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
            quiz = quiz_page(module, "vi", course)
            course.add_child(instance=quiz)
            quiz.save_revision().publish()
            result.quizzes += 1
        if not quiz.has_translation(en) and course.has_translation(en):
            translate_page(quiz, en, quiz_page(module, "en", course.get_translation(en)))
            result.translations += 1
    return result


def assessments(folders: list[Path] | None = None) -> list[dict]:
    """The bank size, scenario count and questions per attempt of each module quiz that draws
    from a bank (the frontline final assessment), for `load_demo` to print: as the site serves
    it (a quiz already in the CMS is left alone by the loader, and may differ from its file)."""
    out = []
    for module in read_curriculum(folders):
        summary = assessment_summary(module)
        if not summary or summary["per_attempt"] >= summary["bank"]:
            continue
        page = QuizPage.objects.filter(slug=module.data["vi"]["quiz"]["slug"], locale__language_code="vi").first()
        if page is not None:
            questions = list(page.questions.raw_data)
            per_attempt = page.questions_per_attempt
            summary = {
                "bank": len(questions),
                "scenarios": sum(1 for q in questions if q["type"] == "scenario"),
                "per_attempt": per_attempt if 0 < per_attempt < len(questions) else len(questions),
            }
        out.append({"module": module.key, **summary})
    return out


def simulated_answers(questions: list[dict], *, rng, skill: float) -> dict:
    """Canonical answers (as `grading.read_answers` returns them) of a made-up learner who gets
    each question right with probability `skill`: for demo classes and benchmarks."""
    return {
        q["id"]: question_type(q["type"]).simulate(q["value"], rng=rng, right=rng.random() < skill) for q in questions
    }
