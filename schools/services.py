"""Writes for schools, classes, rosters, consent and assignments. Keyword-only, typed, atomic;
views call these and nothing else writes these models."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import credentials
from accounts.models import PupilCredential, Role, User
from courses.models import CoursePage
from h5p import services as h5p_services
from progress.models import StepRecord
from quizzes.models import QuizAttempt

from . import audit, selectors, signin_limits
from .models import (
    CLASS_CODE_LENGTH,
    JOIN_CODE_LENGTH,
    SCREEN_CODE_LENGTH,
    Classroom,
    ClassTaught,
    ConsentEvent,
    ConsentRecord,
    CourseAssignment,
    Membership,
    MembershipRole,
    School,
    TalkAbout,
    TalkRequest,
    TalkStatus,
    TeachingSession,
    new_code,
    normalise_code,
)
from .roster import RosterPlan, plan_from_text


class SchoolError(Exception):
    """A request that cannot be carried out; the message says why and what to do."""


def class_dashboard_changed(classroom: Classroom) -> None:
    """The class's drawn dashboard is out of date in a way its aggregates do not show (see
    selectors.class_dashboard_key): now, and again after the commit."""
    key = selectors.CLASS_VERSION_KEY.format(classroom.pk)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def _free_code(model, field: str, length: int) -> str:
    # 31^6 and 31^8 codes: a clash is rare, and simply means drawing again.
    while True:
        code = new_code(length)
        if not model.objects.filter(**{field: code}).exists():
            return code


# --- Schools and their staff ----------------------------------------------------------------


@transaction.atomic
def school_create(*, founder: User, name: str, province: str, kind: str) -> School:
    """A new school led by the adult who creates it."""
    if founder.is_pupil:
        raise SchoolError(_("Pupils cannot create a school."))
    school = School.objects.create(
        name=name.strip(),
        province=province,
        kind=kind,
        staff_join_code=_free_code(School, "staff_join_code", JOIN_CODE_LENGTH),
    )
    Membership.objects.create(user=founder, school=school, role=MembershipRole.LEADER)
    if founder.role == Role.TEACHER:
        founder.role = Role.SCHOOL_LEADER
        founder.save(update_fields=["role"])
    return school


@transaction.atomic
def school_join_request(*, user: User, code: str) -> Membership:
    """Ask to join the school whose staff join code this is; a leader approves it."""
    if user.is_pupil:
        raise SchoolError(_("Pupils join their class with the class code on their login card."))
    school = School.objects.filter(staff_join_code=normalise_code(code)).first()
    if school is None:
        raise SchoolError(_("No school has this code. Check it with your school leader and type it again."))
    membership, created = Membership.objects.get_or_create(
        user=user, school=school, classroom=None, defaults={"role": MembershipRole.TEACHER, "approved": False}
    )
    if not created and membership.approved:
        raise SchoolError(_("You are already a member of %(school)s.") % {"school": school.name})
    return membership


@transaction.atomic
def staff_decide(*, membership: Membership, approve: bool) -> None:
    """A leader approves a join request, or declines it (the request is deleted). Only a
    pending request can be decided; a member of staff leaves through `staff_remove`."""
    if membership.approved or membership.role != MembershipRole.TEACHER or membership.classroom_id:
        raise SchoolError(_("This request was already decided. Reload the page to see the school's staff."))
    if approve:
        Membership.objects.filter(pk=membership.pk).update(approved=True)
    else:
        membership.delete()


@transaction.atomic
def staff_remove(*, membership: Membership) -> None:
    """Take a teacher out of the school and its classes (their classes stay, with the
    school's other teachers and leaders). The last leader cannot leave."""
    school = membership.school
    if membership.role == MembershipRole.LEADER:
        leaders = Membership.objects.filter(school=school, role=MembershipRole.LEADER, classroom=None)
        if leaders.count() <= 1:
            raise SchoolError(_("A school needs at least one leader: make someone else a leader first."))
    Membership.objects.filter(user=membership.user, school=school).exclude(role=MembershipRole.PUPIL).delete()
    teaching_end_for_staff(user=membership.user, school=school)
    # Pupils can no longer choose them to talk to (selectors.talk_adults_for): nor is the school page to say so.
    School.objects.filter(pk=school.pk, counsellor=membership.user).update(counsellor=None)


@transaction.atomic
def staff_make_leader(*, membership: Membership) -> None:
    Membership.objects.filter(pk=membership.pk).update(role=MembershipRole.LEADER, approved=True)


# --- Classes ------------------------------------------------------------------------------


@transaction.atomic
def classroom_create(*, school: School, teacher: User, name: str, grade: int, sign_in_kind: str) -> Classroom:
    """A new class of the school, taught by `teacher`."""
    name = name.strip()
    School.objects.select_for_update().filter(pk=school.pk).first()  # one class created at a time
    if Classroom.objects.filter(school=school, name__iexact=name, active=True).exists():
        raise SchoolError(_("The school already has a class called %(name)s: choose another name.") % {"name": name})
    classroom = Classroom.objects.create(
        school=school,
        name=name,
        grade=grade,
        sign_in_kind=sign_in_kind,
        class_code=_free_code(Classroom, "class_code", CLASS_CODE_LENGTH),
    )
    Membership.objects.create(user=teacher, school=school, classroom=classroom, role=MembershipRole.TEACHER)
    return classroom


@transaction.atomic
def classroom_update(*, classroom: Classroom, name: str, grade: int, sign_in_kind: str) -> Classroom:
    name = name.strip()
    clash = Classroom.objects.filter(school=classroom.school, name__iexact=name, active=True).exclude(pk=classroom.pk)
    if clash.exists():
        raise SchoolError(_("The school already has a class called %(name)s: choose another name.") % {"name": name})
    classroom.name, classroom.grade, classroom.sign_in_kind = name, grade, sign_in_kind
    classroom.save(update_fields=["name", "grade", "sign_in_kind"])
    return classroom


@transaction.atomic
def classroom_set_active(*, classroom: Classroom, active: bool) -> None:
    """Archive a class (its pupils can no longer sign in; nothing is deleted) or bring it back."""
    if active and Classroom.objects.filter(school=classroom.school, name__iexact=classroom.name, active=True).exists():
        raise SchoolError(_("Another active class has this name: rename one of them first."))
    Classroom.objects.filter(pk=classroom.pk).update(active=active)
    classroom.active = active


# --- Pupils ---------------------------------------------------------------------------------


@transaction.atomic
def roster_import(*, classroom: Classroom, plan: RosterPlan, by: User | None = None) -> list[User]:
    """Create the pupils of a checked plan, each with a picture password or PIN. Nothing is
    written unless every row is valid."""
    if not plan.ok:
        raise SchoolError(_("Correct the rows marked in red before adding the pupils."))
    # Serialise imports into the same class, so that two confirmations cannot add a name twice.
    Classroom.objects.select_for_update().filter(pk=classroom.pk).first()
    taken = {
        name.casefold()
        for name in User.objects.filter(
            memberships__classroom=classroom, memberships__role=MembershipRole.PUPIL
        ).values_list("display_name", flat=True)
    }
    if any(row.name.casefold() in taken for row in plan.rows):
        raise SchoolError(_("Some of these pupils were added meanwhile: check the list again."))
    pupils = User.objects.bulk_create(
        [
            User(
                username=f"pupil-{secrets.token_hex(8)}",
                display_name=row.name,
                role=Role.PUPIL,
                password="!",  # unusable: pupils never sign in with a password
            )
            for row in plan.rows
        ]
    )
    if not all(pupil.pk for pupil in pupils):  # backends without RETURNING (none we support)
        pupils = list(User.objects.filter(username__in=[p.username for p in pupils]))
    Membership.objects.bulk_create(
        [
            Membership(user=pupil, school_id=classroom.school_id, classroom=classroom, role=MembershipRole.PUPIL)
            for pupil in pupils
        ]
    )
    kinds = {row.name: row.sign_in or classroom.sign_in_kind for row in plan.rows}
    for kind in set(kinds.values()):
        credentials.issue_many(users=[p for p in pupils if kinds[p.display_name] == kind], kind=kind)
    audit.record(action="schools.pupils_added", classroom=classroom, by=by, count=len(pupils))
    return pupils


@transaction.atomic
def pupil_rename(*, pupil: User, classroom: Classroom, name: str, by: User | None = None) -> None:
    """The same checks as adding a pupil: length, no contact details, unique in the class."""
    others = set(
        User.objects.filter(memberships__classroom=classroom, memberships__role=MembershipRole.PUPIL)
        .exclude(pk=pupil.pk)
        .values_list("display_name", flat=True)
    )
    plan = plan_from_text(name, existing_names=others)
    if not plan.rows:
        raise SchoolError(_("Write the pupil's name."))
    if len(plan.rows) > 1:
        raise SchoolError(_("Write one name only, on one line."))
    if not plan.ok:
        raise SchoolError(" ".join(plan.rows[0].errors))
    User.objects.filter(pk=pupil.pk).update(display_name=plan.rows[0].name)
    audit.record(action="schools.pupil_renamed", classroom=classroom, by=by, pupil=pupil)
    class_dashboard_changed(classroom)


def class_unlock_all(*, classroom: Classroom, by: User | None = None) -> int:
    """Unlock every locked-out pupil of the class (same cards), clear everyone's count of wrong
    tries, and resume the class's sign-in if it was paused; returns how many were locked."""
    pupils = PupilCredential.objects.filter(
        user__memberships__classroom=classroom, user__memberships__role=MembershipRole.PUPIL
    )
    locked = pupils.filter(locked_at__isnull=False).update(failed_attempts=0, locked_at=None)
    pupils.exclude(failed_attempts=0).update(failed_attempts=0)
    signin_limits.resume_class(classroom)
    audit.record(action="schools.class_unlocked", classroom=classroom, by=by, locked=locked)
    return locked


@transaction.atomic
def pupil_new_secret(*, pupil: User, classroom: Classroom, kind: str, by: User) -> None:
    """A new card (pictures) or PIN: the old one stops working and the pupil is signed out."""
    credentials.issue(user=pupil, kind=kind)
    audit.record(action="schools.new_secret", classroom=classroom, by=by, pupil=pupil, kind=kind)


@transaction.atomic
def pupil_unlock(*, pupil: User, classroom: Classroom, by: User) -> None:
    """Let a locked-out pupil try again with the same card."""
    credentials.unlock(credential=pupil.pupil_credential)
    audit.record(action="schools.pupil_unlocked", classroom=classroom, by=by, pupil=pupil)


@transaction.atomic
def pupil_delete(*, pupil: User, by: User | None = None) -> None:
    """Remove a pupil and everything stored about them (their account exists only for the class).

    The same for every pupil and every member of staff, so that a deletion reveals nothing. A talk
    request not yet handled outlives the account (without it, holding the name taken when it was
    sent): the leaders see it at once; those already handled go with the pupil. Neither is logged
    here (the log must not tie the pupil to a request)."""
    if not pupil.is_pupil:
        raise ValueError("only pupil accounts are deleted this way")
    classroom = _classroom_of(pupil)
    if classroom is not None:
        audit.record(action="schools.pupil_deleted", classroom=classroom, by=by, pupil=pupil)
    talk_requests_forget_handled(pupil=pupil)
    pupil.delete()


def talk_requests_forget_handled(*, pupil: User) -> None:
    """Before a pupil's account is deleted, by any path (schools.signals): the requests already
    handled have served their purpose and go; those still open stay (TalkRequest.pupil is SET_NULL)."""
    TalkRequest.objects.filter(pupil=pupil).exclude(status=TalkStatus.NEW).delete()


def _classroom_of(pupil: User) -> Classroom | None:
    membership = Membership.objects.filter(user=pupil, role=MembershipRole.PUPIL).select_related("classroom").first()
    return membership.classroom if membership else None


# --- Consent --------------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    pupil: User,
    pupil_assent: bool,
    guardian_consent: bool,
    method: str,
    given_on: date,
    by: User | None,
) -> ConsentRecord:
    """Record the pupil's assent and a parent's or guardian's consent; from now on the pupil's
    progress and quiz attempts are stored. `by` is the teacher who recorded a paper slip, or
    None when the family agreed online themselves."""
    if not (pupil_assent and guardian_consent):
        raise SchoolError(
            _("Both are needed: the pupil agrees and a parent or guardian agrees. Record consent once you have both.")
        )
    User.objects.select_for_update().filter(pk=pupil.pk).first()
    record, _created = ConsentRecord.objects.update_or_create(
        pupil=pupil,
        defaults={
            "pupil_assent": True,
            "guardian_consent": True,
            "method": method,
            "given_on": given_on,
            "recorded_by": by,
        },
    )
    User.objects.filter(pk=pupil.pk).update(learning_data_consent=True)
    pupil.learning_data_consent = True
    ConsentEvent.objects.create(
        pupil=pupil, action=ConsentEvent.Action.RECORDED, by=by, details={"method": method, "given_on": str(given_on)}
    )
    classroom = _classroom_of(pupil)
    if classroom is not None:
        audit.record(action="schools.consent_recorded", classroom=classroom, by=by, pupil=pupil, method=method)
    return record


