"""Writes of quiz attempts. Keyword-only, typed, atomic; the only place a QuizAttempt is made."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from progress import services as progress_services

from .bank import draw, outcomes_in
from .grading import AnswerError, Grade, grade
from .models import Phase, QuizAnswer, QuizAttempt, QuizPage
from .selectors import cooldown_until, precheck_open

logger = logging.getLogger(__name__)


class AttemptsUsedUp(Exception):
    """The learner has used every attempt this quiz allows."""


class CoolingDown(Exception):
    """The learner failed the quiz too many times in a row and waits until `until`."""

    def __init__(self, until: datetime):
        self.until = until
        super().__init__(f"wait until {until.isoformat()}")


class PrecheckClosed(Exception):
    """The check before the lessons is for learners who have begun neither the lessons nor the
    quiz."""


def questions_of(quiz: QuizPage, *, key: str | None = None, phase: str = Phase.QUIZ) -> list[dict]:
    """The quiz's questions as raw data: what is graded and what an attempt keeps. With an
    attempt's `key`, only the questions that attempt drew from the bank (`quizzes.bank`): for the
    check before the lessons, one question per lesson assessed."""
    questions = list(quiz.questions.raw_data)
    if key is None:
        return questions
    count = outcomes_in(questions) if phase == Phase.BEFORE else quiz.questions_per_attempt
    return draw(questions, key=key, count=count)


def grade_answers(*, quiz: QuizPage, key: str, answers: dict, phase: str = Phase.QUIZ) -> Grade:
    """Grade without recording (visitors, pupils without consent). Answers come from
    `grading.read_answers` for the questions the attempt with `key` drew; a missing or unknown
    question raises AnswerError."""
    questions = questions_of(quiz, key=key, phase=phase)
    if set(answers) != {q["id"] for q in questions}:
        raise AnswerError(["The answers do not match this quiz's questions."])
    return grade(questions, answers)


def attempt_submit(
    *,
    learner,
    quiz: QuizPage,
    submission_key: uuid.UUID,
    answers: dict,
    layout: dict | None = None,
    started_at: datetime | None = None,
    submitted_at: datetime | None = None,
    phase: str = Phase.QUIZ,
) -> tuple[QuizAttempt, bool]:
    """Grade `answers` on the server, record the attempt and its answers, and update the
    learner's progress on the quiz's step (complete once passed). Returns the attempt and
    whether it was created: a second submit of the same form (same `submission_key`), even at
    the same moment, returns the first attempt and records nothing more.

    The questions graded are those the attempt drew (its key is `submission_key`); `layout`
    (each question's items in the order shown) is kept for the review; `submitted_at` is when the
    learner answered, if not now (a form answered offline and sent later). Raises AttemptsUsedUp
    or CoolingDown when the quiz's rules refuse another attempt.

    `phase=Phase.BEFORE` records the check before the lessons instead: once per learner and quiz
    (in any language; a second returns the first), never after the quiz itself was taken
    (PrecheckClosed), and without progress, pass or attempt count."""
    if not learner.is_authenticated or not learner.may_store_learning_data:
        raise progress_services.ProgressNotRecorded("attempts are not stored for this learner")
    questions = questions_of(quiz, key=submission_key.hex, phase=phase)
    result = grade_answers(quiz=quiz, key=submission_key.hex, answers=answers, phase=phase)
    before = phase == Phase.BEFORE
    with transaction.atomic():
        # One learner's submissions queue up (PostgreSQL row lock; SQLite writes one at a time),
        # and consent withdrawn meanwhile is seen.
        progress_services.lock_learner_for_write(learner)
        existing = QuizAttempt.objects.filter(learner=learner, submission_key=submission_key).first()
        if existing:
            if existing.quiz.translation_key != quiz.translation_key or existing.phase != phase:
                # A key is one attempt at one quiz in one phase: never another's result.
                raise AnswerError([gettext("This form was already sent. Reload the quiz and answer it again.")])
            return existing, False
        same_quiz = QuizAttempt.objects.filter(learner=learner, quiz__translation_key=quiz.translation_key)
        if before:
            earlier = same_quiz.filter(phase=Phase.BEFORE).first()
            if earlier is not None:
                return earlier, False
            if not precheck_open(learner=learner, quiz=quiz):
                raise PrecheckClosed
        else:
            if quiz.attempts_allowed and same_quiz.filter(phase=Phase.QUIZ).count() >= quiz.attempts_allowed:
                raise AttemptsUsedUp
            until = cooldown_until(learner=learner, quiz=quiz)
            if until is not None:
                raise CoolingDown(until)
        passed = not before and result.percent >= quiz.pass_mark_percent
        try:
            with transaction.atomic():
                attempt = QuizAttempt.objects.create(
                    learner=learner,
                    quiz=quiz,
                    submission_key=submission_key,
                    started_at=started_at,
                    submitted_at=submitted_at or timezone.now(),
                    score=result.score,
                    max_score=result.max_score,
                    percent=result.percent,
                    passed=passed,
                    pass_mark_percent=quiz.pass_mark_percent,
                    answers=answers,
                    questions=questions,
                    layout=layout or {},
                    phase=phase,
                )
        except IntegrityError:
            return QuizAttempt.objects.get(learner=learner, submission_key=submission_key), False
        QuizAnswer.objects.bulk_create(
            QuizAnswer(
                attempt=attempt,
                question_id=a.question_id,
                question_type=a.question_type,
                answer=a.answer,
                score=a.score,
                max_score=a.max_score,
                correct=a.correct,
            )
            for a in result.answers
        )
        if not before:
            progress_services.step_score(
                learner=learner,
                page=quiz,
                fraction=result.score / result.max_score,
                completed=passed,
                completed_at=submitted_at,
            )
    return attempt, True
