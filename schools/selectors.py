"""Reads for schools and classes. Every look-up by id checks that the person may see the row
(404 otherwise: an id that is not yours looks like one that does not exist), and the
dashboards run a fixed number of queries whatever the size of the class or school."""

from __future__ import annotations

import functools
import hashlib
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.http import Http404
from django.utils import timezone, translation

from accounts.models import PupilCredential, User
from courses import cache as content_cache
from courses.models import CoursePage, LessonPage
from courses.outline import CourseLink, course_links
from courses.pages import request_key
from h5p.models import H5PActivity, H5PResult
from progress.models import StepRecord
from progress.selectors import ContainerProgress, group_progress, many_steps_progress, steps_by_container
from quizzes.models import Phase, QuizAnswer, QuizAttempt, QuizPage
from quizzes.questions import prompt_of

from .models import (
    SCREEN_CODE_HOURS,
    TALK_WAITING_DAYS,
    TEACHING_STALE_HOURS,
    Classroom,
    ClassTaught,
    ConsentEvent,
    CourseAssignment,
    Membership,
    MembershipRole,
    School,
    TalkRequest,
    TalkStatus,
    TeachingSession,
    normalise_code,
)

# A quiz failed this many times (and not passed since) means the pupil needs help; so does no
# progress at all this many days after the due date.
FAILS_BEFORE_HELP = 2
DAYS_AFTER_DUE_BEFORE_HELP = 7


# --- Who may see what -------------------------------------------------------------------------


def staff_memberships(user) -> list[Membership]:
    """The schools an adult works in (approved or still waiting), with the school loaded."""
    if not user.is_authenticated or user.is_pupil:
        return []
    return list(
        Membership.objects.filter(user=user, classroom=None)
        .exclude(role=MembershipRole.PUPIL)
        .select_related("school")
        .order_by("school__name")
    )


def visible_classrooms(user, *, include_archived: bool = False):
    """Classes a teacher teaches, and every class of the schools they lead."""
    if not user.is_authenticated or user.is_pupil:
        return Classroom.objects.none()
    led = Membership.objects.filter(user=user, role=MembershipRole.LEADER, classroom=None, approved=True).values(
        "school_id"
    )
    # A class's teacher sees it only while still on the school's staff (removed staff lose it).
    on_staff = (
        Membership.objects.filter(user=user, classroom=None, approved=True)
        .exclude(role=MembershipRole.PUPIL)
        .values("school_id")
    )
    taught = Membership.objects.filter(
        user=user, role=MembershipRole.TEACHER, classroom__isnull=False, school_id__in=on_staff
    ).values("classroom_id")
    classrooms = Classroom.objects.filter(Q(school_id__in=led) | Q(pk__in=taught)).select_related("school")
    if not include_archived:
        classrooms = classrooms.filter(active=True)
    return classrooms


def classroom_for_staff(*, user, classroom_id: int) -> Classroom:
    """The class, if `user` teaches it or leads its school; 404 for anyone else."""
    classroom = visible_classrooms(user, include_archived=True).filter(pk=classroom_id).first()
    if classroom is None:
        raise Http404
    return classroom


def school_for_staff(*, user, school_id: int) -> tuple[School, Membership]:
    """The school and the user's approved staff membership in it; 404 otherwise."""
    if not user.is_authenticated or user.is_pupil:
        raise Http404
    membership = (
        Membership.objects.filter(user=user, school_id=school_id, classroom=None, approved=True)
        .exclude(role=MembershipRole.PUPIL)
        .select_related("school")
        .first()
    )
    if membership is None:
        raise Http404
    return membership.school, membership


def school_for_leader(*, user, school_id: int) -> School:
    school, membership = school_for_staff(user=user, school_id=school_id)
    if membership.role != MembershipRole.LEADER:
        raise Http404
    return school