@transaction.atomic
def consent_withdraw(*, pupil: User, by: User) -> dict[str, int]:
    """Withdraw consent: the pupil's progress, quiz attempts and H5P results are deleted, for good, and the
    withdrawal is logged. Returns what was deleted; with a Learning Record Store, also how many of the
    pupil's statements were dropped before leaving (`lrs_dropped`) and how many it already has (`lrs_sent`)."""
    # Lock the pupil's row: an attempt being submitted right now waits, then finds no consent.
    User.objects.select_for_update().filter(pk=pupil.pk).first()
    # When the pupil last signed in is theirs too (stored only with consent: accounts.signals).
    User.objects.filter(pk=pupil.pk).update(learning_data_consent=False, last_login=None)
    pupil.learning_data_consent, pupil.last_login = False, None
    deleted = {
        "steps": StepRecord.objects.filter(learner=pupil).delete()[0],
        "attempts": QuizAttempt.objects.filter(learner=pupil).count(),
    }
    QuizAttempt.objects.filter(learner=pupil).delete()
    deleted.update(h5p_services.lrs_forwarding_stop(learner=pupil))
    deleted["activities"] = h5p_services.learner_data_delete(learner=pupil)
    # Named among the pupils present when a module was taught in class: the class's count stays
    # (a number, no one's data), the pupil's name goes.
    deleted["taught_in_class"] = ClassTaught.present_pupils.through.objects.filter(user=pupil).delete()[0]
    ConsentRecord.objects.filter(pupil=pupil).delete()
    ConsentEvent.objects.create(pupil=pupil, action=ConsentEvent.Action.WITHDRAWN, by=by, details=deleted)
    classroom = _classroom_of(pupil)
    if classroom is not None:
        audit.record(action="schools.consent_withdrawn", classroom=classroom, by=by, pupil=pupil, **deleted)
    return deleted


