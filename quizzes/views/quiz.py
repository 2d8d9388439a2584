"""Taking a quiz (one form, one POST; works without JavaScript) and reading a result. Thin:
grading is in `quizzes.grading`, recording in `quizzes.services`."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import Page

from courses import cache as content_cache
from courses.models import LessonPage
from progress.services import ProgressNotRecorded

from .. import selectors, services
from ..grading import AnswerError, Grade, field_name, grade
from ..masking import Mask, RealIds, remask
from ..models import Phase
from ..questions import of as question_type
from ..review import outcomes, review, shuffled
from ..sent import StaleForm, key_of, layout, read_sent, read_token, sign_token


def _attempt_key(request, quiz, phase: str) -> str:
    """The key of the attempt the learner would make now. For a learner whose attempts are kept it
    is drawn from the site's secret, the learner, the quiz, the phase and how many attempts they
    have made: reloading the page shows the same questions, names and order until they send it,
    so no one reloads until a draw they like comes up. Anyone else gets a random key."""
    user = request.user
    if not (user.is_authenticated and user.may_store_learning_data):
        return uuid.uuid4().hex
    made = selectors.attempts_count(learner=user, quiz=quiz, phase=phase)
    seed = f"{user.pk}:{quiz.translation_key.hex}:{phase}:{made}"
    return uuid.UUID(hex=salted_hmac("quizzes.attempt-key", seed, algorithm="sha256").hexdigest()[:32]).hex


def _token(request, quiz, key: str, phase: str = Phase.QUIZ) -> str:
    return sign_token(user_pk=request.user.pk, quiz=quiz, key=key, phase=phase)


def _read_token(request, quiz, value: str, phase: str = Phase.QUIZ) -> dict:
    return read_token(quiz=quiz, value=value, user_pk=request.user.pk, phase=phase)


def _display(quiz, questions: list[dict], mask: Mask, posted=None) -> list[dict]:
    """Questions ready for this attempt's form (`mask`: its opaque names and orders, see
    `quizzes.masking`; each type draws its own part, `quizzes.questions`), the picture of each,
    and what the learner already chose (after an error: `posted`, in the same attempt's names)."""
    image_ids = [q["value"].get("picture", {}).get("image") for q in questions]
    images = get_image_model().objects.in_bulk([i for i in image_ids if i])
    items = []
    for number, q in enumerate(questions, 1):
        value, qid, kind = q["value"], q["id"], question_type(q["type"])
        picture = value.get("picture") or {}
        items.append(
            {
                "kind": kind.name,
                "template": kind.template,
                "number": number,
                "name": field_name(qid),
                # What the form shows of the question, never its keyed answers or feedback.
                "value": {key: value[key] for key in ("question", "situation", "statement") if key in value},
                "image": images.get(picture.get("image")),
                "alt": picture.get("alt", ""),
                "chosen": posted.getlist(field_name(qid)) if posted else [],
                **kind.display(qid, value, mask, posted),
            }
        )
    if quiz.shuffle_questions:
        items = shuffled(items, quiz.translation_key.hex)
    return items


def _page_context(request, quiz, course) -> dict:
    """What both the quiz and its result pages show around the quiz. A quiz of a module with
    sensitive lessons (grooming, sexual images) keeps their quick-exit button."""
    key = f"sensitive:{course.pk}"
    sensitive = content_cache.fetch(
        request, {key: lambda: LessonPage.objects.child_of(course).live().filter(sensitive=True).exists()}
    )[key]
    # The course's steps and addresses from its cached outline (courses.cache), not the tree.
    outline = course.outline(request)
    position = outline.position(quiz.pk)
    return {
        "page": quiz,
        "self": quiz,
        "course": course,
        "outline": outline,
        "position": position,
        "quiz_url": outline.steps[position].url if position is not None else quiz.url,
        "for_children": course.audience == "pupil",
        "sensitive": sensitive,
        "quick_exit_url": settings.QUICK_EXIT_URL,
    }


def _quiz_context(request, quiz, course) -> dict:
    context = _page_context(request, quiz, course)
    return {
        **context,
        "step_total": len(context["outline"].steps),
        "step_number": (context["position"] or 0) + 1,
        "saves": request.user.is_authenticated and request.user.may_store_learning_data,
    }


def take_quiz(request, quiz):
    course = quiz.course_for(request)
    denied = course.check_access(request)
    if denied:
        return denied
    bank = services.questions_of(quiz)
    context = _quiz_context(request, quiz, course)
    if course.issues_certificate and not context["saves"]:
        # An assessment that leads to a certificate is taken with an account: its results are
        # never shown to a visitor, who could otherwise send one form again and again to work
        # out its answers from the score per lesson.
        context.update(_rules(quiz, bank, course), sign_in_needed=True)
        return TemplateResponse(request, "quizzes/quiz_page.html", context)
    if request.method == "POST":
        received = _receive(request, quiz, context, Phase.QUIZ)
        if isinstance(received, TemplateResponse):
            return received
        token, questions, mask, answers = received
        key = token["key"]
        if context["saves"]:
            try:
                attempt, _created = services.attempt_submit(
                    learner=request.user,
                    quiz=quiz,
                    submission_key=uuid.UUID(key),
                    answers=answers,
                    layout=layout(questions, mask),
                    started_at=datetime.fromisoformat(token["started"]),
                )
            except services.AttemptsUsedUp:
                messages.error(request, _("You have used every attempt this quiz allows."))
                return redirect(course.url)
            except services.CoolingDown as wait:
                messages.error(request, _wait_message(quiz, wait.until))
                return redirect(context["quiz_url"])
            except AnswerError as error:  # a key already used for another quiz or phase
                messages.error(request, " ".join(error.messages))
                return redirect(context["quiz_url"])
            except ProgressNotRecorded:
                pass
            else:
                return redirect(_result_url(context["quiz_url"], quiz, attempt))
        # Not recorded: show the result straight away; nothing is kept.
        result = grade(questions, answers)
        context.update(_result_context(request, quiz, course, questions, answers, result, quiz.pass_mark_percent))
        if not context["keeps_answers"]:
            context["review"] = review(questions, answers, result, layout(questions, mask))
        return TemplateResponse(request, "quizzes/quiz_result.html", context)

    context.update(_rules(quiz, bank, course))
    context["attempts"] = [
        (attempt, _result_url(context["quiz_url"], quiz, attempt))
        for attempt in selectors.attempts_of(learner=request.user, quiz=quiz)
    ]
    until = selectors.cooldown_until(learner=request.user, quiz=quiz) if context["saves"] else None
    if until is not None:
        context["wait_message"] = _wait_message(quiz, until)
        return TemplateResponse(request, "quizzes/quiz_page.html", context)
    # Each attempt's form is its own (its questions drawn from the bank, opaque names, its own
    # order: quizzes.bank, quizzes.masking), so it is drawn for every reader, never kept as a
    # shared fragment.
    key = _attempt_key(request, quiz, Phase.QUIZ)
    token = _token(request, quiz, key)
    questions = services.questions_of(quiz, key=key)
    context.update(
        questions=_display(quiz, questions, Mask(key)),
        question_count=len(questions),
        token=token,
        content_version=content_cache.version(request),
    )
    return TemplateResponse(request, "quizzes/quiz_page.html", context)


def _receive(request, quiz, context, phase: str):
    """A sent form read: (token, questions, mask, answers); or, when it cannot be taken as it is,
    the form again (a TemplateResponse) with what was wrong and, where its names can be read,
    the answers given."""
    sent = request.POST.get("token", "")
    try:
        token = _read_token(request, quiz, sent, phase)
    except (StaleForm, AnswerError) as error:
        key = _attempt_key(request, quiz, phase)
        questions = services.questions_of(quiz, key=key, phase=phase)
        kept = None
        if isinstance(error, StaleForm):
            # The learner's answers to the questions both forms ask, in the new form's names.
            sent_under = Mask(error.key) if error.key is not None else RealIds()
            kept = remask(questions, request.POST, sent_under, Mask(key))
        return _form_error(request, quiz, questions, context, error, _token(request, quiz, key, phase), kept)
    questions = services.questions_of(quiz, key=token["key"], phase=phase)
    mask = Mask(token["key"])
    try:
        answers = read_sent(questions, request.POST, mask)
    except AnswerError as error:
        return _form_error(request, quiz, questions, context, error, sent, request.POST)
    return token, questions, mask, answers


def _rules(quiz, bank: list[dict], course) -> dict:
    """What the page says of the quiz's rules, from its settings, so that it is always exact."""
    per_attempt = quiz.questions_per_attempt
    return {
        "rules": {
            "asked": per_attempt if 0 < per_attempt < len(bank) else len(bank),
            "bank": len(bank),
            "pass_mark": quiz.pass_mark_percent,
            "attempts_allowed": quiz.attempts_allowed,
            "wait_after": quiz.cooldown_after_failures,
            "wait_hours": quiz.cooldown_hours,
            "keeps_answers": course.issues_certificate,
        }
    }


def _wait_message(quiz, until) -> str:
    return _(
        "%(count)s attempts in a row have not passed. Read the lessons again; the quiz opens again from %(time)s."
    ) % {
        "count": quiz.cooldown_after_failures,
        "time": formats.date_format(timezone.localtime(until), "DATETIME_FORMAT"),
    }


def _result_url(quiz_url: str, quiz, attempt) -> str:
    return quiz_url + quiz.reverse_subpage("result", kwargs={"attempt_id": attempt.pk})


def _form_error(request, quiz, questions, context, error: AnswerError, token: str, posted):
    """The form again, with what was wrong and every answer the learner gave kept (`posted`, in
    the names of `token`'s attempt)."""
    context.update(
        errors=error.messages,
        questions=_display(quiz, questions, Mask(key_of(token)), posted),
        question_count=len(questions),
        token=token,
        content_version=content_cache.version(request),
    )
    if context.get("precheck"):
        context["rules"] = {"asked": len(questions)}
    else:
        context.update(_rules(quiz, services.questions_of(quiz), context["course"]))
    return TemplateResponse(request, "quizzes/quiz_page.html", context, status=400)


def _outcome_rows(outline, questions, result, pass_mark: int) -> list[dict]:
    """The score per learning outcome, each named by the lesson that teaches it (in the reader's
    language, from the course's cached outline) with a link back to it when below the pass mark."""
    scores = outcomes(questions, result)
    ids = [score.lesson_id for score in scores if score.lesson_id]
    keys = {pk: str(key) for pk, key in Page.objects.filter(pk__in=ids).values_list("pk", "translation_key")}
    steps = {step.translation_key: step for step in outline.steps}
    rows = []
    for score in scores:
        step = steps.get(keys.get(score.lesson_id))
        rows.append(
            {
                "title": step.title if step else _("Other questions"),
                "url": step.url if step else "",
                "questions": score.questions,
                "percent": score.percent,
                "revisit": score.percent < pass_mark,
            }
        )
    return rows


def _result_context(request, quiz, course, questions, answers, result: Grade, pass_mark: int) -> dict:
    """A quiz that leads to a certificate never shows its keyed answers: only the score per
    learning outcome and the lessons to revisit. Other quizzes review every question."""
    keeps = course.issues_certificate
    context = {
        "result": result,
        "passed": result.percent >= pass_mark,
        "pass_mark": pass_mark,
        "keeps_answers": keeps,
    }
    if keeps:
        context["outcomes"] = _outcome_rows(course.outline(request), questions, result, pass_mark)
    return context


def attempt_result(request, quiz, attempt_id: int):
    course = quiz.course_for(request)
    denied = course.check_access(request)
    if denied:
        return denied
    attempt = selectors.attempt_for_learner(learner=request.user, quiz=quiz, attempt_id=attempt_id)
    # Graded again from the attempt's own snapshot: the same score, whatever became of the quiz.
    result = grade(attempt.questions, attempt.answers)
    context = _page_context(request, quiz, course)
    context.update(
        _result_context(request, quiz, course, attempt.questions, attempt.answers, result, attempt.pass_mark_percent)
    )
    if not context["keeps_answers"]:
        context["review"] = review(attempt.questions, attempt.answers, result, attempt.layout)
    context["attempt"] = attempt
    return TemplateResponse(request, "quizzes/quiz_result.html", context)


def take_precheck(request, quiz):
    """The optional check before the lessons: one question per lesson, drawn from the quiz's
    questions, answered once. It shows how many were right and sends the learner to the lessons,
    never which answers were right (the quiz after the lessons asks about the same lessons)."""
    if not quiz.offers_precheck:
        raise Http404
    course = quiz.course_for(request)
    denied = course.check_access(request)
    if denied:
        return denied
    context = _quiz_context(request, quiz, course)
    context.update(precheck=True, precheck_url=context["quiz_url"] + quiz.reverse_subpage("precheck"))
    done = selectors.precheck_of(learner=request.user, quiz=quiz)
    if done is not None or (context["saves"] and not selectors.precheck_open(learner=request.user, quiz=quiz)):
        # Answered already; or the lessons or the quiz were started: it is no longer "before".
        context["done"] = done
        return TemplateResponse(request, "quizzes/precheck_done.html", context)
    if request.method == "POST":
        received = _receive(request, quiz, context, Phase.BEFORE)
        if isinstance(received, TemplateResponse):
            return received
        token, questions, mask, answers = received
        result = grade(questions, answers)
        if context["saves"]:
            try:
                attempt, created = services.attempt_submit(
                    learner=request.user,
                    quiz=quiz,
                    submission_key=uuid.UUID(token["key"]),
                    answers=answers,
                    layout=layout(questions, mask),
                    started_at=datetime.fromisoformat(token["started"]),
                    phase=Phase.BEFORE,
                )
            except (services.PrecheckClosed, ProgressNotRecorded, AnswerError):
                # The lessons were started meanwhile (another tab), or consent was withdrawn.
                return TemplateResponse(request, "quizzes/precheck_done.html", context)
            if not created:  # answered before: what was recorded stands
                context["done"] = attempt
                return TemplateResponse(request, "quizzes/precheck_done.html", context)
        context.update(result=result, right=sum(1 for answer in result.answers if answer.correct))
        return TemplateResponse(request, "quizzes/precheck_done.html", context)
    key = _attempt_key(request, quiz, Phase.BEFORE)
    token = _token(request, quiz, key, Phase.BEFORE)
    questions = services.questions_of(quiz, key=key, phase=Phase.BEFORE)
    context.update(
        questions=_display(quiz, questions, Mask(key)),
        question_count=len(questions),
        token=token,
        content_version=content_cache.version(request),
        rules={"asked": len(questions)},
    )
    return TemplateResponse(request, "quizzes/quiz_page.html", context)