def staff_membership_in_school(*, school: School, membership_id: int) -> Membership:
    membership = (
        Membership.objects.filter(pk=membership_id, school=school, classroom=None)
        .exclude(role=MembershipRole.PUPIL)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def pupils_of(classroom: Classroom):
    return (
        User.objects.filter(memberships__classroom=classroom, memberships__role=MembershipRole.PUPIL)
        .select_related("pupil_credential", "consent_record")
        .order_by("display_name", "pk")
    )


# Vietnamese alphabetical order: letters with a hat or hook are letters of their own (a ă â,
# d đ, e ê, o ô ơ, u ư); tone marks only break ties.
_VI_LETTERS = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_TONES = str.maketrans({"\u0300": "", "\u0301": "", "\u0303": "", "\u0309": "", "\u0323": ""})


def vietnamese_sort_key(name: str) -> tuple:
    """Sort as a Vietnamese class list does: by given name (the last word), then the whole name."""

    def letters(text: str) -> list[int]:
        base = unicodedata.normalize("NFC", unicodedata.normalize("NFD", text.casefold()).translate(_TONES))
        return [_VI_LETTERS.index(ch) if ch in _VI_LETTERS else 100 + ord(ch) for ch in base]

    words = name.split() or [""]
    return (letters(words[-1]), letters(name), name)


def sorted_pupils(pupils) -> list:
    return sorted(pupils, key=lambda pupil: vietnamese_sort_key(pupil.get_display_name()))


def pupil_in_classroom(*, classroom: Classroom, pupil_id: int) -> User:
    pupil = pupils_of(classroom).filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404
    return pupil


def assignment_in_classroom(*, classroom: Classroom, assignment_id: int) -> CourseAssignment:
    assignment = CourseAssignment.objects.filter(pk=assignment_id, classroom=classroom).first()
    if assignment is None:
        raise Http404
    return assignment


def classroom_of_pupil(pupil, *, with_school: bool = True) -> Classroom | None:
    if with_school:
        return (
            Classroom.objects.select_related("school")
            .filter(memberships__user=pupil, memberships__role=MembershipRole.PUPIL)
            .first()
        )
    return Classroom.objects.filter(memberships__user=pupil, memberships__role=MembershipRole.PUPIL).first()


# --- Courses in the reader's language ---------------------------------------------------------


def localised_courses(courses) -> dict:
    """Each course's version in the active language (falling back to the one given), keyed by
    translation key, in one query."""
    courses = list(courses)
    language = translation.get_language() or "vi"
    local = {
        page.translation_key: page
        for page in CoursePage.objects.live()
        .filter(translation_key__in=[c.translation_key for c in courses], locale__language_code=language)
        .defer_streamfields()
    }
    return {c.translation_key: local.get(c.translation_key, c) for c in courses if c.translation_key in local or c.live}


def assignable_courses(classroom: Classroom, *, all_ages: bool):
    """Children's courses in the active language: those of the class's age band, or all."""
    language = translation.get_language() or "vi"
    courses = CoursePage.objects.live().filter(audience="pupil", locale__language_code=language)
    if not all_ages:
        courses = courses.filter(age_band=classroom.age_band)
    return courses.order_by("age_band", "path")


# --- Dashboards -------------------------------------------------------------------------------


class Status:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NEEDS_HELP = "needs_help"


@dataclass
class Cell:
    status: str
    progress: ContainerProgress
    quiz_fails: int = 0
    # The last day the pupil was there when the module was taught to the class (consent only):
    # shown beside the status, which is what the pupil did alone, never counted in it.
    taught_on: date | None = None


@dataclass
class PupilRow:
    pupil: User
    consent: bool
    locked: bool
    last_activity: datetime | None
    cells: list[Cell] = field(default_factory=list)
    # Best % in each of the dashboard's H5P activities (None: no score yet); empty without consent.
    h5p_percents: list[int | None] = field(default_factory=list)


@dataclass
class HardQuestion:
    text: str
    answered: int
    correct: int

    @property
    def correct_percent(self) -> int:
        return round(100 * self.correct / self.answered) if self.answered else 0


@dataclass
class Taught:
    """A module taught to the whole class: the last day, how many pupils were there, how often."""

    taught_on: date
    present: int
    times: int = 1


def _taught_in(rows) -> tuple[dict[str, Taught], dict[tuple[int, str], date]]:
    """From (course translation key, date, present count, record id, pupil id) rows: the last
    time each module was taught, and the last day each named pupil was there."""
    modules: dict[str, Taught] = {}
    records: dict[str, set] = {}
    pupils: dict[tuple[int, str], date] = {}
    for key, taught_on, present, record_id, pupil_id in rows:
        records.setdefault(key, set()).add(record_id)
        last = modules.get(key)
        if last is None or taught_on > last.taught_on:
            modules[key] = Taught(taught_on=taught_on, present=present)
        if pupil_id is not None and ((pupil_id, key) not in pupils or taught_on > pupils[(pupil_id, key)]):
            pupils[(pupil_id, key)] = taught_on
    for key, taught in modules.items():
        taught.times = len(records[key])
    return modules, pupils


def taught_rows(classrooms):
    """One query: each record of a module taught in these classes, once per pupil named present."""
    return ClassTaught.objects.filter(classroom__in=classrooms).values_list(
        "course__translation_key", "taught_on", "present_count", "pk", "present_pupils"
    )


@dataclass
class Column:
    assignment: CourseAssignment
    course: CoursePage
    hardest: list[HardQuestion] = field(default_factory=list)
    done: int = 0
    taught: Taught | None = None  # the last time the module was taught in class

    @property
    def overdue(self) -> bool:
        return bool(self.assignment.due_on and self.assignment.due_on < timezone.localdate())


@dataclass
class ClassDashboard:
    classroom: Classroom
    columns: list[Column]
    rows: list[PupilRow]
    # The H5P activities of the modules' lessons, after the modules (`class_dashboard_with_h5p`).
    h5p_activities: list[H5PActivity] = field(default_factory=list)

    @property
    def cells_per_row(self) -> int:
        """The cells after a pupil's name: modules, H5P activities and last activity."""
        return len(self.columns) + len(self.h5p_activities) + 1

    @property
    def consent_missing(self) -> int:
        return sum(1 for row in self.rows if not row.consent)

    @property
    def with_consent(self) -> int:
        """The pupils whose progress counts (and so the denominator of "done")."""
        return len(self.rows) - self.consent_missing

    @property
    def needs_setting_up(self) -> bool:
        """No pupils yet, no module yet, or not one consent yet: show the getting-started steps."""
        return not self.rows or not self.columns or not self.with_consent


def _cell(progress: ContainerProgress, stuck: bool, fails: int, due_on: date | None, today: date) -> Cell:
    if progress.is_complete:
        status = Status.DONE
    elif stuck or (due_on and not progress.started and today > due_on + timedelta(days=DAYS_AFTER_DUE_BEFORE_HELP)):
        status = Status.NEEDS_HELP
    elif progress.started:
        status = Status.IN_PROGRESS
    else:
        status = Status.NOT_STARTED
    return Cell(status=status, progress=progress, quiz_fails=fails)


def class_dashboard(*, classroom: Classroom, hardest_per_quiz: int = 3) -> ClassDashboard:
    """Pupils x assigned modules with each cell's status, each pupil's last activity, each
    module's hardest quiz questions, and when it was taught in class (and to whom): ten queries,
    whatever the class size."""
    pupils = sorted_pupils(pupils_of(classroom))  # 1
    assignments = list(
        CourseAssignment.objects.filter(classroom=classroom).select_related("course").defer("course__objectives")
    )  # 2
    courses = localised_courses(a.course for a in assignments)  # 3
    columns = [Column(assignment=a, course=courses.get(a.course.translation_key, a.course)) for a in assignments]
    pupil_ids = [p.pk for p in pupils]
    steps, progress = group_progress(learner_ids=pupil_ids, containers=[c.course for c in columns])  # 4, 5
    quiz_type = ContentType.objects.get_for_model(QuizPage)  # cached after the first call
    quiz_keys_by_course: dict[str, list] = {c.course.path: [] for c in columns}
    for step in steps:
        if step.content_type_id == quiz_type.pk:
            quiz_keys_by_course[step.path[: -step.steplen]].append(step.translation_key)
    quiz_keys = [key for keys in quiz_keys_by_course.values() for key in keys]

    attempts: dict[tuple[int, object], tuple[int, bool]] = {}
    hard: dict[object, list[dict]] = {}
    questions: dict[str, str] = {}
    if quiz_keys and pupil_ids:
        rows = (
            QuizAttempt.objects.filter(learner_id__in=pupil_ids, quiz__translation_key__in=quiz_keys, phase=Phase.QUIZ)
            .values("learner_id", "quiz__translation_key")
            .annotate(fails=Count("pk", filter=Q(passed=False)), passes=Count("pk", filter=Q(passed=True)))
        )  # 6
        attempts = {(r["learner_id"], r["quiz__translation_key"]): (r["fails"], r["passes"] > 0) for r in rows}
        answer_rows = (
            QuizAnswer.objects.filter(
                attempt__learner_id__in=pupil_ids,
                attempt__quiz__translation_key__in=quiz_keys,
                attempt__phase=Phase.QUIZ,
            )
            .values("attempt__quiz__translation_key", "question_id")
            .annotate(answered=Count("pk"), correct=Count("pk", filter=Q(correct=True)))
        )  # 7
        for r in answer_rows:
            hard.setdefault(r["attempt__quiz__translation_key"], []).append(r)
        language = translation.get_language() or "vi"
        # Every language version (a translation keeps its blocks' ids); the reader's language last,
        # so its wording wins and a missing translation still leaves the question readable.
        quizzes = QuizPage.objects.filter(translation_key__in=quiz_keys).select_related("locale")  # 8
        for quiz in sorted(quizzes, key=lambda q: q.locale.language_code == language):
            for block in quiz.questions.raw_data:
                questions[block["id"]] = prompt_of(block)

    last_activity = dict(
        StepRecord.objects.filter(learner_id__in=pupil_ids)
        .values("learner_id")
        .annotate(last=Max("updated_at"))
        .values_list("learner_id", "last")
    )  # 9
    taught_modules, taught_pupils = _taught_in(taught_rows([classroom]))  # 10

    today = timezone.localdate()
    for column in columns:
        column.taught = taught_modules.get(column.course.translation_key)
        keys = quiz_keys_by_course[column.course.path]
        stats = [r for key in keys for r in hard.get(key, [])]
        stats.sort(key=lambda r: (r["correct"] / r["answered"], -r["answered"]))
        column.hardest = [
            HardQuestion(text=questions.get(str(r["question_id"]), ""), answered=r["answered"], correct=r["correct"])
            for r in stats[:hardest_per_quiz]
        ]
    table = []
    for pupil in pupils:
        consent = pupil.learning_data_consent
        credential = getattr(pupil, "pupil_credential", None)
        row = PupilRow(
            pupil=pupil,
            consent=consent,
            locked=bool(credential and credential.is_locked),
            last_activity=last_activity.get(pupil.pk),
        )
        for column in columns:
            tries = [attempts.get((pupil.pk, key), (0, False)) for key in quiz_keys_by_course[column.course.path]]
            # Stuck: some quiz of the module failed twice and not passed since.
            stuck = any(fails >= FAILS_BEFORE_HELP and not passed for fails, passed in tries)
            fails = sum(fails for fails, _passed in tries)
            cell = _cell(progress[(pupil.pk, column.course.pk)], stuck, fails, column.assignment.due_on, today)
            column.done += cell.status == Status.DONE
            row.cells.append(cell)
            if consent:
                cell.taught_on = taught_pupils.get((pupil.pk, column.course.translation_key))
        table.append(row)
    return ClassDashboard(classroom=classroom, columns=columns, rows=table)


@dataclass
class SchoolCell:
    course: CoursePage
    due_on: date | None
    done: int
    pupils: int
    taught: Taught | None = None

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.pupils) if self.pupils else 0


