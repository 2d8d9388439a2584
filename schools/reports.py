"""Progress reports for parents: one printable A4 page per pupil, for the pupil's family, drawn by
WeasyPrint in the reader's language (`courses.pdf`, the site's fonts).

A report holds what a family may know of their own child's learning at school, and nothing else:
the pupil's display name, class and school; each module assigned to the class, with how far the
pupil got, whether and when they finished it, and whether they passed its quiz (never an answer);
for each module finished, the three things to do at home from its classroom kit; and the helpline.

Only for a pupil with consent (`User.learning_data_consent`): without it nothing of theirs is
stored, and there is nothing to report. The whole class's reports skip them and say how many were
skipped, without naming them. Only the class's teacher and the school's leader print them (the
views fetch the class and pupil through `schools.selectors`), and every print is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from babel.dates import format_date
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from courses import cache as content_cache
from courses.models import CoursePage
from courses.pdf import font_urls, html_to_pdf
from progress.models import StepRecord
from progress.selectors import group_progress
from quizzes.models import Phase, QuizAttempt, QuizPage

from .models import Classroom, CourseAssignment
from .selectors import localised_courses, sorted_pupils

TEMPLATE = "schools/reports/progress_pdf.html"
# Babel's long Vietnamese date is "23 tháng 11, 2026"; a letter home writes "ngày 23 tháng 11 năm 2026".
DATE_PATTERNS = {"vi": "'ngày' d 'tháng' M 'năm' y"}


class QuizResult:
    PASSED = "passed"
    NOT_PASSED = "not_passed"
    NOT_TAKEN = "not_taken"
    NONE = "none"  # the module has no quiz


@dataclass
class ModuleReport:
    title: str
    due_on: date | None
    percent: int
    finished: bool
    finished_on: date | None
    last_activity_on: date | None
    quiz: str
    at_home: list[str] = field(default_factory=list)
    # The dates as a letter home writes them, in the report's language.
    due_text: str = ""
    finished_text: str = ""
    last_activity_text: str = ""


@dataclass
class PupilReport:
    pupil: object
    modules: list[ModuleReport]

    @property
    def finished_count(self) -> int:
        return sum(1 for module in self.modules if module.finished)

    @property
    def at_home(self) -> list[tuple[str, list[str]]]:
        """The three things to do at home of each finished module with a kit."""
        return [(module.title, module.at_home) for module in self.modules if module.finished and module.at_home]


def format_day(day: date | datetime | None, language: str) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = timezone.localdate(day)
    return format_date(day, DATE_PATTERNS.get(language, "long"), locale=language)


def consenting(pupils) -> list:
    return [pupil for pupil in pupils if pupil.learning_data_consent]


def pupil_reports(*, classroom: Classroom, pupils) -> list[PupilReport]:
    """Reports of `pupils` (of `classroom`, with consent), in a fixed number of queries whatever
    their number: the assignments, the courses in the reader's language, the steps and records,
    the quiz attempts, the dates."""
    pupils = sorted_pupils(consenting(pupils))
    assignments = list(CourseAssignment.objects.filter(classroom=classroom).select_related("course"))  # 1
    local = localised_courses(a.course for a in assignments)  # 2 (without stream fields)
    # The kits' things to do at home, in the reader's language (one query, only that field).
    kits = {
        c.pk: [str(block.value) for block in c.kit_at_home]
        for c in CoursePage.objects.filter(pk__in=[c.pk for c in local.values()]).only("pk", "kit_at_home")
    }  # 3
    courses = [local.get(a.course.translation_key, a.course) for a in assignments]
    learner_ids = [p.pk for p in pupils]
    steps, progress = group_progress(learner_ids=learner_ids, containers=courses)  # 4, 5
    quiz_type = ContentType.objects.get_for_model(QuizPage)
    keys_by_course: dict[str, list[str]] = {c.path: [] for c in courses}
    quizzes_by_course: dict[str, list[str]] = {c.path: [] for c in courses}
    for step in steps:
        parent = step.path[: -step.steplen]
        keys_by_course[parent].append(step.translation_key)
        if step.content_type_id == quiz_type.pk:
            quizzes_by_course[parent].append(step.translation_key)
    quiz_keys = [key for keys in quizzes_by_course.values() for key in keys]
    attempts: dict[tuple[int, object], bool] = {}
    if learner_ids and quiz_keys:
        for row in (
            QuizAttempt.objects.filter(
                learner_id__in=learner_ids, quiz__translation_key__in=quiz_keys, phase=Phase.QUIZ
            )
            .values("learner_id", "quiz__translation_key")
            .annotate(passes=Count("pk", filter=Q(passed=True)))
        ):  # 6
            attempts[(row["learner_id"], row["quiz__translation_key"])] = bool(row["passes"])
    dates: dict[tuple[int, object], tuple] = {}
    all_keys = [key for keys in keys_by_course.values() for key in keys]
    if learner_ids and all_keys:
        for learner_id, key, done, touched in StepRecord.objects.filter(
            learner_id__in=learner_ids, step_key__in=all_keys
        ).values_list("learner_id", "step_key", "completed_at", "updated_at"):  # 7
            dates[(learner_id, str(key))] = (done, touched)
    language = translation.get_language() or "vi"
    reports = []
    for pupil in pupils:
        modules = []
        for assignment, course in zip(assignments, courses, strict=True):
            state = progress[(pupil.pk, course.pk)]
            mine = [dates.get((pupil.pk, str(key))) for key in keys_by_course[course.path]]
            done = [d[0] for d in mine if d and d[0]]
            touched = [d[1] for d in mine if d and d[1]]
            quizzes = quizzes_by_course[course.path]
            results = [attempts.get((pupil.pk, key)) for key in quizzes]
            if not quizzes:
                quiz = QuizResult.NONE
            elif results and all(results):
                quiz = QuizResult.PASSED
            elif any(result is not None for result in results):
                quiz = QuizResult.NOT_PASSED
            else:
                quiz = QuizResult.NOT_TAKEN
            finished_on = timezone.localdate(max(done)) if state.is_complete and done else None
            last_on = timezone.localdate(max(touched)) if touched else None
            modules.append(
                ModuleReport(
                    title=course.title,
                    due_on=assignment.due_on,
                    percent=state.percent,
                    finished=state.is_complete,
                    finished_on=finished_on,
                    last_activity_on=last_on,
                    quiz=quiz,
                    at_home=kits.get(course.pk, []),
                    due_text=format_day(assignment.due_on, language),
                    finished_text=format_day(finished_on, language),
                    last_activity_text=format_day(last_on, language),
                )
            )
        reports.append(PupilReport(pupil=pupil, modules=modules))
    return reports


def reports_pdf(*, classroom: Classroom, reports: list[PupilReport], skipped: int, request) -> bytes:
    """The reports as one PDF, a page (or more) per pupil; for the whole class, a first page for
    the teacher says how many pupils were skipped for want of consent."""
    language = translation.get_language() or "vi"
    helpline = content_cache.site_entries(request).get("helpline")
    html = render_to_string(
        TEMPLATE,
        {
            "classroom": classroom,
            "school": classroom.school,
            "reports": reports,
            "skipped": skipped,
            "cover": skipped is not None,
            "helpline": helpline,
            "language": language,
            "printed_on": format_day(timezone.localdate(), language),
            "fonts": font_urls(),
            "Q": QuizResult,
        },
    )
    return html_to_pdf(html)
