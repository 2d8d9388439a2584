"""What a learner answers and is scored on.

`QuizPage` is a step of a course (`progress.steps.ProgressStep`): passing it completes the step.
Its `questions` are blocks (`quizzes.blocks`). A learner's submission is one `QuizAttempt`
(with a snapshot of the questions as they were, so that it stays readable after the quiz is
edited) and one `QuizAnswer` per question, so that teachers can see which questions were hard.
Attempts are written only by `quizzes.services.attempt_submit`.

An `H5PActivity` is an interactive exercise made with H5P elsewhere and uploaded by an editor as
a `.h5p` package (checked and stored by `quizzes.packages`); lessons embed it with a block. What
the player in the learner's browser reports comes back as xAPI statements: each is kept once
(`H5PStatement`), and the learner's standing on the activity is one `H5PResult` (best score,
completed, attempts). Those scores are reported by the browser: they are marked so, and they
never alone decide a certificate. The player's saved state is an `H5PState`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
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
    questions = StreamField(QuestionStreamBlock(), verbose_name=_("questions"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldRowPanel(
            [FieldPanel("pass_mark_percent"), FieldPanel("attempts_allowed"), FieldPanel("shuffle_questions")]
        ),
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

    @path("results/<int:attempt_id>/")
    def result(self, request, attempt_id: int):
        from .views.quiz import attempt_result

        return attempt_result(request, self, attempt_id)


class QuizAttempt(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts", verbose_name=_("learner")
    )
    quiz = models.ForeignKey(QuizPage, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("quiz"))
    submission_key = models.UUIDField(
        _("submission"), help_text=_("Sent with the form, so that a double submit records one attempt.")
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    score = models.FloatField(_("score"))
    max_score = models.FloatField(_("maximum score"))
    percent = models.FloatField(_("percent"))
    passed = models.BooleanField(_("passed"))
    pass_mark_percent = models.PositiveSmallIntegerField(_("pass mark (%) at the time"))
    answers = models.JSONField(_("answers"), default=dict)
    questions = models.JSONField(
        _("questions at the time"), default=list, help_text=_("The quiz's questions as they were when answered.")
    )

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "submission_key"], name="quiz_attempt_once_per_submission"),
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


# Libraries that compile code from strings at run time: EmbeddedJS (EJS templates, compiled with
# `new Function`), which H5P.QuestionSet 1.x loads. Their players need 'unsafe-eval'.
LIBRARIES_NEEDING_EVAL = frozenset({"EmbeddedJS"})


class H5PPackage(models.Model):
    """One stored .h5p file: its files are in storage under h5p/<sha256>/, shared by every
    activity uploaded from the same file. Storing and removing the files lock this row, so that
    a package is never removed while an activity is being saved with it; activities point at it
    with PROTECT, so the database refuses to drop one still in use."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, primary_key=True)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    stored_at = models.DateTimeField(_("stored at"), auto_now_add=True)

    class Meta:
        verbose_name = _("H5P package")
        verbose_name_plural = _("H5P packages")
        constraints = [
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="h5p_package_is_sha256"),
        ]

    def __str__(self):
        return self.sha256


