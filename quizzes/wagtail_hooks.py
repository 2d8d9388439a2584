"""What quizzes add to pages of the apps below: the offer of a check before the lessons on a
course page (`courses.models.COURSE_NOTICES_HOOK`)."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from wagtail import hooks

from courses.models import COURSE_NOTICES_HOOK, Audience

from . import selectors
from .models import QuizPage


@hooks.register(COURSE_NOTICES_HOOK)
def precheck_notice(course, request, progress):
    """Offered to a learner whose answers are kept, who has not started the course and has not
    answered the check yet: two queries, for them only."""
    user = request.user
    if not (user.is_authenticated and user.may_store_learning_data) or progress.started:
        return None
    quiz = QuizPage.objects.child_of(course).live().filter(offers_precheck=True).only("pk", "translation_key").first()
    if quiz is None or selectors.precheck_of(learner=user, quiz=quiz) is not None:
        return None
    step = next((step for step in course.outline(request).steps if step.pk == quiz.pk), None)
    if step is None:
        return None
    child = course.audience == Audience.PUPIL
    return {
        "title": pgettext("to a child", "Before you start") if child else _("Before you start"),
        "text": pgettext(
            "to a child", "Want to see what you already know? One question for each lesson; it does not count."
        )
        if child
        else _("See what you already know: one question for each lesson. It does not count."),
        "url": step.url + quiz.reverse_subpage("precheck"),
        "label": pgettext("to a child", "Try the questions") if child else _("Try the questions"),
    }
