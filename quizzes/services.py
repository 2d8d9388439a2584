"""Writes of quiz attempts. Keyword-only, typed, atomic; the only place a QuizAttempt is made."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from django.db import IntegrityError, transaction

from progress import services as progress_services

from .grading import AnswerError, Grade, grade
from .models import QuizAnswer, QuizAttempt, QuizPage

logger = logging.getLogger(__name__)


class AttemptsUsedUp(Exception):
    """The learner has used every attempt this quiz allows."""


def questions_of(quiz: QuizPage) -> list[dict]:
    """The quiz's questions as raw data: what is graded and what an attempt keeps."""
    return list(quiz.questions.raw_data)


def grade_answers(*, quiz: QuizPage, answers: dict) -> Grade:
    """Grade without recording (visitors, pupils without consent). Answers come from
    `grading.read_answers`; a missing or unknown question raises AnswerError."""
    questions = questions_of(quiz)
    if set(answers) != {q["id"] for q in questions}:
        raise AnswerError(["The answers do not match this quiz's questions."])
    return grade(questions, answers)


def attempt_submit(
    *,
    learner,
    quiz: QuizPage,
    submission_key: uuid.UUID,
    answers: dict,
    started_at: datetime | None = None,
) -> tuple[QuizAttempt, bool]:
    """Grade `answers` on the server, record the attempt and its answers, and update the
    learner's progress on the quiz's step (complete once passed). Returns the attempt and
    whether it was created: a second submit of the same form (same `submission_key`), even at
    the same moment, returns the first attempt and records nothing more."""
    if not learner.is_authenticated or not learner.may_store_learning_data:
        raise progress_services.ProgressNotRecorded("attempts are not stored for this learner")
    questions = questions_of(quiz)
    result = grade_answers(quiz=quiz, answers=answers)
    with transaction.atomic():
        # One learner's submissions queue up (PostgreSQL row lock; SQLite writes one at a time),
        # and consent withdrawn meanwhile is seen.
        progress_services.lock_learner_for_write(learner)
        existing = QuizAttempt.objects.filter(learner=learner, submission_key=submission_key).first()
        if existing:
            return existing, False
        if quiz.attempts_allowed and QuizAttempt.objects.filter(learner=learner, quiz=quiz).count() >= (
            quiz.attempts_allowed
        ):
            raise AttemptsUsedUp
        passed = result.percent >= quiz.pass_mark_percent
        try:
            with transaction.atomic():
                attempt = QuizAttempt.objects.create(
                    learner=learner,
                    quiz=quiz,
                    submission_key=submission_key,
                    started_at=started_at,
                    score=result.score,
                    max_score=result.max_score,
                    percent=result.percent,
                    passed=passed,
                    pass_mark_percent=quiz.pass_mark_percent,
                    answers=answers,
                    questions=questions,
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
        progress_services.step_score(
            learner=learner, page=quiz, fraction=result.score / result.max_score, completed=passed
        )
    return attempt, True
