"""Reads: evidence that learning happens. For each module with a check before the lessons
(`quizzes.models.Phase.BEFORE`), and each learning outcome (the lesson a question assesses):
of the pupils who answered both the check and the quiz after it, how many were wrong on that
outcome before and right after. Per class and per school, never per pupil: a group of fewer than
`MIN_GROUP` pupils is suppressed, so that no pupil can be picked out.

"Right" on an outcome is at least `RIGHT_SHARE` of its points in that attempt. "After" is the
pupil's first quiz attempt after their check. Only pupils whose data may be stored have
attempts at all (consent, `accounts.User.may_store_learning_data`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import translation
from wagtail.models import Page

from quizzes.models import Phase, QuizAnswer, QuizAttempt, QuizPage

from .models import Classroom, Membership, MembershipRole, School

MIN_GROUP = 5
RIGHT_SHARE = 0.75


@dataclass
class OutcomeGain:
    lesson: str  # the lesson's title in the reader's language
    pupils: int = 0  # answered both the check and the quiz after it
    wrong_before: int = 0
    moved: int = 0  # of those wrong before, right after
    key: tuple = ()  # (quiz, lesson) translation keys: the same outcome in every group
    #: Withheld although large enough: with the classes shown, it would give away a small one.
    withheld: bool = False

    @property
    def suppressed(self) -> bool:
        return self.pupils < MIN_GROUP or self.withheld

    @property
    def share(self) -> float | None:
        """The share of pupils wrong before who were right after (0..100), if any were wrong."""
        return round(100 * self.moved / self.wrong_before, 1) if self.wrong_before else None


@dataclass
class ModuleGains:
    module: str
    outcomes: list[OutcomeGain] = field(default_factory=list)


@dataclass
class GroupGains:
    """A class, or a whole school."""

    name: str
    modules: list[ModuleGains] = field(default_factory=list)


def _per_outcome(attempt: dict, scores: dict, lesson_keys: dict) -> dict:
    """{outcome translation key: right?} of one attempt."""
    points: dict = defaultdict(lambda: [0.0, 0.0])
    for question in attempt["questions"]:
        key = lesson_keys.get(question["value"].get("lesson"))
        if key is None or (attempt["pk"], question["id"]) not in scores:
            continue
        score, maximum = scores[(attempt["pk"], question["id"])]
        points[key][0] += score
        points[key][1] += maximum
    return {key: got / total >= RIGHT_SHARE for key, (got, total) in points.items() if total}


def _changes(pupil_ids: list[int]) -> dict:
    """{(quiz translation key, outcome key): [(pupil, right before, right after)]}: six queries."""
    before = list(
        QuizAttempt.objects.filter(learner_id__in=pupil_ids, phase=Phase.BEFORE).values(
            "pk", "learner_id", "quiz__translation_key", "submitted_at", "questions"
        )
    )
    if not before:
        return {}
    first_after: dict = {}
    after_rows = (
        QuizAttempt.objects.filter(
            learner_id__in={a["learner_id"] for a in before},
            quiz__translation_key__in={a["quiz__translation_key"] for a in before},
            phase=Phase.QUIZ,
        )
        .order_by("submitted_at", "pk")
        .values("pk", "learner_id", "quiz__translation_key", "submitted_at", "questions")
    )
    starts = {(a["learner_id"], a["quiz__translation_key"]): a["submitted_at"] for a in before}
    for row in after_rows:
        pair = (row["learner_id"], row["quiz__translation_key"])
        if pair in starts and row["submitted_at"] > starts[pair] and pair not in first_after:
            first_after[pair] = row
    attempts = before + list(first_after.values())
    scores = {
        (r["attempt_id"], str(r["question_id"])): (r["score"], r["max_score"])
        for r in QuizAnswer.objects.filter(attempt_id__in=[a["pk"] for a in attempts]).values(
            "attempt_id", "question_id", "score", "max_score"
        )
    }
    lesson_ids = {q["value"].get("lesson") for a in attempts for q in a["questions"]} - {None}
    lesson_keys = dict(Page.objects.filter(pk__in=lesson_ids).values_list("pk", "translation_key"))
    changes: dict = defaultdict(list)
    for pre in before:
        pair = (pre["learner_id"], pre["quiz__translation_key"])
        post = first_after.get(pair)
        if post is None:
            continue
        was, now = _per_outcome(pre, scores, lesson_keys), _per_outcome(post, scores, lesson_keys)
        for key in was.keys() & now.keys():
            changes[(pre["quiz__translation_key"], key)].append((pre["learner_id"], was[key], now[key]))
    return changes


def _titles(keys, language: str) -> dict:
    """{translation key: title}, in `language` where there is a translation."""
    titles: dict = {}
    for key, code, title in Page.objects.filter(translation_key__in=keys).values_list(
        "translation_key", "locale__language_code", "title"
    ):
        if key not in titles or code == language:
            titles[key] = title
    return titles


def _modules(pupils: set[int], changes: dict, titles: dict, module_titles: dict) -> list[ModuleGains]:
    modules: dict = {}
    for (quiz_key, outcome_key), rows in changes.items():
        rows = [row for row in rows if row[0] in pupils]
        if not rows:
            continue
        gains = modules.setdefault(quiz_key, ModuleGains(module=module_titles.get(quiz_key, "")))
        outcome = OutcomeGain(lesson=titles.get(outcome_key, ""), pupils=len(rows), key=(quiz_key, outcome_key))
        outcome.wrong_before = sum(1 for _pupil, was, _now in rows if not was)
        outcome.moved = sum(1 for _pupil, was, now in rows if not was and now)
        gains.outcomes.append(outcome)
    for gains in modules.values():
        gains.outcomes.sort(key=lambda o: o.lesson)
    return sorted(modules.values(), key=lambda m: m.module)


def school_gains(*, school: School) -> tuple[GroupGains, list[GroupGains]]:
    """The whole school's gains and each class's (active and archived), in the reader's language."""
    members = list(
        Membership.objects.filter(school=school, role=MembershipRole.PUPIL, classroom__isnull=False).values_list(
            "classroom_id", "user_id"
        )
    )
    by_class: dict = defaultdict(set)
    for classroom_id, user_id in members:
        by_class[classroom_id].add(user_id)
    everyone = {user_id for _classroom, user_id in members}
    changes = _changes(sorted(everyone))
    language = translation.get_language() or "vi"
    titles = _titles({outcome for _quiz, outcome in changes}, language)
    module_titles = _module_titles({quiz for quiz, _ in changes}, language)
    school_row = GroupGains(name=school.name, modules=_modules(everyone, changes, titles, module_titles))
    classes = []
    for classroom in Classroom.objects.filter(pk__in=by_class).order_by("-active", "grade", "name"):
        classes.append(
            GroupGains(name=classroom.name, modules=_modules(by_class[classroom.pk], changes, titles, module_titles))
        )
    _withhold_differences(school_row, classes)
    return school_row, classes


