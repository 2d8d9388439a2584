"""Where learning happens.

A `School` (a school, a social-service agency, ...) has staff and classes. A `Classroom` has a
grade (and so an age band) and a class code that its pupils type to sign in. A `Membership`
says who belongs where and as what: a leader or teacher of a school (pending until a leader
approves a join request), a teacher of a class, a pupil of a class (one class per pupil).
A `CourseAssignment` puts a course on a class's list with a due date. A `ConsentRecord` holds
the pupil's assent and a parent's or guardian's consent; without it nothing the pupil does is
stored (it sets `accounts.User.learning_data_consent`). `ConsentEvent` is the log of consent
given and withdrawn. A `TalkRequest` is a pupil's "I want to talk": to one adult (a teacher of
their class, or the school's `counsellor`), optionally what about, whether it is urgent, and what
the adult did; no free text. It is a safeguarding channel, not learning data, so it is stored
without consent and deleted `TALK_REQUEST_DAYS` after it was handled (docs/security.md).
A `TeachingSession` is a module being taught to the whole class from one screen, in one language;
its projector code opens that screen without signing in, only while it is open. `ClassTaught`
records that it was taught on a date, to whom (consented pupils only). Everything is written by `schools.services`.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CredentialKind

from .provinces import Province

# Letters and digits that cannot be mistaken for one another when read off a board or a card.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# 31^8, about 8.5e11 class codes: with the sign-in limits (schools.signin_limits), finding any one
# of 10 000 classes by guessing takes centuries from one address (docs/security.md).
CLASS_CODE_LENGTH = 8
JOIN_CODE_LENGTH = 8


def new_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(text: str) -> str:
    """What a person typed, as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def display_code(code: str) -> str:
    """A code as printed and shown, in groups of four ("DEM3-AXYZ"): easier to read off a board."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class SchoolKind(models.TextChoices):
    SCHOOL = "school", _("School")
    AGENCY = "agency", _("Social-service agency")
    OTHER = "other", _("Other organisation")


class School(models.Model):
    name = models.CharField(_("name"), max_length=200)
    province = models.CharField(_("province or city"), max_length=20, choices=Province.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=SchoolKind.choices, default=SchoolKind.SCHOOL)
    staff_join_code = models.CharField(
        _("staff join code"),
        max_length=JOIN_CODE_LENGTH,
        unique=True,
        help_text=_("Teachers type it to ask to join the school; a leader approves them."),
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("counsellor"),
        help_text=_("A member of staff pupils may choose when they ask to talk; set by a school leader."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(province__in=Province.values), name="schools_school_province_valid"),
            models.CheckConstraint(condition=Q(kind__in=SchoolKind.values), name="schools_school_kind_valid"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_province_display()})"


# Grades 1-12 start at age 6; the age bands of the courses cover three grades each.
GRADE_AGE_BANDS = {1: "6-8", 2: "6-8", 3: "6-8", 4: "9-11", 5: "9-11", 6: "9-11"}
GRADE_AGE_BANDS |= {7: "12-14", 8: "12-14", 9: "12-14", 10: "15-17", 11: "15-17", 12: "15-17"}


class Classroom(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="classrooms", verbose_name=_("school"))
    name = models.CharField(_("name"), max_length=100, help_text=_("As the school calls it, for example 7A2."))
    grade = models.PositiveSmallIntegerField(
        _("grade"), validators=[MinValueValidator(1), MaxValueValidator(12)], help_text=_("1 to 12.")
    )
    class_code = models.CharField(
        _("class code"),
        max_length=CLASS_CODE_LENGTH,
        unique=True,
        help_text=_("Pupils type it to sign in; it is printed on their login cards."),
    )
    sign_in_kind = models.CharField(
        _("new pupils sign in with"),
        max_length=10,
        choices=CredentialKind.choices,
        default=CredentialKind.PICTURES,
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Archived classes cannot sign in."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["grade", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(grade__gte=1) & Q(grade__lte=12), name="schools_class_grade_1_to_12"),
            models.UniqueConstraint(
                "school", Lower("name"), condition=Q(active=True), name="schools_class_name_unique_in_school"
            ),
            models.CheckConstraint(
                condition=Q(sign_in_kind__in=CredentialKind.values), name="schools_class_sign_in_kind_valid"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def class_code_display(self) -> str:
        return display_code(self.class_code)

    @property
    def age_band(self) -> str:
        """The course age band that fits this grade ("6-8", ...)."""
        return GRADE_AGE_BANDS[self.grade]


class MembershipRole(models.TextChoices):
    LEADER = "leader", _("School leader")
    TEACHER = "teacher", _("Teacher")
    PUPIL = "pupil", _("Pupil")


class Membership(models.Model):
    """One person's place in a school (leader or teacher, `classroom` empty) or in one class
    (teacher or pupil). A teacher's request to join a school is pending until a leader
    approves it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("school"))
    classroom = models.ForeignKey(
        Classroom,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("class"),
    )
    role = models.CharField(_("role"), max_length=10, choices=MembershipRole.choices)
    approved = models.BooleanField(_("approved"), default=True)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=MembershipRole.values), name="schools_membership_role_valid"),
            # Leaders belong to the school; pupils to a class; teachers to either.
            models.CheckConstraint(
                condition=~Q(role=MembershipRole.LEADER) | Q(classroom__isnull=True),
                name="schools_leader_has_no_class",
            ),
            models.CheckConstraint(
                condition=~Q(role=MembershipRole.PUPIL) | Q(classroom__isnull=False),
                name="schools_pupil_has_a_class",
            ),
            models.UniqueConstraint(
                fields=["user", "school"], condition=Q(classroom__isnull=True), name="schools_one_staff_role_per_school"
            ),
            models.UniqueConstraint(fields=["user", "classroom"], name="schools_one_membership_per_class"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(role=MembershipRole.PUPIL), name="schools_pupil_in_one_class"
            ),
        ]
        indexes = [models.Index(fields=["classroom", "role"], name="schools_membership_class_idx")]

    def __str__(self):
        where = self.classroom or self.school
        return f"{self.user} · {self.get_role_display()} · {where}"