@dataclass
class SchoolRow:
    classroom: Classroom
    pupils: int  # with consent: the others' progress is not stored, so it cannot count
    consent_missing: int
    cells: list[SchoolCell] = field(default_factory=list)


def school_dashboard(*, school: School) -> list[SchoolRow]:
    """Completion per class and assigned module for a school leader, and when each was taught in
    class, in seven queries."""
    classrooms = list(Classroom.objects.filter(school=school, active=True))  # 1
    memberships = list(
        Membership.objects.filter(classroom__in=classrooms, role=MembershipRole.PUPIL).values_list(
            "classroom_id", "user_id", "user__learning_data_consent"
        )
    )  # 2
    assignments = list(
        CourseAssignment.objects.filter(classroom__in=classrooms).select_related("course").defer("course__objectives")
    )  # 3
    courses = localised_courses(a.course for a in assignments)  # 4
    courses = {a.course.translation_key: courses.get(a.course.translation_key, a.course) for a in assignments}
    pupil_ids = [user_id for _class, user_id, _consent in memberships]
    _steps, progress = group_progress(learner_ids=pupil_ids, containers={a.course for a in assignments})  # 5, 6
    taught: dict[int, list] = {}
    for row in ClassTaught.objects.filter(classroom__in=classrooms).values_list(
        "classroom_id", "course__translation_key", "taught_on", "present_count", "pk"
    ):  # 7
        taught.setdefault(row[0], []).append((*row[1:], None))
    rows = []
    for classroom in classrooms:
        members = [(user_id, consent) for class_id, user_id, consent in memberships if class_id == classroom.pk]
        consenting = [user_id for user_id, consent in members if consent]
        row = SchoolRow(classroom=classroom, pupils=len(consenting), consent_missing=len(members) - len(consenting))
        taught_modules, _pupils = _taught_in(taught.get(classroom.pk, []))
        for assignment in (a for a in assignments if a.classroom_id == classroom.pk):
            done = sum(1 for user_id in consenting if progress[(user_id, assignment.course.pk)].is_complete)
            row.cells.append(
                SchoolCell(
                    course=courses[assignment.course.translation_key],
                    due_on=assignment.due_on,
                    done=done,
                    pupils=len(consenting),
                    taught=taught_modules.get(assignment.course.translation_key),
                )
            )
        rows.append(row)
    return rows