# --- Assignments ----------------------------------------------------------------------------


@transaction.atomic
def course_assign(*, classroom: Classroom, course: CoursePage, due_on: date | None, by: User) -> CourseAssignment:
    """Put a course on the class's list (or change its due date). Any language version of the
    course may be given; the class is assigned the course itself, shown in each reader's
    language."""
    # Lock the class: two teachers assigning the Vietnamese and English page at once make one row.
    Classroom.objects.select_for_update().filter(pk=classroom.pk).first()
    existing = CourseAssignment.objects.filter(
        classroom=classroom, course__translation_key=course.translation_key
    ).first()
    if existing:
        existing.due_on, existing.visible = due_on, True
        existing.save(update_fields=["due_on", "visible"])
        class_dashboard_changed(classroom)
        return existing
    return CourseAssignment.objects.create(classroom=classroom, course=course, due_on=due_on, assigned_by=by)


@transaction.atomic
def course_unassign(*, assignment: CourseAssignment) -> None:
    """Take a course off the list; pupils' progress in it is kept."""
    assignment.delete()
    class_dashboard_changed(assignment.classroom)


# --- Talk requests ("I want to talk") ---------------------------------------------------------
# A safeguarding channel, not learning data: written whatever the pupil's consent, deleted
# TALK_REQUEST_DAYS after an adult handled it (docs/security.md, "A pupil asks to talk").

