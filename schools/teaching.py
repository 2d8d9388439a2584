"""A module as slides, for teaching it to the whole class from one screen (a projector).

Each live lesson of the module gives a title slide, then one slide per block of its body; the
module's quiz gives a title slide and one slide per question (the questions of one draw, if the
quiz is a bank); an end slide closes. A slide is keyed by what it shows: the StreamField block's
id (a lesson's block, a quiz's question), so that the class's votes and counts stay with their
block when an editor moves it. The language is the session's, so that both screens show the same
slides whatever their addresses' language: a translation keeps its blocks' ids.

What only the teacher may see (a discussion's guidance) is in `notes`; the answer key (which
choice is right or recommended, the feedback, the right answer) is given out by `shown` only once
the teacher has revealed the slide, so no page nor JSON carries it before.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.models import PageViewRestriction

from courses.models import CoursePage, LessonPage
from quizzes.bank import draw
from quizzes.models import QuizPage
from quizzes.questions import TYPES
from quizzes.questions.base import ChoiceQuestion
from quizzes.questions.true_false import TrueFalse

# Lesson blocks shown as they are, in large type.
CONTENT_KINDS = {"heading", "text", "image", "video", "tip", "key_points", "helpline", "app_guide"}
# Most hands a class can raise for one choice (a class of 35-45, with room to spare).
MAX_COUNT = 500


@dataclass
class Option:
    id: str
    letter: str
    text: str
    right: bool = False
    feedback: str = ""
    count: int = 0


@dataclass
class Slide:
    kind: str  # "lesson", a content block's type, "h5p", "discussion", "vote", "quiz", "question", "end"
    key: str
    title: str  # a few words, for the presenter's "next" line and the outline
    lesson_title: str = ""
    value: Any = None  # a content block's value
    prompt: str = ""
    situation: str = ""
    notes: str = ""  # the teacher's only
    options: list[Option] = field(default_factory=list)
    multiple: bool = False
    countable: bool = False  # the class answers by show of hands, counted per option
    steps: list[str] = field(default_factory=list)  # an ordering question's steps, mixed up
    pairs: list[str] = field(default_factory=list)  # a matching question's items
    matches: list[str] = field(default_factory=list)  # and their matches, mixed up
    answer: list[str] = field(default_factory=list)  # the right answer in words
    explanation: str = ""
    picture_id: int | None = None  # a question's picture (its image's id), and what it shows
    picture_alt: str = ""
    sensitive: bool = False
    revealed: bool = False

    @property
    def votable(self) -> bool:
        return self.kind in ("vote", "question")

    @property
    def total(self) -> int:
        return sum(option.count for option in self.options)


def letters(count: int) -> list[str]:
    return list(string.ascii_uppercase[:count])


def localised(course: CoursePage, language: str | None = None) -> CoursePage:
    """The module in `language` (the reader's by default), if it is translated and live; the module
    itself otherwise."""
    language = language or translation.get_language() or "vi"
    local = (
        CoursePage.objects.live()
        .filter(translation_key=course.translation_key, locale__language_code=language)
        .defer_streamfields()
        .first()
    )
    return local or course


def _text(value) -> str:
    return str(value or "").strip()


def _lesson_slides(lesson: LessonPage) -> list[Slide]:
    slides = [
        Slide(
            kind="lesson",
            key=f"lesson-{lesson.translation_key}",
            title=lesson.title,
            lesson_title=lesson.title,
            value=lesson.summary,
            sensitive=lesson.sensitive,
        )
    ]
    for block in lesson.body:
        kind, value, key = block.block_type, block.value, str(block.id)
        common = {"key": key, "lesson_title": lesson.title, "sensitive": lesson.sensitive}
        if kind in CONTENT_KINDS:
            slides.append(Slide(kind=kind, title=_block_title(kind, value), value=value, **common))
        elif kind == "h5p_activity":
            activity = value.get("activity")
            title = activity.title if activity is not None else _("Activity")
            slides.append(Slide(kind="h5p", title=title, value=value, **common))
        elif kind == "discussion":
            slides.append(
                Slide(
                    kind="discussion",
                    title=_short(value["prompt"]),
                    prompt=_text(value["prompt"]),
                    notes=_text(value.get("guidance")),
                    **common,
                )
            )
        elif kind == "scenario":
            choices = value["choices"].bound_blocks
            options = [
                Option(
                    id=str(child.id),
                    letter=letter,
                    text=_text(child.value["text"]),
                    right=bool(child.value.get("recommended")),
                    feedback=_text(child.value.get("feedback")),
                )
                for letter, child in zip(letters(len(choices)), choices, strict=True)
            ]
            slides.append(
                Slide(
                    kind="vote",
                    title=_text(value["question"]) or _short(value["situation"]),
                    prompt=_text(value["question"]),
                    situation=_text(value["situation"]),
                    options=options,
                    countable=True,
                    answer=[o.text for o in options if o.right],
                    **common,
                )
            )
    return slides


def _short(text: str, words: int = 10) -> str:
    parts = _text(text).split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _block_title(kind: str, value) -> str:
    from django.utils.html import strip_tags

    if kind == "heading":
        return _text(value)
    if kind == "text":
        return _short(strip_tags(str(value.source if hasattr(value, "source") else value)))
    if kind == "tip":
        return _("Tip") + ": " + _short(value, 8)
    if kind == "key_points":
        return _("Key points")
    if kind == "image":
        return _("Picture") + ": " + _short(value.get("alt"), 8)
    if kind == "video":
        return _("Video") + ": " + _text(value.get("title"))
    if kind == "helpline":
        return _("Helpline")
    if kind == "app_guide":
        return _("Where the buttons are")
    return kind


def question_slide(question: dict, *, key: str) -> Slide:
    """One question of the quiz for the whole class: its options lettered and counted when the class
    can answer it by a show of hands (one or several choices, true or false, what would you do?);
    otherwise its prompt and parts, to discuss before the answer is revealed."""
    kind = TYPES[question["type"]]
    value = question["value"] or {}
    qid = str(question["id"])
    slide = Slide(
        kind="question",
        key=qid,
        title=_short(kind.prompt(value)),
        prompt=_text(kind.prompt(value)),
        situation=_text(value.get("situation")),
        explanation=_text(value.get("explanation")),
    )
    picture = value.get("picture") or {}
    if picture.get("image"):
        slide.picture_id, slide.picture_alt = picture["image"], _text(picture.get("alt"))
    if isinstance(kind, ChoiceQuestion):
        found = value.get(kind.items_key) or []
        slide.multiple = kind.multiple
        for letter, item in zip(letters(len(found)), found, strict=False):
            answer = [item["id"]] if kind.multiple else item["id"]
            score = kind.grade(value, answer)
            slide.options.append(
                Option(
                    id=str(item["id"]),
                    letter=letter,
                    text=_text(item["value"].get("text")),
                    right=score > 0 if kind.multiple else score == 1.0,
                    feedback=_text(item["value"].get("feedback")),
                )
            )
        slide.countable = True
        slide.answer = [o.text for o in slide.options if o.right]
    elif isinstance(kind, TrueFalse):
        right = bool(value.get("answer"))
        slide.options = [
            Option(id="true", letter="A", text=_("True"), right=right),
            Option(id="false", letter="B", text=_("False"), right=not right),
        ]
        slide.countable = True
        slide.answer = [_("True") if right else _("False")]
    else:
        # Ordering, matching and any type to come: shown mixed up, discussed, then revealed.
        rng = random.Random(f"{key}:{qid}")
        steps = [_text(step["value"]) for step in value.get("steps") or []]
        slide.steps = rng.sample(steps, len(steps))
        pairs = value.get("pairs") or []
        slide.pairs = [_text(pair["value"].get("item")) for pair in pairs]
        matches = [_text(pair["value"].get("match")) for pair in pairs]
        slide.matches = rng.sample(matches, len(matches))
        try:
            slide.answer = [str(line) for line in kind.review(value, kind.simulate(value, rng=rng, right=True))[1]]
        except (KeyError, IndexError, TypeError, NotImplementedError):
            slide.answer = []
    return slide


def module_slides(course: CoursePage, *, draw_key: str, language: str | None = None) -> list[Slide]:
    """Every slide of the module, in `language` (a session's, so that both screens show the same
    slides; the reader's by default). `draw_key` draws a bank's questions (the same for the whole
    session)."""
    language = language or translation.get_language() or "vi"
    with translation.override(language):
        return _module_slides(localised(course, language), draw_key=draw_key)


def restricted(course: CoursePage, language: str | None = None) -> bool:
    """Whether the module (in `language`, or the page itself) or one of its ancestors is behind a
    Wagtail view restriction: such a module is not shown through the projector's link (no sign-in)."""
    pages = {course.pk, localised(course, language).pk}
    return any(page.get_view_restrictions().exists() for page in CoursePage.objects.filter(pk__in=pages))


def _own_restrictions(course: CoursePage) -> set[int]:
    children = course.get_children().live().values_list("pk", flat=True)
    return set(PageViewRestriction.objects.filter(page_id__in=list(children)).values_list("page_id", flat=True))


def left_out(course: CoursePage, *, language: str | None = None) -> list[str]:
    """The titles of the module's lessons and quizzes behind their own view restriction: left out of
    the slides (both screens, the projector's link included), so the presenter says so."""
    module = localised(course, language)
    hidden = _own_restrictions(module)
    return [page.title for page in module.get_children().live().filter(pk__in=hidden).order_by("path")]


def _module_slides(course: CoursePage, *, draw_key: str) -> list[Slide]:
    slides: list[Slide] = []
    hidden = _own_restrictions(course)
    for child in course.get_children().live().exclude(pk__in=hidden).specific().order_by("path"):
        if isinstance(child, LessonPage):
            slides += _lesson_slides(child)
        elif isinstance(child, QuizPage):
            questions = draw(list(child.questions.raw_data), key=draw_key, count=child.questions_per_attempt)
            if not questions:
                continue
            slides.append(Slide(kind="quiz", key=f"quiz-{child.translation_key}", title=child.title, value=child))
            slides += [question_slide(q, key=draw_key) for q in questions if q.get("type") in TYPES]
    slides.append(Slide(kind="end", key="end", title=_("The end: well done!")))
    return slides


def shown(slide: Slide, *, counts: dict, revealed: bool) -> Slide:
    """The slide as the screens show it now: with the class's counts, and with its answer key only
    once revealed (before, nothing of it is in the slide at all)."""
    options = [
        replace(
            option,
            count=int(counts.get(option.id, 0)),
            right=option.right if revealed else False,
            feedback=option.feedback if revealed else "",
        )
        for option in slide.options
    ]
    if revealed:
        return replace(slide, options=options, revealed=True)
    return replace(slide, options=options, answer=[], explanation="", revealed=False)
