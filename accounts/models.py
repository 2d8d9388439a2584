"""Who someone is.

A `User` is anyone who signs in: a pupil (display name only; signs in through their class,
never with an e-mail), or an adult (teacher, school leader, social worker, caregiver, editor)
who signs up with an e-mail address through django-allauth. The e-mail is optional, because
pupils have none, but unique (case-insensitively) whenever it is present.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PUPIL = "pupil", _("Pupil")
    TEACHER = "teacher", _("Teacher")
    SCHOOL_LEADER = "school_leader", _("School leader")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    CAREGIVER = "caregiver", _("Parent or caregiver")
    EDITOR = "editor", _("Editor")


# Roles an adult may choose when signing up; school leaders are made by creating a school,
# editors by an administrator, pupils by their teacher.
SIGNUP_ROLES = (Role.TEACHER, Role.SOCIAL_WORKER, Role.CAREGIVER)
ADULT_ROLES = tuple(role for role in Role if role != Role.PUPIL)


class User(AbstractUser):
    email = models.EmailField(_("e-mail address"), blank=True)
    display_name = models.CharField(
        _("display name"),
        max_length=100,
        blank=True,
        help_text=_("The name shown on the site and on certificates."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CAREGIVER)
    # Set only by the schools app's consent service (schools.services.consent_record /
    # consent_withdraw), which holds the consent record itself; the layers below read it here.
    learning_data_consent = models.BooleanField(
        _("consent to store learning data"),
        default=False,
        editable=False,
        help_text=_("For pupils: the pupil's assent and a parent's or guardian's consent are recorded."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_unique_when_present",
                violation_error_message=_("Another account already uses this e-mail address."),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="accounts_user_role_valid",
            ),
        ]

    def __str__(self):
        return self.get_display_name()

    def save(self, *args, **kwargs):
        # Store e-mail addresses in one case so the unique constraint and look-ups agree.
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def get_display_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_pupil(self) -> bool:
        return self.role == Role.PUPIL

    @property
    def may_store_learning_data(self) -> bool:
        """Whether progress and attempts may be recorded for this person.

        Adults agree to it when they sign up. A pupil's data needs the pupil's assent and a
        parent's or guardian's consent; until the schools app records that consent (and sets
        `learning_data_consent`), nothing is stored for a pupil."""
        return self.is_active and (not self.is_pupil or self.learning_data_consent)


class CredentialKind(models.TextChoices):
    PICTURES = "pictures", _("Picture password")
    PIN = "pin", _("PIN")


class PupilCredential(models.Model):
    """How a pupil proves who they are after picking their name in their class: three pictures
    out of twelve, or a four-digit PIN.

    Neither is stored. The secret is derived from a server-side key and this row's random
    `salt` by HMAC-SHA256 (`accounts.credentials`), so the teacher can print the login card again
    at any time, a copy of the database alone reveals nothing, and a check costs microseconds
    rather than a slow password hash: with 1 728 picture combinations slow hashing buys nothing,
    the lockout after a few wrong tries does the protecting. A new salt is a new secret."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="pupil_credential", verbose_name=_("pupil")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CredentialKind.choices, default=CredentialKind.PICTURES)
    salt = models.CharField(_("salt"), max_length=32)
    failed_attempts = models.PositiveSmallIntegerField(_("wrong tries in a row"), default=0)
    locked_at = models.DateTimeField(_("locked since"), null=True, blank=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("pupil sign-in")
        verbose_name_plural = _("pupil sign-ins")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=CredentialKind.values), name="accounts_credential_kind"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None
