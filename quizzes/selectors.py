"""Reads of quiz attempts; a learner sees only their own."""

from __future__ import annotations

from django.http import Http404

from .models import QuizAttempt


def attempt_for_learner(*, learner, quiz, attempt_id: int) -> QuizAttempt:
    """The learner's own attempt at this quiz (in any of its languages), or 404: another
    person's attempt is indistinguishable from one that does not exist."""
    if not learner.is_authenticated:
        raise Http404
    attempt = (
        QuizAttempt.objects.filter(pk=attempt_id, learner=learner, quiz__translation_key=quiz.translation_key)
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
        QuizAttempt.objects.filter(learner=learner, quiz__translation_key=quiz.translation_key)
        .only("pk", "submitted_at", "percent", "passed", "quiz_id")
        .order_by("-submitted_at")[:limit]
    )