# More than this many requests in a day is not a child asking for help but a game (or a shared
# phone): the page says to talk to an adult or call 111 instead.
TALK_REQUESTS_PER_DAY = 5


class TalkAlreadySent(SchoolError):
    """The pupil already asked this adult, who has not handled it yet."""

    def __init__(self, talk_request: TalkRequest):
        super().__init__(str(talk_request.pk))
        self.talk_request = talk_request


class TalkTooMany(SchoolError):
    """More than TALK_REQUESTS_PER_DAY requests in a day."""


@transaction.atomic
def talk_request_create(*, pupil: User, adult_id: int, about: str = "", urgent: bool = False) -> TalkRequest:
    """A pupil asks one of the adults they may choose (selectors.talk_adults_for) to talk. One open
    request per adult: asking again raises TalkAlreadySent with the open one."""
    if not pupil.is_pupil:
        raise SchoolError(_("Only pupils send this request. Adults talk to the pupil directly."))
    if about and about not in TalkAbout.values:
        raise SchoolError(_("Choose what it is about from the list, or choose not to say."))
    # One request at a time per pupil: two taps of "Send" make one row.
    User.objects.select_for_update().filter(pk=pupil.pk).first()
    classroom = selectors.classroom_of_pupil(pupil)
    if classroom is None:
        raise SchoolError(_("You are not in a class on this site. Talk to an adult you trust, or call 111."))
    choices = selectors.talk_adults_for(classroom=classroom)
    adult = next((choice.adult for choice in choices if choice.adult.pk == adult_id), None)
    if adult is None:
        raise SchoolError(_("Choose who you want to talk to."))
    existing = TalkRequest.objects.filter(pupil=pupil, adult=adult, status=TalkStatus.NEW).first()
    if existing is not None:
        raise TalkAlreadySent(existing)
    since = timezone.now() - timedelta(days=1)
    if TalkRequest.objects.filter(pupil=pupil, created_at__gte=since).count() >= TALK_REQUESTS_PER_DAY:
        raise TalkTooMany(
            _("You have sent many requests today. Go and tell your teacher in person, or call 111 to talk now.")
        )
    talk_request = TalkRequest.objects.create(
        pupil=pupil,
        pupil_name=pupil.get_display_name()[:150],
        school=classroom.school,
        classroom=classroom,
        adult=adult,
        about=about,
        urgent=urgent,
    )
    # Against the school, with the request's id only: the log outlives the request by far
    # (AUDIT_LOG_DAYS), and must not keep which pupil, or which class, asked.
    audit.record(action="schools.talk_requested", school=classroom.school, request=talk_request.pk)
    return talk_request