@dataclass
class MyModule:
    course: CourseLink
    due_on: date | None
    progress: ContainerProgress

    @property
    def overdue(self) -> bool:
        return bool(self.due_on and self.due_on < timezone.localdate() and not self.progress.is_complete)


def _module_links(course_ids: list[int], request) -> dict:
    """The assigned courses in the reader's language, as links with their steps, by the id of
    the course page assigned (the same for every pupil of every class with these modules, so
    cached)."""
    courses = list(CoursePage.objects.filter(pk__in=course_ids).defer_streamfields())
    local = localised_courses(courses)
    _steps, by_path = steps_by_container(list(local.values()))
    by_key = {link.translation_key: link for link in course_links(local.values(), by_path, request)}
    return {course.pk: by_key[course.translation_key] for course in courses if course.translation_key in by_key}


def pupil_class_and_modules(*, pupil, request=None) -> tuple[str, list[MyModule]]:
    """The name of the pupil's class and its modules (`pupil_modules`): the class is read with the
    assignments, in the same query, unless it has none."""
    rows = _assignments_of(pupil, with_class=True)
    name = rows[0][2] if rows else getattr(classroom_of_pupil(pupil, with_school=False), "name", "")
    return name, _modules(pupil, request, [row[:2] for row in rows])


def _assignments_of(pupil, *, with_class: bool = False) -> list[tuple]:
    fields = ["course_id", "due_on"] + (["classroom__name"] if with_class else [])
    return list(
        CourseAssignment.objects.filter(
            classroom__memberships__user=pupil,
            classroom__memberships__role=MembershipRole.PUPIL,
            classroom__active=True,
            visible=True,
        ).values_list(*fields)
    )


