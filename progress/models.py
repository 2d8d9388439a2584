"""How far each learner got: step records and completion over any page tree.

A *step* is a page that counts toward its parent's progress (see `progress.steps`). A
`StepRecord` is one learner's state on one step: its `progress` from 0 to 1 and when it was
completed. The record is keyed by the page's `translation_key`, so a lesson finished in
Vietnamese is finished in English too. Records are written only by `progress.services`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class StepRecord(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="step_records",
        verbose_name=_("learner"),
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("page"),
        help_text=_("The page (in the language it was used in) where the step was last worked on."),
    )
    step_key = models.UUIDField(_("step"), help_text=_("The page's translation key: the same step in every language."))
    progress = models.FloatField(_("progress"), default=0.0)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("step record")
        verbose_name_plural = _("step records")
        constraints = [
            models.UniqueConstraint(fields=["learner", "step_key"], name="progress_one_record_per_step"),
            models.CheckConstraint(condition=Q(progress__gte=0) & Q(progress__lte=1), name="progress_between_0_and_1"),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(progress=1),
                name="progress_complete_means_1",
            ),
        ]
        indexes = [models.Index(fields=["learner", "completed_at"], name="progress_learner_done_idx")]

    def __str__(self):
        return f"{self.learner} · {self.page} · {self.progress:.0%}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None