def talk_request_seen(*, talk_request: TalkRequest, by: User) -> None:
    """The adult asked opened it: from now on the pupil reads "your teacher has seen it"."""
    if talk_request.seen_at is None and talk_request.adult_id == by.pk:
        talk_request.seen_at = timezone.now()
        TalkRequest.objects.filter(pk=talk_request.pk, seen_at__isnull=True).update(seen_at=talk_request.seen_at)


@transaction.atomic
def talk_request_mark(*, talk_request: TalkRequest, status: str, by: User) -> TalkRequest:
    """The adult (or a leader) says what was done; the request is deleted TALK_REQUEST_DAYS later.
    The first mark starts that time and names who handled it; a later change of status (talked,
    then referred) is recorded but keeps both: marking again never keeps a request longer."""
    if status not in (TalkStatus.TALKED, TalkStatus.REFERRED, TalkStatus.CLOSED):
        raise SchoolError(_("Choose one of the buttons: talked, referred or closed."))
    locked = TalkRequest.objects.select_for_update().get(pk=talk_request.pk)
    if locked.status == status:
        talk_request.status, talk_request.handled_at, talk_request.handled_by_id = (
            locked.status,
            locked.handled_at,
            locked.handled_by_id,
        )
        return talk_request  # nothing changes, nothing is logged
    now = timezone.now()
    fields = ["status"]
    talk_request.status = status
    if locked.handled_at is None:
        talk_request.handled_at, talk_request.handled_by = now, by
        fields += ["handled_at", "handled_by"]
    else:
        talk_request.handled_at, talk_request.handled_by_id = locked.handled_at, locked.handled_by_id
    if locked.seen_at is None and talk_request.adult_id == by.pk:
        talk_request.seen_at = now
        fields.append("seen_at")
    talk_request.save(update_fields=fields)
    audit.record(
        action="schools.talk_status_changed", school=talk_request.school, by=by, request=talk_request.pk, status=status
    )
    return talk_request