def pupil_modules(*, pupil, request=None) -> list[MyModule]:
    """The modules assigned to the pupil's class, in the pupil's language, with progress: the
    assignments and the pupil's records are read per request; the courses and their steps come
    from the content cache when a request is given."""
    if not pupil.is_authenticated or not pupil.is_pupil:
        return []
    return _modules(pupil, request, _assignments_of(pupil))


def _modules(pupil, request, assignments: list[tuple]) -> list[MyModule]:
    course_ids = sorted({course_id for course_id, _due in assignments})
    if request is None:
        links = _module_links(course_ids, None)
    else:
        key = f"modules-by-id:{request_key(request)}:{','.join(map(str, course_ids))}"
        links = content_cache.fetch(request, {key: lambda: _module_links(course_ids, request)})[key]
    # A course unpublished since it was assigned is left out rather than linked to a 404.
    modules = [(links[course_id], due_on) for course_id, due_on in assignments if course_id in links]
    progress = many_steps_progress(learner=pupil, steps_of={i: link.steps for i, (link, _due) in enumerate(modules)})
    return [MyModule(course=link, due_on=due_on, progress=progress[i]) for i, (link, due_on) in enumerate(modules)]


# --- The class dashboard's fragment ---------------------------------------------------------
# The dashboard is a dozen queries and a grid to draw; a class is looked at far more often than
# its pupils change anything, so the drawn dashboard is kept (in each process, see
# CACHES["template_fragments"]) under a key that changes with anything it shows. The key is read
# in one query of aggregates over the class's own rows (and the H5P activities' few), plus the
# content version (course and question texts), the language and the day (what is overdue), plus
# a version of the class that the services below replace for changes no aggregate sees (a renamed
# pupil, a new due date).

CLASS_VERSION_KEY = "class-dashboard-version:{}"


@functools.cache
def _fingerprint_sql() -> str:
    """One query of aggregates over the class's rows (raw SQL: composing it with the ORM cost more
    than running it). Tables are named from the models."""
    membership, records, attempts = Membership._meta.db_table, StepRecord._meta.db_table, QuizAttempt._meta.db_table
    credentials, consent = PupilCredential._meta.db_table, ConsentEvent._meta.db_table
    assignments = CourseAssignment._meta.db_table
    h5p_results, h5p_activities = H5PResult._meta.db_table, H5PActivity._meta.db_table
    pupils = f"SELECT user_id FROM {membership} WHERE classroom_id = %(classroom)s AND role = %(pupil)s"
    return (
        "SELECT "
        f"(SELECT COUNT(*) FROM {membership} WHERE classroom_id = %(classroom)s AND role = %(pupil)s), "
        f"(SELECT MAX(id) FROM {membership} WHERE classroom_id = %(classroom)s AND role = %(pupil)s), "
        f"(SELECT COUNT(*) FROM {records} WHERE learner_id IN ({pupils})), "
        f"(SELECT MAX(updated_at) FROM {records} WHERE learner_id IN ({pupils})), "
        f"(SELECT COUNT(*) FROM {attempts} WHERE learner_id IN ({pupils})), "
        f"(SELECT MAX(id) FROM {attempts} WHERE learner_id IN ({pupils})), "
        f"(SELECT COUNT(locked_at) FROM {credentials} WHERE user_id IN ({pupils})), "
        f"(SELECT MAX(locked_at) FROM {credentials} WHERE user_id IN ({pupils})), "
        f"(SELECT MAX(id) FROM {consent} WHERE pupil_id IN ({pupils})), "
        f"(SELECT COUNT(*) FROM {assignments} WHERE classroom_id = %(classroom)s), "
        f"(SELECT MAX(id) FROM {assignments} WHERE classroom_id = %(classroom)s), "
        f"(SELECT COUNT(*) FROM {h5p_results} WHERE learner_id IN ({pupils})), "
        f"(SELECT MAX(updated_at) FROM {h5p_results} WHERE learner_id IN ({pupils})), "
        # An activity renamed or deleted: few rows, edited rarely, and not content the version sees.
        f"(SELECT COUNT(*) FROM {h5p_activities}), "
        f"(SELECT MAX(updated_at) FROM {h5p_activities})"
    )


