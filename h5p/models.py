"""Interactive H5P activities, made with H5P elsewhere and uploaded by an editor.

An `H5PPackage` is one stored `.h5p` file (checked and stored by `h5p.packages`); an
`H5PActivity` is a package as lessons use it: a title, a locale (it is a translatable snippet,
so that a lesson's translation carries the activity's translation) and the package. Lessons
embed activities through an interface that `courses` owns; this app never imports `courses`.
What the player in the learner's browser reports comes back as xAPI statements: each is kept
once (`H5PStatement`), and the learner's standing on the activity is one `H5PResult` (best
score, completed, attempts). Those scores are reported by the browser: they are marked so, and
they never alone decide a certificate. The player's saved state is an `H5PState`.
When a Learning Record Store is set up (`LRS_ENDPOINT`), each kept statement also gets an
`LRSDelivery`: whether it has reached the LRS, or why not yet (`h5p.lrs` sends them).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import TranslatableMixin
from wagtail_localize.fields import TranslatableField

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
    shared_libraries = models.BooleanField(
        _("libraries in the shared store"),
        default=False,
        editable=False,
        help_text=_("Stored since libraries are kept once for the whole site; older packages keep their own copies."),
    )
    libraries = models.ManyToManyField(
        "H5PLibrary", related_name="packages", blank=True, editable=False, verbose_name=_("libraries")
    )

    class Meta:
        verbose_name = _("H5P package")
        verbose_name_plural = _("H5P packages")
        constraints = [
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="h5p_package_is_sha256"),
        ]

    def __str__(self):
        return self.sha256


class H5PLibrary(models.Model):
    """One H5P library as the site keeps it, once (`h5p.libraries`): its version, and the digest
    of its files, under which they are stored (h5p/libraries/<digest>/). `stored` is set once
    every file is written."""

    machine_name = models.CharField(_("machine name"), max_length=255)
    major = models.PositiveIntegerField(_("major version"))
    minor = models.PositiveIntegerField(_("minor version"))
    patch = models.PositiveIntegerField(_("patch version"), default=0)
    digest = models.CharField(_("SHA-256 of its files"), max_length=64, unique=True)
    stored = models.BooleanField(_("stored"), default=False)
    stored_at = models.DateTimeField(_("stored at"), auto_now_add=True)

    class Meta:
        verbose_name = _("H5P library")
        verbose_name_plural = _("H5P libraries")
        constraints = [
            models.CheckConstraint(condition=Q(digest__regex=r"^[0-9a-f]{64}$"), name="h5p_library_digest_is_sha256"),
        ]
        indexes = [models.Index(fields=["machine_name", "major", "minor"], name="h5p_library_version_idx")]

    def __str__(self):
        return f"{self.machine_name} {self.major}.{self.minor}.{self.patch}"


class H5PActivity(TranslatableMixin, models.Model):
    """An uploaded H5P package, as lessons use it: a title, a locale, and the package. A
    translation (made with wagtail-localize) has its own title and starts with the source's
    package, which the editor replaces with the package exported in the other language."""

    title = models.CharField(_("title"), max_length=255)
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

    # Only the title is translated. The package is uploaded, not typed, so a translation keeps
    # its own; so does its maximum score (copied when the translation is made, never synced
    # after: the other language's export may have another number of questions).
    translatable_fields = [TranslatableField("title")]

    class Meta(TranslatableMixin.Meta):
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

    @property
    def libraries_url(self) -> str:
        if not self.package.shared_libraries:
            return self.base_url
        from .libraries import libraries_path

        return f"{settings.H5P_CONTENT_ORIGIN}{libraries_path()}"

    @property
    def language(self) -> str:
        return self.locale.language_code

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
        h5p/templates/h5p/player.html): the package's address, the player's own files,
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
            # The site's shared libraries (h5p.libraries), the same address for every activity, so
            # that a lesson's activities load each library once; older packages carry their own.
            "librariesPath": self.libraries_url,
            "frameJs": static("h5p-standalone/frame.bundle.js"),
            "frameCss": static("h5p-standalone/styles/h5p.css"),
            "customJs": [static("h5p/js/frame.js")],
            "frame": False,
            "icon": False,
            "export": False,
            "copyright": False,
            "embed": False,
            "fullScreen": False,
            # Without it the frame's <html lang> is "en" whatever the content's language.
            "metadata": {"title": self.title, "defaultLanguage": self.language},
            # The activity's stable name (h5p.xapi), not the package's address.
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
            from .selectors import state_of

            kwargs = {"page_id": page.pk, "activity_id": self.pk}
            state = state_of(learner=learner, activity=self)
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
        `courses` needs no import of `h5p`) to tell whether a required activity is passed."""
        if learner is None or not learner.is_authenticated:
            return None
        return H5PResult.objects.filter(learner=learner, activity=self).first()

    def passed_by(self, learner, *, pass_mark_percent: int) -> bool:
        result = self.result_for(learner)
        return result is not None and result.reaches(pass_mark_percent)


class H5PResult(models.Model):
    """One learner's standing on one H5P activity, from the statements the player sent. Written
    only by `h5p.services.statement_record`, with single conditional UPDATEs."""

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


class LRSDelivery(models.Model):
    """Forwarding one kept statement to the Learning Record Store (`h5p.lrs`): pending until the
    LRS has it, then delivered; after `LRS_MAX_ATTEMPTS` failures, or a refusal that sending again
    cannot change, a dead letter that an operator may put back (Reports > LRS: statements not
    sent). Its own table rather than columns on `H5PStatement`: only a site with an LRS has rows,
    the queue's index stays small, and a statement (what the learner did) carries no transport
    state. Deleted with its statement, so withdrawing consent leaves nothing to send."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        DELIVERED = "delivered", _("delivered")
        DEAD = "dead", _("not sent (gave up)")

    statement = models.OneToOneField(
        H5PStatement, on_delete=models.CASCADE, related_name="lrs_delivery", verbose_name=_("H5P statement")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("sending attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(
        _("last HTTP status"), null=True, blank=True, help_text=_("Empty when the LRS could not be reached.")
    )
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("LRS delivery")
        verbose_name_plural = _("LRS deliveries")
        # Viewing the dead letters, and putting them back; rows are made and removed by services only.
        default_permissions = ("view", "change")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["pending", "delivered", "dead"]), name="h5p_lrs_delivery_state_known"
            ),
            models.CheckConstraint(
                condition=~Q(state="delivered") | Q(delivered_at__isnull=False), name="h5p_lrs_delivery_has_date"
            ),
        ]
        # The queue: the oldest pending first.
        indexes = [models.Index(fields=["state", "id"], name="h5p_lrs_delivery_queue_idx")]

    def __str__(self):
        return f"{self.statement_id} · {self.state}"


class LRSForwarding(models.Model):
    """The one row that says who is sending to the LRS right now (a lease, taken and renewed by a
    single conditional UPDATE, so that statements leave one batch at a time, in order, whatever
    the number of task workers; no transaction stays open while the LRS answers). Operators' retries
    are written to the audit log against it."""

    held_by = models.CharField(_("held by"), max_length=32, blank=True)
    held_until = models.DateTimeField(_("held until"), null=True, blank=True)

    class Meta:
        verbose_name = _("LRS forwarding")
        verbose_name_plural = _("LRS forwarding")
        default_permissions = ()
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="h5p_lrs_forwarding_is_single")]

    def __str__(self):
        return str(_("Forwarding to the Learning Record Store"))