class H5PActivity(models.Model):
    """An uploaded H5P package, as lessons use it: a title, a language, and the package."""

    title = models.CharField(_("title"), max_length=255)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="vi")
    package = models.ForeignKey(
        H5PPackage, on_delete=models.PROTECT, related_name="activities", editable=False, verbose_name=_("package")
    )
    max_score = models.PositiveIntegerField(
        _("maximum score"),
        null=True,
        blank=True,
        help_text=_(
            "The activity's maximum score, as H5P reports it (for example, the number of questions). "
            "When set, a result reported with another maximum is refused. Leave empty if it varies."
        ),
    )
    main_library = models.CharField(_("content type"), max_length=255, editable=False)
    libraries = models.JSONField(_("libraries"), default=list, editable=False)
    original_filename = models.CharField(_("file name"), max_length=255, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("H5P activity")
        verbose_name_plural = _("H5P activities")
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def package_sha256(self) -> str:
        return self.package_id or ""

    @property
    def base_url(self) -> str:
        """Where the player finds h5p.json, content/ and the libraries."""
        from django.urls import reverse

        path = reverse("h5p_file", kwargs={"sha256": self.package_sha256, "name": "h5p.json"}).removesuffix("/h5p.json")
        return f"{settings.H5P_CONTENT_ORIGIN}{path}"

    def is_playable(self) -> bool:
        """Whether the package's files are in storage (the player may still fail in a browser)."""
        from . import packages

        try:
            return packages.is_stored(self.package_sha256)
        except (ValueError, OSError):
            return False

    def player(self, *, request, page) -> dict:
        """What a lesson needs to embed this activity's player on `page` (see
        courses/templates/courses/blocks/h5p_activity.html): the player is a document of its own,
        under its own Content-Security-Policy, framed by the lesson."""
        from django.urls import reverse

        return {
            "activity": self.pk,
            "title": self.title,
            "playable": self.is_playable(),
            "src": reverse("h5p_player", kwargs={"page_id": page.pk, "activity_id": self.pk}),
        }

    def player_needs(self) -> frozenset[str]:
        """What this package's libraries need of the player's Content-Security-Policy beyond its
        narrowest (the names of `CONTENT_SECURITY_POLICY_H5P_PLAYER_NEEDS`): "eval" for a library
        that compiles code from strings, "youtube" for H5P's video player, which plays YouTube
        sources through YouTube's own script and frame."""
        names = {library.rsplit("-", 1)[0] for library in self.libraries or ()}
        needs = set()
        if names & LIBRARIES_NEEDING_EVAL:
            needs.add("eval")
        if "H5P.Video" in names:
            needs.add("youtube")
        return frozenset(needs)

    def player_options(self, *, request, page) -> dict:
        """What the player document needs for this learner on `page` (see
        quizzes/templates/quizzes/h5p/player.html): the package's address, the player's own files,
        where to report, and the saved state to resume from. Nothing is reported for a visitor
        or for a pupil whose family's consent is not recorded."""
        from django.middleware.csrf import get_token
        from django.templatetags.static import static
        from django.urls import reverse

        from .xapi import activity_iri

        learner = request.user
        records = learner.is_authenticated and learner.may_store_learning_data
        options = {
            "id": f"a{self.pk}-p{page.pk}",
            "h5pJsonPath": self.base_url,
            "frameJs": static("h5p-standalone/frame.bundle.js"),
            "frameCss": static("h5p-standalone/styles/h5p.css"),
            "customJs": [static("quizzes/js/h5p-frame.js")],
            "frame": False,
            "icon": False,
            "export": False,
            "copyright": False,
            "embed": False,
            "fullScreen": False,
            # Without it the frame's <html lang> is "en" whatever the content's language.
            "metadata": {"title": self.title, "defaultLanguage": self.language},
            # The activity's stable name (quizzes.xapi), not the package's address.
            "xAPIObjectIRI": activity_iri(self.pk),
            # Always a placeholder user: without one H5P's core writes a lasting id of its own into
            # the browser's storage (shared school phones); it never learns who is playing.
            "user": {"name": "learner", "mail": "learner@invalid"},
            # Nothing to restore, and nowhere to ask: "RESET" tells H5P's core there is no saved
            # state (with a user and no address to ask, it would fail).
            "contentUserData": [{"state": "RESET"}],
        }
        report = {}
        if records:
            from .selectors import h5p_state_of

            kwargs = {"page_id": page.pk, "activity_id": self.pk}
            state = h5p_state_of(learner=learner, activity=self)
            options.update(
                {
                    "saveFreq": 15,
                    "ajax": {"contentUserDataUrl": reverse("h5p_state", kwargs=kwargs)},
                    "contentUserData": [{"state": state}] if state else [],
                }
            )
            report = {"statements": reverse("h5p_statement", kwargs=kwargs), "csrfToken": get_token(request)}
        return {
            "activity": self.pk,
            "options": options,
            "report": report,
            "main_bundle": static("h5p-standalone/main.bundle.js"),
        }

    def result_for(self, learner):
        """The learner's result on this activity, or None. Used by lessons (duck-typed, so that
        `courses` needs no import of `quizzes`) to tell whether a required activity is passed."""
        if learner is None or not learner.is_authenticated:
            return None
        return H5PResult.objects.filter(learner=learner, activity=self).first()

    def passed_by(self, learner, *, pass_mark_percent: int) -> bool:
        result = self.result_for(learner)
        return result is not None and result.reaches(pass_mark_percent)


class H5PResult(models.Model):
    """One learner's standing on one H5P activity, from the statements the player sent. Written
    only by `quizzes.services.h5p_statement_record`, with single conditional UPDATEs."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="h5p_results", verbose_name=_("learner")
    )
    activity = models.ForeignKey(
        H5PActivity, on_delete=models.CASCADE, related_name="results", verbose_name=_("activity")
    )
    best_score = models.FloatField(_("best score"), null=True, blank=True)
    max_score = models.FloatField(_("maximum score"), null=True, blank=True)
    best_percent = models.FloatField(_("best percent"), null=True, blank=True)
    completed = models.BooleanField(_("completed"), default=False)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    client_reported = models.BooleanField(
        _("reported by the browser"),
        default=True,
        editable=False,
        help_text=_("Scores from H5P are reported by the learner's browser, not graded by the site."),
    )
    first_at = models.DateTimeField(_("first answered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("H5P result")
        verbose_name_plural = _("H5P results")
        constraints = [
            models.UniqueConstraint(fields=["learner", "activity"], name="h5p_result_once_per_learner"),
            models.CheckConstraint(
                condition=Q(best_score__isnull=True) | (Q(best_score__gte=0) & Q(best_score__lte=F("max_score"))),
                name="h5p_result_score_in_range",
            ),
            models.CheckConstraint(
                condition=Q(best_percent__isnull=True) | (Q(best_percent__gte=0) & Q(best_percent__lte=100)),
                name="h5p_result_percent_0_to_100",
            ),
        ]

    def __str__(self):
        return f"{self.learner} · {self.activity} · {self.best_percent}"

    def reaches(self, pass_mark_percent: int) -> bool:
        """Completed, and at or above the pass mark (0: completing is enough)."""
        if not self.completed:
            return False
        return pass_mark_percent <= 0 or (self.best_percent is not None and self.best_percent >= pass_mark_percent)


class H5PStatement(models.Model):
    """One xAPI statement as the player sent it (without its actor: the site knows the learner
    from the session), kept once per id so that a replay changes nothing."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("learner")
    )
    activity = models.ForeignKey(
        H5PActivity, on_delete=models.CASCADE, related_name="statements", verbose_name=_("activity")
    )
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("page")
    )
    statement_id = models.UUIDField(_("statement id"))
    verb = models.CharField(_("verb"), max_length=200)
    top_level = models.BooleanField(_("about the whole activity"))
    score_raw = models.FloatField(_("score"), null=True, blank=True)
    score_max = models.FloatField(_("maximum score"), null=True, blank=True)
    statement = models.JSONField(_("statement"), default=dict)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("H5P statement")
        verbose_name_plural = _("H5P statements")
        constraints = [
            models.UniqueConstraint(fields=["learner", "statement_id"], name="h5p_statement_once"),
        ]
        indexes = [models.Index(fields=["learner", "activity"], name="h5p_statement_learner_idx")]

    def __str__(self):
        return f"{self.statement_id} · {self.verb}"


class H5PState(models.Model):
    """Where the learner left the activity (the player's own saved state), to restore it."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("learner")
    )
    activity = models.ForeignKey(H5PActivity, on_delete=models.CASCADE, related_name="+", verbose_name=_("activity"))
    data = models.TextField(_("saved state"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("H5P saved state")
        verbose_name_plural = _("H5P saved states")
        constraints = [models.UniqueConstraint(fields=["learner", "activity"], name="h5p_state_once_per_learner")]

    def __str__(self):
        return f"{self.learner} · {self.activity}"
