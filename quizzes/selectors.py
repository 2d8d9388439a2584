"""Reads of quiz attempts; a learner sees only their own."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.http import Http404
from django.utils import timezone

from .models import Phase, QuizAttempt


def attempt_for_learner(*, learner, quiz, attempt_id: int) -> QuizAttempt:
    """The learner's own attempt at this quiz (in any of its languages), or 404: another
    person's attempt is indistinguishable from one that does not exist."""
    if not learner.is_authenticated:
        raise Http404
    attempt = (
        QuizAttempt.objects.filter(
            pk=attempt_id, learner=learner, quiz__translation_key=quiz.translation_key, phase=Phase.QUIZ
        )
        .select_related("quiz")
        .first()
    )
    if attempt is None:
        raise Http404
    return attempt


def attempts_of(*, learner, quiz, limit: int = 5) -> list[QuizAttempt]:
    if not learner.is_authenticated:
        return []
    return list(
        QuizAttempt.objects.filter(learner=learner, quiz__translation_key=quiz.translation_key, phase=Phase.QUIZ)
        .only("pk", "submitted_at", "percent", "passed", "quiz_id")
        .order_by("-submitted_at")[:limit]
    )


def cooldown_until(*, learner, quiz, now: datetime | None = None) -> datetime | None:
    """When the learner may try the quiz again, if it asks them to wait now: after every
    `cooldown_after_failures` failed attempts in a row (since their last pass, in any of the
    quiz's languages), `cooldown_hours` from the last of them. None when they may try now."""
    every = quiz.cooldown_after_failures
    if not every or not learner.is_authenticated:
        return None
    attempts = QuizAttempt.objects.filter(learner=learner, quiz__translation_key=quiz.translation_key, phase=Phase.QUIZ)
    last_pass = attempts.filter(passed=True).order_by("-submitted_at").values_list("submitted_at", flat=True).first()
    failed = attempts.filter(passed=False)
    if last_pass is not None:
        failed = failed.filter(submitted_at__gt=last_pass)
    fails = list(failed.order_by("-submitted_at").values_list("submitted_at", flat=True)[:every])
    count = failed.count() if len(fails) == every else len(fails)
    if not count or count % every:
        return None
    until = fails[0] + timedelta(hours=quiz.cooldown_hours)
    return until if until > (now or timezone.now()) else None


def precheck_of(*, learner, quiz) -> QuizAttempt | None:
    """The learner's check before the lessons of this quiz (in any of its languages), if any."""
    if not learner.is_authenticated:
        return None
    return (
        QuizAttempt.objects.filter(learner=learner, quiz__translation_key=quiz.translation_key, phase=Phase.BEFORE)
        .only("pk", "submitted_at", "score", "max_score", "quiz_id")
        .first()
    )


def attempts_count(*, learner, quiz, phase: str = Phase.QUIZ) -> int:
    """How many attempts the learner made at the quiz, in any of its languages, in `phase`."""
    return QuizAttempt.objects.filter(learner=learner, quiz__translation_key=quiz.translation_key, phase=phase).count()


def precheck_open(*, learner, quiz) -> bool:
    """Whether the learner may still answer the check before the lessons: not yet answered, no
    attempt at the quiz, and no step of its course begun (it is a check *before* the lessons)."""
    from progress.selectors import container_progress

    if attempts_count(learner=learner, quiz=quiz, phase=Phase.BEFORE) or attempts_count(learner=learner, quiz=quiz):
        return False
    return not container_progress(learner=learner, container=quiz.course).started