def class_dashboard_key(*, classroom: Classroom, request=None) -> str:
    """A key that changes whenever the class's dashboard would show something else."""
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql(), {"classroom": classroom.pk, "pupil": MembershipRole.PUPIL.value})
        row = cursor.fetchone()
    parts = [
        str(classroom.pk),
        repr(row),
        class_version(classroom),
        content_cache.version(request),
        translation.get_language() or "vi",
        timezone.localdate().isoformat(),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def class_version(classroom: Classroom) -> str:
    key = CLASS_VERSION_KEY.format(classroom.pk)
    value = cache.get(key)
    if value is None:
        value = uuid.uuid4().hex
        if not cache.add(key, value, None):
            value = cache.get(key) or value
    return value


@dataclass(frozen=True)
class H5PColumns:
    """The H5P activities in the lessons of a class's assigned modules, in lesson order, and each
    pupil's result on them (scores reported by the pupil's device)."""

    activities: list
    results: dict  # (pupil id, activity id) -> H5PResult


def _best_or_none(result: H5PResult) -> float:
    return -1.0 if result.best_percent is None else result.best_percent


def h5p_columns(*, dashboard: ClassDashboard) -> H5PColumns:
    """For the class CSV and the dashboard: three queries, whatever the size of the class. The
    activities are those the modules' lessons embed in the reader's language; a pupil's result on
    any language version of one counts for it (its best), as a quiz answered in English counts
    for the module."""
    courses = [column.course for column in dashboard.columns]
    if not courses:
        return H5PColumns([], {})
    lessons = LessonPage.objects.live()
    under = Q()
    for course in courses:
        under |= lessons.descendant_of_q(course)
    order: list[int] = []
    for lesson in lessons.filter(under).order_by("path").only("pk", "path", "body"):
        order += sorted(lesson.embedded_h5p_activity_ids() - set(order))
    if not order:
        return H5PColumns([], {})
    found = H5PActivity.objects.in_bulk(order)
    activities = [found[pk] for pk in order if pk in found]
    # A module may embed two language versions of one activity: each is a column of its own.
    shown: dict = {}
    for activity in activities:
        shown.setdefault(activity.translation_key, []).append(activity.pk)
    pupil_ids = [row.pupil.pk for row in dashboard.rows if row.consent]
    results: dict[tuple[int, int], H5PResult] = {}
    for result in H5PResult.objects.filter(
        learner_id__in=pupil_ids, activity__translation_key__in=list(shown)
    ).annotate(activity_key=F("activity__translation_key")):
        for column in shown[result.activity_key]:
            key = (result.learner_id, column)
            if key not in results or _best_or_none(result) > _best_or_none(results[key]):
                results[key] = result
    return H5PColumns(activities, results)


def class_dashboard_with_h5p(*, classroom: Classroom) -> ClassDashboard:
    """The class dashboard with, after the modules, each H5P activity of their lessons and each
    consenting pupil's best % in it: `class_dashboard`'s queries and `h5p_columns`' (at most three
    more), whatever the size of the class."""
    dashboard = class_dashboard(classroom=classroom)
    h5p = h5p_columns(dashboard=dashboard)
    dashboard.h5p_activities = h5p.activities
    for row in dashboard.rows:
        if not row.consent:
            continue  # nothing of theirs is stored, and nothing is shown
        for activity in h5p.activities:
            result = h5p.results.get((row.pupil.pk, activity.pk))
            percent = result.best_percent if result else None
            row.h5p_percents.append(None if percent is None else round(percent))
    return dashboard


# --- Talk requests ("I want to talk") ---------------------------------------------------------
# Seen by the pupil who sent it, the adult it was sent to (while on the school's staff) and the
# school's leaders; 404 for everyone else. Nothing handled more than TALK_REQUEST_DAYS ago is
# shown, even before the purge has deleted it.


@dataclass(frozen=True)
class TalkAdult:
    adult: User
    counsellor: bool  # the school's counsellor (else a teacher of the pupil's class)


def talk_adults_for(*, classroom: Classroom) -> list[TalkAdult]:
    """Whom a pupil of the class may ask: the class's teachers still on the school's staff, then
    the school's counsellor (if not one of them). One query."""
    on_staff = Membership.objects.filter(school_id=classroom.school_id, classroom=None, approved=True).exclude(
        role=MembershipRole.PUPIL
    )
    teaches = Membership.objects.filter(classroom=classroom, role=MembershipRole.TEACHER)
    counsellor_id = classroom.school.counsellor_id
    adults = User.objects.filter(pk__in=on_staff.values("user_id")).filter(
        Q(pk__in=teaches.values("user_id")) | Q(pk=counsellor_id or 0)
    )
    found = sorted(adults, key=lambda adult: vietnamese_sort_key(adult.get_display_name()))
    teachers = [TalkAdult(adult=a, counsellor=False) for a in found if a.pk != counsellor_id]
    return teachers + [TalkAdult(adult=a, counsellor=True) for a in found if a.pk == counsellor_id]


def _talk_kept(now=None) -> Q:
    cutoff = (now or timezone.now()) - timedelta(days=settings.TALK_REQUEST_DAYS)
    return Q(handled_at__isnull=True) | Q(handled_at__gte=cutoff)


# A request an adult has handled stays on the pupil's page this long, without the adult's name:
# the pupil learns that someone saw it; a classmate on a shared device learns little.
TALK_HANDLED_SHOWN_TO_PUPIL_DAYS = 7


def _adult_on_staff() -> Exists:
    """The adult asked is still an approved member of the request's school's staff (False when
    they have left it, or their account was deleted)."""
    return Exists(
        Membership.objects.filter(
            user_id=OuterRef("adult_id"), school_id=OuterRef("school_id"), classroom=None, approved=True
        ).exclude(role=MembershipRole.PUPIL)
    )


def talk_requests_of_pupil(*, pupil) -> list[TalkRequest]:
    """The pupil's own requests still open, newest first, then those handled in the last
    TALK_HANDLED_SHOWN_TO_PUPIL_DAYS days. Each has `adult_on_staff`."""
    shown_since = timezone.now() - timedelta(days=TALK_HANDLED_SHOWN_TO_PUPIL_DAYS)
    return list(
        TalkRequest.objects.filter(Q(status=TalkStatus.NEW) | Q(handled_at__gte=shown_since), pupil=pupil)
        .annotate(adult_on_staff=_adult_on_staff())
        .select_related("adult")
        .order_by(F("handled_at").asc(nulls_first=True), "-created_at")
    )


def _led_school_ids(user):
    return Membership.objects.filter(user=user, role=MembershipRole.LEADER, classroom=None, approved=True).values(
        "school_id"
    )


def _staff_school_ids(user):
    return (
        Membership.objects.filter(user=user, classroom=None, approved=True)
        .exclude(role=MembershipRole.PUPIL)
        .values("school_id")
    )


def is_school_leader(*, user, school: School) -> bool:
    """An approved leader of `school`."""
    return (
        user.is_authenticated
        and Membership.objects.filter(
            user=user, school=school, role=MembershipRole.LEADER, classroom=None, approved=True
        ).exists()
    )


def _talk_visible_to_staff(user) -> Q:
    """Sent to `user` at a school they are still staff of, or at a school they lead."""
    return Q(adult=user, school_id__in=_staff_school_ids(user)) | Q(school_id__in=_led_school_ids(user))


def talk_request_for_staff(*, user, request_id: int) -> TalkRequest:
    """The request, if it was sent to `user` or `user` leads its school; 404 for anyone else."""
    if not user.is_authenticated or user.is_pupil:
        raise Http404
    talk_request = (
        TalkRequest.objects.filter(_talk_visible_to_staff(user), _talk_kept(), pk=request_id)
        .annotate(adult_on_staff=_adult_on_staff())
        .select_related("pupil", "classroom", "adult", "handled_by", "school")
        .first()
    )
    if talk_request is None:
        raise Http404
    return talk_request


@dataclass(frozen=True)
class TalkNotice:
    request: TalkRequest
    for_me: bool  # sent to the reader; else shown because the reader leads the school


def talk_notices(*, user, classroom: Classroom | None = None) -> list[TalkNotice]:
    """Requests not yet handled that the reader should act on: those sent to them and, for a
    school's leaders, the school's urgent ones, those waiting more than TALK_WAITING_DAYS days and,
    at once, those whose adult has left the school's staff (or whose account was deleted): nobody
    else would see them; and, at once, those whose pupil's account was deleted. Urgent first. One
    query."""
    if not user.is_authenticated or user.is_pupil:
        return []
    waiting_since = timezone.now() - timedelta(days=TALK_WAITING_DAYS)
    requests = TalkRequest.objects.annotate(adult_on_staff=_adult_on_staff())
    led = Q(school_id__in=_led_school_ids(user)) & (
        Q(urgent=True) | Q(created_at__lt=waiting_since) | Q(adult_on_staff=False) | Q(pupil__isnull=True)
    )
    requests = requests.filter(Q(adult=user, school_id__in=_staff_school_ids(user)) | led, status=TalkStatus.NEW)
    if classroom is not None:
        requests = requests.filter(classroom=classroom)
    requests = requests.select_related("pupil", "classroom", "adult").order_by("-urgent", "created_at")
    return [TalkNotice(request=r, for_me=r.adult_id == user.pk) for r in requests]


def school_talk_requests(*, school: School) -> list[TalkRequest]:
    """Every request of the school still kept, for its leaders: not yet handled first, urgent
    first, oldest first."""
    return list(
        TalkRequest.objects.filter(_talk_kept(), school=school)
        .annotate(adult_on_staff=_adult_on_staff())
        .select_related("pupil", "classroom", "adult", "handled_by")
        .order_by(F("handled_at").asc(nulls_first=True), "-urgent", "created_at")
    )


# --- Teaching a module in class -------------------------------------------------------------


def assignment_for_staff(*, user, classroom_id: int, assignment_id: int) -> CourseAssignment:
    """An assignment of a class the user teaches or whose school they lead; 404 otherwise."""
    assignment = (
        CourseAssignment.objects.filter(
            pk=assignment_id,
            classroom_id=classroom_id,
            classroom__in=visible_classrooms(user, include_archived=True),
        )
        .select_related("classroom__school", "course")
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


def teaching_session_for_staff(*, user, classroom_id: int, session_id: int) -> TeachingSession:
    """A teaching session of a class the user teaches or whose school they lead, in one query;
    404 for anyone else (and for a session of another class given with this class's id)."""
    session = (
        TeachingSession.objects.filter(
            pk=session_id,
            classroom_id=classroom_id,
            classroom__in=visible_classrooms(user, include_archived=True),
        )
        .select_related("classroom__school", "course")
        .first()
    )
    if session is None:
        raise Http404
    return session


def teaching_session_stale(session: TeachingSession, *, now: datetime | None = None) -> bool:
    """Left alone for TEACHING_STALE_HOURS: not resumed, a new session starts instead."""
    last = session.moved_at or session.resumed_at or session.started_at
    return last < (now or timezone.now()) - timedelta(hours=TEACHING_STALE_HOURS)


def open_teaching_session(*, classroom: Classroom, course: CoursePage) -> TeachingSession | None:
    """The class's unfinished session of this module (in any of its languages), if any."""
    return (
        TeachingSession.objects.filter(
            classroom=classroom, course__translation_key=course.translation_key, ended_at__isnull=True
        )
        .order_by("-started_at")
        .first()
    )


def taught_records_of(*, classroom: Classroom, course: CoursePage) -> list[ClassTaught]:
    """When this module was taught in this class, newest first."""
    return list(
        ClassTaught.objects.filter(classroom=classroom, course__translation_key=course.translation_key)
        .select_related("by")
        .order_by("-taught_on", "-pk")
    )


def _projector_active(session: TeachingSession, since: datetime) -> bool:
    times = [session.screen_code_at, session.moved_at, session.resumed_at]
    return any(time is not None and time >= since for time in times)


def projector_link_works(session: TeachingSession, *, now: datetime | None = None) -> bool:
    """Whether the session's projector code opens its screen: the session is open, its module is not
    behind a view restriction, and the code was issued or the lesson last changed (a move, a count,
    a resume) less than SCREEN_CODE_HOURS ago, so that a lesson in progress keeps its link."""
    from .teaching import restricted

    if not session.screen_code or session.ended_at is not None:
        return False
    if not _projector_active(session, (now or timezone.now()) - timedelta(hours=SCREEN_CODE_HOURS)):
        return False
    return not restricted(session.course, session.language)


def teaching_session_for_screen(*, code: str) -> TeachingSession | None:
    """The open session whose projector code this is, while the code works (projector_link_works);
    None otherwise. The code is the only key: no sign-in."""
    code = normalise_code(code)
    if not code:
        return None
    session = (
        TeachingSession.objects.filter(screen_code=code, ended_at__isnull=True)
        .select_related("classroom__school", "course")
        .first()
    )
    return session if session is not None and projector_link_works(session) else None


def teaching_session_recorded(session: TeachingSession) -> bool:
    """Whether the session ended with a record "taught in class" (not started again or left)."""
    return ClassTaught.objects.filter(session=session).exists()


def teaching_assignment(*, session: TeachingSession) -> CourseAssignment | None:
    """The class's assignment of the session's module (in any of its languages), if still assigned."""
    return CourseAssignment.objects.filter(
        classroom_id=session.classroom_id, course__translation_key=session.course.translation_key
    ).first()


def teaching_module_assigned(*, session: TeachingSession) -> bool:
    """Whether the session's module (in any of its languages) is still assigned to its class."""
    return CourseAssignment.objects.filter(
        classroom_id=session.classroom_id, course__translation_key=session.course.translation_key
    ).exists()


def taught_for_pupil(*, pupil, classroom: Classroom) -> list[ClassTaught]:
    """The modules taught in this class while this pupil was there (named only with consent); a
    pupil moved from another class does not bring that class's records along."""
    return list(
        ClassTaught.objects.filter(present_pupils=pupil, classroom=classroom)
        .select_related("course")
        .order_by("-taught_on", "-pk")
    )