class CourseAssignment(models.Model):
    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("class")
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="+", verbose_name=_("course")
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    visible = models.BooleanField(_("visible to pupils"), default=True)
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["due_on", "assigned_at"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "course"], name="schools_course_assigned_once_per_class"),
        ]

    def __str__(self):
        return f"{self.classroom} · {self.course}"


class ConsentMethod(models.TextChoices):
    PAPER = "paper", _("Paper slip, recorded by the teacher")
    ONLINE = "online", _("Online, by the parent or guardian")


class ConsentRecord(models.Model):
    """The pupil's assent and a parent's or guardian's consent to storing the pupil's progress
    and quiz answers. Deleted when consent is withdrawn (the `ConsentEvent` log remains)."""

    pupil = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent_record", verbose_name=_("pupil")
    )
    pupil_assent = models.BooleanField(_("the pupil agrees"))
    guardian_consent = models.BooleanField(_("a parent or guardian agrees"))
    method = models.CharField(_("how it was given"), max_length=10, choices=ConsentMethod.choices)
    given_on = models.DateField(_("date given"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        constraints = [
            models.CheckConstraint(
                condition=Q(pupil_assent=True) & Q(guardian_consent=True), name="schools_consent_needs_both"
            ),
            models.CheckConstraint(condition=Q(method__in=ConsentMethod.values), name="schools_consent_method_valid"),
        ]

    def __str__(self):
        return f"{self.pupil} · {self.given_on}"


class ConsentEvent(models.Model):
    """The log: consent recorded or withdrawn, by whom, when, and what withdrawal deleted."""

    class Action(models.TextChoices):
        RECORDED = "recorded", _("Consent recorded")
        WITHDRAWN = "withdrawn", _("Consent withdrawn; learning data deleted")

    pupil = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent_events", verbose_name=_("pupil")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("consent event")
        verbose_name_plural = _("consent events")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.pupil} · {self.get_action_display()} · {self.at:%Y-%m-%d}"


# A request no one has handled after this many days is flagged to the school's leaders.
TALK_WAITING_DAYS = 3


class TalkAbout(models.TextChoices):
    """What a pupil may say it is about: optional, in a child's words."""

    ONLINE = "online", _("Something online upset me")
    MEAN = "mean", _("Someone is being mean to me")
    SECRET = "secret", _("Someone asked me for pictures or to keep a secret")
    FRIEND = "friend", _("My friend needs help")
    OTHER = "other", _("Something else")


class TalkStatus(models.TextChoices):
    NEW = "new", _("Not yet handled")
    TALKED = "talked", _("Talked with the pupil")
    REFERRED = "referred", _("Referred (111, the commune or ward, the police)")
    CLOSED = "closed", _("Closed")


class TalkRequest(models.Model):
    """A pupil asks one adult to talk. Seen only by that adult and the school's leaders.

    A request not yet handled outlives the pupil's account (a child asked for help): `pupil`
    becomes empty and `pupil_name`, the display name taken when it was sent, says who asked; the
    leaders see it at once. Requests already handled go with the pupil (schools.signals)."""

    pupil = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="talk_requests",
        verbose_name=_("pupil"),
    )
    pupil_name = models.CharField(_("pupil's name when they asked"), max_length=150, blank=True)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="talk_requests", verbose_name=_("school"))
    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="talk_requests", verbose_name=_("class")
    )
    # Kept when the adult's account goes: the leaders still see the request and act on it.
    adult = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="talk_requests_to_me",
        verbose_name=_("adult asked"),
    )
    about = models.CharField(_("about"), max_length=10, choices=TalkAbout.choices, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=TalkStatus.choices, default=TalkStatus.NEW)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    seen_at = models.DateTimeField(_("seen by the adult at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )

    class Meta:
        verbose_name = _("talk request")
        verbose_name_plural = _("talk requests")
        ordering = ["-urgent", "created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=TalkStatus.values), name="schools_talk_status_valid"),
            models.CheckConstraint(
                condition=Q(about="") | Q(about__in=TalkAbout.values), name="schools_talk_about_valid"
            ),
            # Handled exactly when it has left "new": the retention counts from handled_at.
            models.CheckConstraint(
                condition=(Q(status=TalkStatus.NEW) & Q(handled_at__isnull=True))
                | (~Q(status=TalkStatus.NEW) & Q(handled_at__isnull=False)),
                name="schools_talk_handled_when_not_new",
            ),
            models.UniqueConstraint(
                fields=["pupil", "adult"], condition=Q(status=TalkStatus.NEW), name="schools_talk_one_open_per_adult"
            ),
        ]
        indexes = [
            models.Index(fields=["adult", "status"], name="schools_talk_adult_idx"),
            models.Index(fields=["school", "status"], name="schools_talk_school_idx"),
            models.Index(fields=["handled_at"], name="schools_talk_handled_idx"),
        ]

    def __str__(self):
        return f"{self.pupil_display_name} → {self.adult} · {self.get_status_display()} · {self.created_at:%Y-%m-%d}"

    @property
    def pupil_display_name(self) -> str:
        """The pupil's name now, or the one taken when they asked if their account was deleted."""
        return self.pupil.get_display_name() if self.pupil_id else self.pupil_name

    @property
    def pupil_gone(self) -> bool:
        """The pupil's account was deleted (the request was not yet handled then)."""
        return self.pupil_id is None

    @property
    def handled(self) -> bool:
        return self.status != TalkStatus.NEW

    @property
    def waiting(self) -> bool:
        """Not handled after TALK_WAITING_DAYS days."""
        return not self.handled and self.created_at < timezone.now() - timedelta(days=TALK_WAITING_DAYS)


# --- Teaching a module in class ---------------------------------------------------------------
# A teacher may teach an assigned module to the whole class from one screen (a projector) while
# a second screen (a phone) shows the presenter's notes: a `TeachingSession` keeps where they
# are, the class's votes on the lessons' scenarios and its counts in the whole-class quiz round,
# as class aggregates keyed by the StreamField blocks' ids (no pupil is named). Ending it records
# a `ClassTaught`: the module was taught in class on a date, to this many pupils, naming only the
# pupils present whose learning data may be stored (consent); withdrawing consent unlinks them.


# A session untouched this long is not resumed (a new one starts); a projector code lives this long.
TEACHING_STALE_HOURS = 12
SCREEN_CODE_HOURS = 12
# 31^10 projector codes: not guessable, yet short enough to type on the projector's computer.
SCREEN_CODE_LENGTH = 10


class TeachingSession(models.Model):
    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="teaching_sessions", verbose_name=_("class")
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="+", verbose_name=_("module")
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    # The last start or resume: the presenter's clock counts from it.
    resumed_at = models.DateTimeField(_("started or resumed at"), null=True, blank=True)
    # The last change (a move, a count, a reveal): a session left alone for TEACHING_STALE_HOURS is
    # not resumed, a new one starts.
    moved_at = models.DateTimeField(_("last changed at"), null=True, blank=True)
    # The language of the slides on both screens, whatever language each screen's address carries.
    language = models.CharField(_("language"), max_length=8, default="vi")
    # The projector's link opens the screen without signing in (so that the projector's computer
    # never passes through the pages that show staff notices): valid while the session is open and
    # for SCREEN_CODE_HOURS after its last activity (issue, resume, change), never for a module
    # behind a view restriction; it gives this session's slides, state and moves only.
    screen_code = models.CharField(_("projector code"), max_length=16, null=True, blank=True, unique=True)
    screen_code_at = models.DateTimeField(_("projector code issued at"), null=True, blank=True)
    position = models.PositiveIntegerField(_("slide shown"), default=0)
    # Goes up with every change, so that the screens can ask cheaply whether anything changed.
    version = models.PositiveIntegerField(_("version"), default=0)
    votes = models.JSONField(
        _("class votes"), default=dict, blank=True, help_text=_("Scenario block id -> choice id -> hands counted.")
    )
    quiz_counts = models.JSONField(
        _("quiz counts"), default=dict, blank=True, help_text=_("Question id -> choice id -> hands counted.")
    )
    revealed = models.JSONField(_("revealed"), default=list, blank=True, help_text=_("The block ids revealed."))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("teaching session")
        verbose_name_plural = _("teaching sessions")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "course"],
                condition=Q(ended_at__isnull=True),
                name="schools_one_open_teaching_session",
            ),
        ]

    def __str__(self):
        return f"{self.classroom} · {self.course} · {self.started_at:%Y-%m-%d}"


class ClassTaught(models.Model):
    """A module taught to the whole class on a date: apart from what each pupil did alone."""

    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="taught_records", verbose_name=_("class")
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="+", verbose_name=_("module")
    )
    session = models.ForeignKey(
        TeachingSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="taught_records",
        verbose_name=_("teaching session"),
    )
    taught_on = models.DateField(_("taught on"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    present_count = models.PositiveSmallIntegerField(
        _("pupils present"), help_text=_("Every pupil present, with or without consent.")
    )
    present_pupils = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="taught_in_class",
        verbose_name=_("pupils present (with consent only)"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("module taught in class")
        verbose_name_plural = _("modules taught in class")
        ordering = ["-taught_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "course", "taught_on"], name="schools_taught_once_a_day"),
            models.CheckConstraint(condition=Q(present_count__lte=500), name="schools_taught_present_count_range"),
        ]

    def __str__(self):
        return f"{self.classroom} · {self.course} · {self.taught_on}"