def _withhold_differences(school: GroupGains, classes: list[GroupGains]) -> None:
    """Complementary suppression: where the classes left out (each under MIN_GROUP) hold between 1
    and MIN_GROUP - 1 pupils together, the school's figure minus the classes shown would be
    theirs, so the school's figure is withheld too."""
    hidden: dict = defaultdict(int)
    for group in classes:
        for module in group.modules:
            for outcome in module.outcomes:
                if outcome.pupils < MIN_GROUP:
                    hidden[outcome.key] += outcome.pupils
    for module in school.modules:
        for outcome in module.outcomes:
            if 0 < hidden[outcome.key] < MIN_GROUP:
                outcome.withheld = True


def _module_titles(quiz_keys: set, language: str) -> dict:
    """{quiz translation key: its course's title}, in `language` where there is one: two queries."""
    quizzes = list(
        QuizPage.objects.filter(translation_key__in=quiz_keys).values_list("translation_key", "path", "depth")
    )
    parents = {path[: -Page.steplen]: key for key, path, _depth in quizzes}
    course_keys = dict(Page.objects.filter(path__in=parents).values_list("path", "translation_key"))
    titles = _titles(set(course_keys.values()), language)
    return {parents[path]: titles.get(key, "") for path, key in course_keys.items()}


def csv_rows(groups: list[tuple[str, GroupGains]]) -> list[list[str]]:
    """The gains as an anonymised table for the programme: one row per school or class, module
    and learning outcome; no pupil named, small groups' figures left out. `groups`: (school
    name, group) pairs, the group being the school itself or one of its classes."""
    from django.utils.translation import gettext as _

    rows = [
        [
            _("School"),
            _("Class"),
            _("Module"),
            _("Learning outcome (lesson)"),
            _("Pupils with both checks"),
            _("Wrong before"),
            _("Of those, right after"),
            _("Share who moved (%)"),
            _("Note"),
        ]
    ]
    for school, group in groups:
        whole = group.name == school
        for module in group.modules:
            for outcome in module.outcomes:
                line = [school, "" if whole else group.name, module.module, outcome.lesson]
                if outcome.suppressed:
                    line += ["", "", "", "", _("fewer than %(count)s pupils: not shown") % {"count": MIN_GROUP}]
                else:
                    share = outcome.share
                    line += [
                        str(outcome.pupils),
                        str(outcome.wrong_before),
                        str(outcome.moved),
                        "" if share is None else f"{share:.0f}",
                        "",
                    ]
                rows.append(line)
    return rows
