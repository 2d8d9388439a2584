"""What a learner answers and is scored on.

`QuizPage` is a step of a course (`progress.steps.ProgressStep`): passing it completes the step.
Its `questions` are blocks (`quizzes.blocks`). A learner's submission is one `QuizAttempt`
(with a snapshot of the questions as they were, so that it stays readable after the quiz is
edited) and one `QuizAnswer` per question, so that teachers can see which questions were hard.
Attempts are written only by `quizzes.services.attempt_submit`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from courses.pages import CachedPageMixin
from progress.steps import ProgressStep

from .blocks import QuestionStreamBlock


class QuizPage(CachedPageMixin, RoutablePageMixin, ProgressStep, Page):
    """A quiz at the end of a module, or a course's final assessment."""

    progress_completion = "pass"

    intro = models.TextField(_("introduction"), blank=True)
    pass_mark_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=60, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=0, help_text=_("0 for unlimited (the default, for pupils).")
    )
    shuffle_questions = models.BooleanField(
        _("shuffle the questions"),
        default=False,
        help_text=_("Off by default: a class often goes through a quiz together."),
    )
    questions_per_attempt = models.PositiveSmallIntegerField(
        _("questions per attempt"),
        default=0,
        help_text=_(
            "0 asks every question. A smaller number makes the questions a bank: each attempt draws this many, "
            "a fair share from each lesson the questions assess."
        ),
    )
    cooldown_after_failures = models.PositiveSmallIntegerField(
        _("wait after this many failed attempts"),
        default=0,
        help_text=_(
            "0 never asks to wait. After this many failed attempts in a row, the learner waits before the next."
        ),
    )
    cooldown_hours = models.PositiveSmallIntegerField(
        _("hours to wait"), default=24, validators=[MinValueValidator(1), MaxValueValidator(24 * 14)]
    )
    offers_precheck = models.BooleanField(
        _("offer a check before the lessons"),
        default=False,
        help_text=_(
            "Learners may answer one question per lesson, drawn from these questions, before they start. "
            "It is not scored; compared with this quiz after the lessons, it shows what each lesson taught."
        ),
    )
    questions = StreamField(QuestionStreamBlock(), verbose_name=_("questions"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldRowPanel(
            [FieldPanel("pass_mark_percent"), FieldPanel("attempts_allowed"), FieldPanel("shuffle_questions")]
        ),
        FieldRowPanel(
            [FieldPanel("questions_per_attempt"), FieldPanel("cooldown_after_failures"), FieldPanel("cooldown_hours")],
            heading=_("Assessment"),
        ),
        FieldPanel("offers_precheck"),
        FieldPanel("questions"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.FilterField("locale_id")]

    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark_percent__gte=1) & Q(pass_mark_percent__lte=100),
                name="quiz_pass_mark_1_to_100",
            )
        ]

    def clean(self):
        super().clean()
        from .bank import outcomes_in

        count = self.questions_per_attempt
        raw = list(self.questions.raw_data) if self.questions else []
        if count and count < len(raw) and count < outcomes_in(raw):
            raise ValidationError(
                {
                    "questions_per_attempt": _(
                        "Ask at least %(outcomes)s questions per attempt, one for each lesson the questions assess, "
                        "or assess fewer lessons."
                    )
                    % {"outcomes": outcomes_in(raw)}
                }
            )

    @property
    def course(self):
        return self.course_for(None)

    def course_for(self, request):
        from courses.models import course_of

        return course_of(self, request)

    @path("")
    def take(self, request):
        from .views.quiz import take_quiz

        return take_quiz(request, self)

    @path("before/")
    def precheck(self, request):
        from .views.quiz import take_precheck

        return take_precheck(request, self)

    @path("results/<int:attempt_id>/")
    def result(self, request, attempt_id: int):
        from .views.quiz import attempt_result

        return attempt_result(request, self, attempt_id)


class Phase(models.TextChoices):
    #: The quiz itself, after the lessons: graded, counted for progress and certificates.
    QUIZ = "quiz", _("quiz")
    #: The optional check before the lessons: one question per lesson, not counted.
    BEFORE = "before", _("check before the lessons")


class QuizAttempt(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts", verbose_name=_("learner")
    )
    quiz = models.ForeignKey(QuizPage, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("quiz"))
    submission_key = models.UUIDField(
        _("submission"), help_text=_("Sent with the form, so that a double submit records one attempt.")
    )
    phase = models.CharField(_("phase"), max_length=8, choices=Phase.choices, default=Phase.QUIZ)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # When the learner sent the answers: now, or for a form answered offline and sent later, when
    # they answered it (quizzes.offline).
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, editable=False)
    score = models.FloatField(_("score"))
    max_score = models.FloatField(_("maximum score"))
    percent = models.FloatField(_("percent"))
    passed = models.BooleanField(_("passed"))
    pass_mark_percent = models.PositiveSmallIntegerField(_("pass mark (%) at the time"))
    answers = models.JSONField(_("answers"), default=dict)
    questions = models.JSONField(
        _("questions at the time"),
        default=list,
        help_text=_(
            "The questions of this attempt (drawn from the bank, if the quiz has one) as they were when answered."
        ),
    )
    layout = models.JSONField(
        _("order shown"),
        default=dict,
        help_text=_("Each question's choices, steps or matches in the order this attempt's form showed them."),
    )

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "submission_key"], name="quiz_attempt_once_per_submission"),
            models.UniqueConstraint(
                fields=["learner", "quiz"], condition=Q(phase="before"), name="quiz_attempt_one_check_before"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=models.F("max_score")), name="quiz_attempt_score_in_range"
            ),
        ]
        indexes = [models.Index(fields=["learner", "quiz"], name="quiz_attempt_learner_quiz_idx")]

    def __str__(self):
        return f"{self.learner} · {self.quiz} · {self.percent:.0f}%"


class QuizAnswer(models.Model):
    """One question of one attempt: what was answered and what it scored."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answer_rows")
    question_id = models.UUIDField(_("question"))
    question_type = models.CharField(_("question type"), max_length=32)
    answer = models.JSONField(_("answer"))
    score = models.FloatField(_("score"))
    max_score = models.FloatField(_("maximum score"), default=1.0)
    correct = models.BooleanField(_("fully right"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question_id"], name="quiz_answer_once_per_question"),
        ]
        indexes = [models.Index(fields=["question_id", "correct"], name="quiz_answer_question_idx")]

    def __str__(self):
        return f"{self.attempt_id} · {self.question_id} · {self.score}"