def talk_request_delete_on(talk_request: TalkRequest) -> date | None:
    """The day a handled request is deleted (None while it waits to be handled)."""
    if talk_request.handled_at is None:
        return None
    return timezone.localdate(talk_request.handled_at + timedelta(days=settings.TALK_REQUEST_DAYS))


@transaction.atomic
def talk_requests_purge(*, now: datetime | None = None) -> int:
    """Delete the requests handled more than TALK_REQUEST_DAYS ago; returns how many. One query
    when there is nothing to delete, so pages that show requests call it too (nothing outlives
    its time where no cron runs `manage.py purge_talk_requests`)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.TALK_REQUEST_DAYS)
    due = list(TalkRequest.objects.filter(handled_at__lt=cutoff).values_list("pk", "school_id"))
    if not due:
        return 0
    TalkRequest.objects.filter(pk__in=[pk for pk, _school in due]).delete()
    per_school: dict[int, int] = {}
    for _pk, school_id in due:
        per_school[school_id] = per_school.get(school_id, 0) + 1
    for school in School.objects.filter(pk__in=per_school):
        audit.record(action="schools.talk_requests_purged", school=school, count=per_school[school.pk])
    return len(due)


@transaction.atomic
def school_set_counsellor(*, school: School, counsellor_id: int | None, by: User) -> User | None:
    """A leader names the member of staff pupils may choose besides their class teachers (None:
    nobody). Only approved staff of this school."""
    counsellor = None
    if counsellor_id is not None:
        membership = (
            Membership.objects.filter(
                school=school,
                classroom=None,
                approved=True,
                user_id=counsellor_id,
                role__in=[MembershipRole.LEADER, MembershipRole.TEACHER],
            )
            .select_related("user")
            .first()
        )
        if membership is None:
            raise SchoolError(_("Choose a teacher or leader of this school: only its staff can be its counsellor."))
        counsellor = membership.user
    School.objects.filter(pk=school.pk).update(counsellor=counsellor)
    school.counsellor = counsellor
    audit.record(action="schools.counsellor_set", school=school, by=by, counsellor=counsellor_id)
    return counsellor


# --- Teaching a module in class -------------------------------------------------------------


def _screen_code() -> str:
    while True:
        code = new_code(SCREEN_CODE_LENGTH)
        if not TeachingSession.objects.filter(screen_code=code).exists():
            return code


def _end_unrecorded(session: TeachingSession, now: datetime) -> None:
    """End a session without recording it as taught (left alone, or started again)."""
    TeachingSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(
        ended_at=now, screen_code=None, version=F("version") + 1
    )


def teaching_end_for_staff(*, user: User, school: School) -> None:
    """End, unrecorded, the open sessions a member of staff leaving the school started in its
    classes: their projector links stop working at once."""
    now = timezone.now()
    for session in TeachingSession.objects.filter(classroom__school=school, started_by=user, ended_at__isnull=True):
        _end_unrecorded(session, now)


@transaction.atomic
def teaching_start(
    *, assignment: CourseAssignment, by: User, language: str | None = None, again: bool = False
) -> TeachingSession:
    """Start teaching an assigned module to the class, in `language`, or go back to its unfinished
    session. A session left alone for TEACHING_STALE_HOURS is not resumed, nor is one when `again`
    (the teacher starts again from the beginning): it ends, unrecorded, and a new one starts."""
    classroom = assignment.classroom
    if not classroom.active:
        raise SchoolError(_("This class is archived: make it active again before teaching it."))
    # One start at a time per class: two taps on "Start" open one session.
    Classroom.objects.select_for_update().filter(pk=classroom.pk).first()
    now = timezone.now()
    session = selectors.open_teaching_session(classroom=classroom, course=assignment.course)
    if session is not None and (again or selectors.teaching_session_stale(session, now=now)):
        _end_unrecorded(session, now)
        session = None
    if session is not None:
        fields = {"resumed_at": now}
        # The projector's code is kept (a screen already open stays open) until it expires.
        if not session.screen_code or not selectors.projector_link_works(session, now=now):
            fields.update(screen_code=_screen_code(), screen_code_at=now)
        TeachingSession.objects.filter(pk=session.pk).update(**fields)
        for name, value in fields.items():
            setattr(session, name, value)
        return session
    return TeachingSession.objects.create(
        classroom=classroom,
        course=assignment.course,
        started_by=by,
        language=language or translation.get_language() or "vi",
        resumed_at=now,
        moved_at=now,
        screen_code=_screen_code(),
        screen_code_at=now,
    )


def _teachable(session: TeachingSession) -> None:
    """Refuse to change or record a session whose class is archived or whose module is no longer
    assigned to the class."""
    classroom = Classroom.objects.get(pk=session.classroom_id)
    if not classroom.active:
        raise SchoolError(_("This class is archived: make it active again before teaching it."))
    if not selectors.teaching_module_assigned(session=session):
        raise SchoolError(
            _("This module is no longer assigned to the class: assign it again from the class's page to teach it.")
        )


def _locked(session: TeachingSession) -> TeachingSession:
    locked = TeachingSession.objects.select_for_update().get(pk=session.pk)
    if locked.ended_at is not None:
        raise SchoolError(_("This lesson has ended. Start it again from the class's page to go on."))
    _teachable(locked)
    return locked


def _saved(
    session: TeachingSession, locked: TeachingSession, fields: list[str], *, screens: bool = True
) -> TeachingSession:
    """Save `fields` and the time of this activity; the version goes up (both screens reload) only
    when `screens`, i.e. when what a screen shows has changed."""
    locked.moved_at = timezone.now()
    fields = [*fields, "moved_at"]
    bump = {"version": F("version") + 1} if screens else {}
    TeachingSession.objects.filter(pk=locked.pk).update(**bump, **{name: getattr(locked, name) for name in fields})
    locked.refresh_from_db(fields=["version"])
    for name in [*fields, "version"]:
        setattr(session, name, getattr(locked, name))
    return session


@transaction.atomic
def teaching_move(*, session: TeachingSession, position: int, slides: int) -> TeachingSession:
    """Show slide `position` (kept within the module's `slides`) on every screen of the session."""
    locked = _locked(session)
    position = max(0, min(position, slides - 1))
    # "Next" on the last slide or "Previous" on the first changes nothing: no screen reloads.
    moved = position != locked.position
    locked.position = position
    return _saved(session, locked, ["position"], screens=moved)


@transaction.atomic
def teaching_counts(
    *, session: TeachingSession, key: str, quiz: bool, options: list[str], counts: dict[str, int]
) -> TeachingSession:
    """The class's hands counted for each option of a scenario (`quiz` False) or a quiz question:
    numbers only, kept on the session as the class's, no pupil named."""
    from .teaching import MAX_COUNT

    locked = _locked(session)
    field = "quiz_counts" if quiz else "votes"
    data = dict(getattr(locked, field))
    counted = {option: max(0, min(int(counts.get(option) or 0), MAX_COUNT)) for option in options}
    # The projector shows the tallies only once the answer is revealed: before, it need not reload.
    screens = key in locked.revealed and data.get(key) != counted
    data[key] = counted
    setattr(locked, field, data)
    return _saved(session, locked, [field], screens=screens)


@transaction.atomic
def teaching_screen_code_renew(*, session: TeachingSession) -> TeachingSession:
    """A new projector link for an open session (the old one has expired or was shared too far):
    the old code stops working at once."""
    locked = _locked(session)
    locked.screen_code, locked.screen_code_at = _screen_code(), timezone.now()
    return _saved(session, locked, ["screen_code", "screen_code_at"], screens=False)


@transaction.atomic
def teaching_reveal(*, session: TeachingSession, key: str, revealed: bool = True) -> TeachingSession:
    """Show (or hide again) the answer of the slide `key` on the screens."""
    locked = _locked(session)
    keys = [k for k in locked.revealed if k != key] + ([key] if revealed else [])
    locked.revealed = keys
    return _saved(session, locked, ["revealed"])


@transaction.atomic
def class_taught_record(
    *, session: TeachingSession, taught_on: date, present: list[User], others: int, by: User
) -> ClassTaught:
    """Record that the module was taught in class on `taught_on` to the pupils `present` (ticked on
    the roster) and `others` more; end the session. Only pupils whose learning data may be stored
    are named; the others count in `present_count` alone. Recording the same module on the same
    day again replaces that day's record."""
    classroom = session.classroom
    if taught_on > timezone.localdate():
        raise SchoolError(_("That date is still to come: give the day the module was taught."))
    _teachable(session)
    ended = TeachingSession.objects.filter(pk=session.pk, ended_at__isnull=False).exists()
    if ended and not ClassTaught.objects.filter(session=session, taught_on=taught_on).exists():
        # Only that day's record of this session may be given again (to correct who was there).
        raise SchoolError(
            _("This lesson is already recorded as taught. To record another day, teach it again from the class's page.")
        )
    roster = set(selectors.pupils_of(classroom).values_list("pk", flat=True))
    if any(pupil.pk not in roster for pupil in present):
        raise SchoolError(_("Some of these pupils are not in the class any more: reload the page and tick again."))
    count = len(present) + others
    if not count:
        raise SchoolError(_("Tick the pupils who were there, or give the number of pupils present."))
    if count > 500:
        raise SchoolError(_("A class cannot have more than 500 pupils present: check the number."))
    record, _created = ClassTaught.objects.update_or_create(
        classroom=classroom,
        course=session.course,
        taught_on=taught_on,
        defaults={"present_count": count, "by": by, "session": session},
    )
    record.present_pupils.set([pupil for pupil in present if pupil.may_store_learning_data])
    TeachingSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(
        ended_at=timezone.now(), screen_code=None, version=F("version") + 1
    )
    audit.record(
        action="schools.class_taught",
        classroom=classroom,
        by=by,
        course=session.course_id,
        taught_on=taught_on.isoformat(),
        present=count,
    )
    class_dashboard_changed(classroom)
    return record
