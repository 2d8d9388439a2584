"""Proof of completion: certificate templates, issuing, PDFs, verification and revocation.

A `Certificate` is issued once per holder and course (any language of it) by
`certificates.services.certificate_issue` when the course's completion rule is met. What it
certifies is frozen at issue: the holder's name, the course title, the language, the date,
and its PDF, rendered once by a task. Anyone can check it by its `code` (12 characters, 60
random bits, printed as `7KQ2-M9XD-4TQH`); it can expire (`expires_on`, when a course asks for
a refresher) and be revoked with a reason. A `CertificateTemplate` (a snippet, per course or
the default, in each language) holds the wording, the signatory and the images.
"""

from __future__ import annotations

import secrets
import string
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import PreviewableMixin, TranslatableMixin

from .storage import private_storage

# Crockford's base 32: no I, L, O or U, so a code read aloud or copied by hand survives.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 60 random bits
CODE_GROUP = 4
# What people type for letters that are not in the alphabet.
_CODE_READS_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})

PLACEHOLDERS = ("name", "course", "date", "hours")
MAX_TEXT_LINE_BREAKS = 3


def local_day(moment: datetime | None = None) -> date:
    """The calendar day in the site's time zone (Viet Nam's), whatever time zone a request or
    an admin's profile has switched to: a certificate's dates are the same everywhere."""
    return timezone.localdate(moment or timezone.now(), timezone=ZoneInfo(settings.TIME_ZONE))


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """A code as stored, from what someone typed: upper case, without spaces or dashes, with
    O, I, L and U read as 0, 1, 1 and V. Returns "" when it cannot be a code."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch.isalnum()).translate(_CODE_READS_AS)
    if len(cleaned) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in cleaned):
        return ""
    return cleaned


def format_code(code: str) -> str:
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def placeholder_errors(text: str) -> list[str]:
    """The placeholders in `text` that a certificate cannot fill, or a description of a
    malformed brace; empty when the text is fine."""
    try:
        names = [field for _, field, _, _ in string.Formatter().parse(text or "") if field is not None]
    except ValueError:
        return ["{"]
    return [name for name in names if name not in PLACEHOLDERS]


class CertificateTemplate(TranslatableMixin, PreviewableMixin, models.Model):
    """The wording and look of certificates: one default per language, and optionally one per
    course. Editors translate it like any snippet; a certificate uses the template of its own
    language (the course's own template first, then the default, then the built-in wording)."""

    name = models.CharField(_("name"), max_length=100, help_text=_("For editors, e.g. 'Default' or the course."))
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Leave empty for the default template of this language."),
    )
    title = models.CharField(_("title"), max_length=120, help_text=_("e.g. 'Certificate of completion'."))
    text = models.TextField(
        _("text"),
        max_length=600,
        help_text=_("Placeholders: {name}, {course}, {date} and {hours} are replaced by the certificate's values."),
    )
    signatory_name = models.CharField(_("signatory's name"), max_length=120, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=160, blank=True)
    signature_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("signature image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("course"),
        FieldPanel("title"),
        FieldPanel("text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("signatory_name"), FieldPanel("signatory_title")]),
                FieldPanel("signature_image"),
            ],
            heading=_("Signatory"),
        ),
        FieldPanel("logo"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        constraints = [
            models.UniqueConstraint(
                fields=["locale"],
                condition=Q(course__isnull=True),
                name="certificates_one_default_template_per_locale",
                violation_error_message=_("This language already has a default template; edit that one."),
            ),
            models.UniqueConstraint(
                fields=["course", "locale"],
                name="certificates_one_template_per_course_and_locale",
                violation_error_message=_("This course already has a template in this language; edit that one."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if (self.text or "").count("\n") > MAX_TEXT_LINE_BREAKS:
            raise ValidationError(
                {
                    "text": _("Use at most %(count)s line breaks: the text must fit on the page.")
                    % {"count": MAX_TEXT_LINE_BREAKS}
                }
            )
        for field in ("title", "text"):
            unknown = placeholder_errors(getattr(self, field))
            if unknown:
                raise ValidationError(
                    {
                        field: _(
                            "Only {name}, {course}, {date} and {hours} can be filled in; "
                            "remove or correct %(unknown)s (a brace on its own is written {{ or }})."
                        )
                        % {"unknown": ", ".join(f"{{{name}}}" for name in unknown)}
                    }
                )

    # The admin preview shows the certificate as a page and as the PDF it prints.
    @property
    def preview_modes(self):
        return [("", _("Page")), ("pdf", _("PDF"))]

    def get_preview_template(self, request, mode_name):
        return "certificates/certificate_pdf.html"

    def get_preview_context(self, request, mode_name):
        from .pdf import sample_context  # the renderer builds the context from a template

        return sample_context(self)

    def serve_preview(self, request, mode_name):
        if mode_name == "pdf":
            from django.http import HttpResponse

            from .pdf import sample_pdf

            return HttpResponse(sample_pdf(self), content_type="application/pdf")
        return super().serve_preview(request, mode_name)


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


def certificate_pdf_path(certificate: Certificate, filename: str) -> str:
    return f"certificates/{certificate.issued_at:%Y}/{certificate.code}.pdf"


class Certificate(models.Model):
    code = models.CharField(_("code"), max_length=CODE_LENGTH, unique=True, editable=False)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
        help_text=_("Empty once the holder's account is deleted; the certificate still verifies."),
    )
    holder_name = models.CharField(_("holder's name"), max_length=200, help_text=_("As it was at issue."))
    course = models.ForeignKey(
        "courses.CoursePage", verbose_name=_("course"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    course_key = models.UUIDField(
        _("course key"), help_text=_("The course's translation key: one certificate for every language of it.")
    )
    course_title = models.CharField(_("course title"), max_length=255, help_text=_("As it was at issue."))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    study_minutes = models.PositiveIntegerField(_("study time (minutes)"), default=0)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now, db_index=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revoking"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pdf = models.FileField(_("PDF"), upload_to=certificate_pdf_path, storage=private_storage, blank=True)
    pdf_rendered_at = models.DateTimeField(_("PDF rendered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["holder", "course_key"],
                condition=Q(holder__isnull=False),
                name="certificates_one_per_holder_and_course",
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9A-HJKMNP-TV-Z]{12}$"), name="certificates_code_format"
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoked_reason=""), name="certificates_revoked_with_reason"
            ),
        ]

    def __str__(self):
        return f"{self.display_code} · {self.holder_name} · {self.course_title}"

    @property
    def display_code(self) -> str:
        return format_code(self.code)

    def status_on(self, day) -> str:
        if self.revoked_at is not None:
            return CertificateStatus.REVOKED
        if self.expires_on is not None and self.expires_on < day:
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID

    @property
    def status(self) -> str:
        return self.status_on(local_day())

    @property
    def issued_on(self) -> date:
        return local_day(self.issued_at)

    def get_status_display(self) -> str:
        return CertificateStatus(self.status).label


class CertificateExport(models.Model):
    """A ZIP of certificates' PDFs that an administrator asked for; built by a task."""

    class State(models.TextChoices):
        PENDING = "pending", _("Being built")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.CharField(_("what it holds"), max_length=300)
    certificate_ids = models.JSONField(_("certificates"), default=list)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    file = models.FileField(_("file"), upload_to="certificates/exports/", storage=private_storage, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate export")
        verbose_name_plural = _("certificate exports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["pending", "ready", "failed"]), name="certificates_export_state_valid"
            )
        ]

    def __str__(self):
        return self.description
