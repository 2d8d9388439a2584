"""What there is to learn: the catalogue, courses, lessons and their content blocks.

The tree is `CourseIndexPage` (the catalogue of one language) -> `CoursePage` (a module or a
training course, for one audience and, for pupils, one age band) -> `LessonPage` (and, from the
quizzes app, `QuizPage`). Lessons and quizzes are progress steps (`progress.steps`), so a course
is complete when all of them are. Vietnamese pages are the source; English pages are their
wagtail-localize translations.

Pupil and caregiver courses are open to everyone; teacher and frontline training needs an
adult account, because it discusses abuse in professional detail.

A pupil module also carries its classroom kit (the `kit_*` fields, edited in the "Classroom kit"
tab): timed activities, materials, differentiation, worksheet tasks and the family's take-home
text, which `courses.kit` prints with the module's objectives and its lessons' discussion blocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks, hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.fields import StreamField
from wagtail.models import Page, get_page_models
from wagtail.search import index

from progress import selectors as progress_selectors
from progress import services as progress_services
from progress.steps import ProgressStep

from . import cache as content_cache
from .blocks import KitActivityBlock, KitTaskBlock, LessonStreamBlock
from .folding import fold
from .outline import CourseOutline, build_outline
from .pages import CachedPageMixin, request_key


class Audience(models.TextChoices):
    PUPIL = "pupil", _("Children and young people")
    CAREGIVER = "caregiver", _("Parents and caregivers")
    TEACHER = "teacher", _("Teachers")
    FRONTLINE = "frontline", _("Social and frontline workers")


# Training that discusses abuse in professional detail is for signed-in adults only.
ADULT_ONLY_AUDIENCES = {Audience.TEACHER, Audience.FRONTLINE}


class AgeBand(models.TextChoices):
    AGES_6_8 = "6-8", _("Ages 6-8")
    AGES_9_11 = "9-11", _("Ages 9-11")
    AGES_12_14 = "12-14", _("Ages 12-14")
    AGES_15_17 = "15-17", _("Ages 15-17")


class TopicCode(models.TextChoices):
    PRIVACY = "privacy", _("Privacy and personal information")
    SCREEN_TIME = "screen_time", _("Screen and gaming time")
    REPORTING = "reporting", _("Reporting and getting help")
    CYBERBULLYING = "cyberbullying", _("Cyberbullying")
    GROOMING = "grooming", _("Grooming and contact from strangers")
    IMAGE_SHARING = "image_sharing", _("Image sharing and sexting")
    SCAMS = "scams", _("Scams and false content")
    WELLBEING = "wellbeing", _("Wellbeing")


class Topic(models.Model):
    """One of the fixed topics a course can cover; the rows are made by a migration and the
    names are translated in the message catalog, so they are the same in every language."""

    code = models.CharField(_("code"), max_length=32, choices=TopicCode.choices, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return str(self.get_code_display())


class CourseIndexPage(CachedPageMixin, Page):
    """The catalogue: every course of its language, filtered by audience, age and topic."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    # Its parent, the site's home page, names it among its subpages (elearning.HomePage): the
    # catalogue goes under a site's home page and nowhere else, never at the root of the tree.
    subpage_types = ["courses.CoursePage"]
    max_count_per_parent = 1

    @classmethod
    def can_exist_under(cls, parent):
        return parent.depth > 1 and super().can_exist_under(parent)

    @classmethod
    def allowed_parent_page_models(cls):
        # Not the tree's root type, which the admin's choosers would otherwise offer.
        return [model for model in super().allowed_parent_page_models() if model is not Page]

    class Meta:
        verbose_name = _("course catalogue")
        verbose_name_plural = _("course catalogues")

    def cached_entries(self, request):
        from .catalogue import listing_entries  # the catalogue's queries live beside its form

        return {**super().cached_entries(request), **listing_entries(self, request)}

    def get_context(self, request, *args, **kwargs):
        from .catalogue import catalogue_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue_context(self, request))
        return context


#: Wagtail hook: `fn(course, request, progress) -> dict | None`, a notice for the course page with
#: `title`, `text`, `url` and `label` (a link).
COURSE_NOTICES_HOOK = "course_page_notices"


class CoursePage(CachedPageMixin, Page):
    """A module for pupils of one age band, or a course for caregivers, teachers or frontline
    workers; its children are its steps, in order."""

    summary = models.TextField(_("summary"), max_length=400, help_text=_("One or two sentences for the catalogue."))
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices, db_index=True)
    age_band = models.CharField(
        _("age band"),
        max_length=8,
        choices=AgeBand.choices,
        blank=True,
        db_index=True,
        help_text=_("For courses for children only."),
    )
    topics = ParentalManyToManyField(Topic, verbose_name=_("topics"), related_name="courses", blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=20)
    objectives = StreamField(
        [("objective", blocks.CharBlock(label=_("objective"), max_length=300))],
        verbose_name=_("learning objectives"),
        blank=True,
        help_text=_("What a learner can do afterwards, one per line."),
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issues_certificate = models.BooleanField(
        _("issues a certificate"),
        default=False,
        help_text=_("Adult courses only: a certificate when every step is complete and every quiz passed."),
    )
    certificate_minimum_minutes = models.PositiveSmallIntegerField(
        _("minimum time for the certificate (minutes)"),
        default=0,
        help_text=_("0 for none. Counted from the learner's first finished lesson, even if they finish sooner."),
    )
    certificate_valid_years = models.PositiveSmallIntegerField(
        _("certificate valid for (years)"),
        default=0,
        help_text=_("0 if it never expires; otherwise learners take a refresher after this many years."),
    )
    editor_notes = models.TextField(
        _("notes for editors"), blank=True, help_text=_("Sources and remarks; never shown to learners.")
    )
    # The classroom kit (courses.kit), for pupil modules only: what the printed lesson plan,
    # worksheet and family page hold beyond the objectives and the lessons' discussion blocks.
    kit_activities = StreamField(
        [("activity", KitActivityBlock())],
        verbose_name=_("activities"),
        blank=True,
        help_text=_("4 to 7 activities in the lessons' order, timed for a 45-minute period: they add up to 45."),
    )
    kit_materials = StreamField(
        [("material", blocks.CharBlock(label=_("material"), max_length=200))],
        verbose_name=_("materials"),
        blank=True,
        help_text=_("What to prepare: a projector or TV, printed worksheets..."),
    )
    kit_younger = models.TextField(_("for younger or less confident pupils"), blank=True)
    kit_older = models.TextField(_("for older or faster pupils"), blank=True)
    kit_disclosure = models.TextField(
        _("if a child discloses harm: what this module adds"),
        blank=True,
        help_text=_("Optional. Every plan already says what to do if a child discloses harm."),
    )
    kit_worksheet = StreamField(
        [("task", KitTaskBlock())],
        verbose_name=_("worksheet tasks"),
        blank=True,
        help_text=_("3 to 5 tasks on the lessons' scenarios and steps, never on a pupil's own experience."),
    )
    kit_family_learned = models.TextField(
        _("what we learned (to the family)"), blank=True, help_text=_("Two or three sentences to the family.")
    )
    kit_at_home = StreamField(
        [("thing", blocks.CharBlock(label=_("thing to do at home"), max_length=300))],
        verbose_name=_("three things to do at home this week"),
        blank=True,
        help_text=_("Exactly three, one sentence each, doable without special skills."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("audience"), FieldPanel("age_band"), FieldPanel("estimated_minutes")]),
        FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
        FieldPanel("objectives"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                FieldPanel("issues_certificate"),
                FieldRowPanel([FieldPanel("certificate_minimum_minutes"), FieldPanel("certificate_valid_years")]),
            ],
            heading=_("Certificate"),
        ),
        FieldPanel("editor_notes"),
    ]
    kit_panels = [
        FieldPanel("kit_activities"),
        FieldPanel("kit_materials"),
        FieldRowPanel([FieldPanel("kit_younger"), FieldPanel("kit_older")], heading=_("Differentiation")),
        FieldPanel("kit_disclosure"),
        FieldPanel("kit_worksheet"),
        MultiFieldPanel([FieldPanel("kit_family_learned"), FieldPanel("kit_at_home")], heading=_("For families")),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(
                kit_panels,
                heading=_("Classroom kit"),
                help_text=_(
                    "Children's modules only: the printed lesson plan, worksheet and take-home page for families."
                ),
            ),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("objectives"),
        index.SearchField("folded_text"),
        index.FilterField("audience"),
        index.FilterField("age_band"),
        index.FilterField("locale_id"),
    ]

    parent_page_types = ["courses.CourseIndexPage"]

    @classmethod
    def clean_subpage_models(cls):
        """A course's children are its steps: its lessons, and the quiz that `quizzes` (an app
        above this one) adds. Any page type that is a progress step and names a course as its
        parent (Wagtail keeps only those), without this app naming the apps above it."""
        return [model for model in get_page_models() if issubclass(model, ProgressStep)]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def clean(self):
        super().clean()
        errors = {}
        if self.audience == Audience.PUPIL and not self.age_band:
            errors["age_band"] = _("Choose the age band this course is written for.")
        if self.audience and self.audience != Audience.PUPIL and self.age_band:
            errors["age_band"] = _("Only courses for children have an age band; leave it empty.")
        if self.audience == Audience.PUPIL and self.issues_certificate:
            errors["issues_certificate"] = _("Certificates are for adult courses; untick this for a children's course.")
        errors.update(self._kit_errors())
        if errors:
            raise ValidationError(errors)

    def _kit_errors(self) -> dict:
        from .kit import AT_HOME_COUNT, MAX_KIT_ACTIVITIES, PERIOD_MINUTES, choices_of  # the kit's rules

        errors = {}
        if self.audience != Audience.PUPIL:
            return errors  # kept, but never offered: the kit is for children's modules (`has_kit`)
        minutes = [block.value["minutes"] or 0 for block in self.kit_activities]
        if len(minutes) > MAX_KIT_ACTIVITIES:
            errors["kit_activities"] = _(
                "A plan has at most %(most)s activities (now %(count)s): join some, so that the 35-minute plan "
                "can still give each one 2 minutes."
            ) % {"most": MAX_KIT_ACTIVITIES, "count": len(minutes)}
        elif minutes and min(minutes) < 2:
            errors["kit_activities"] = _("Give every activity at least 2 minutes.")
        elif minutes and sum(minutes) != PERIOD_MINUTES:
            errors["kit_activities"] = _(
                "The activities add up to %(total)s minutes; make them add up to exactly 45 (the 35-minute plan "
                "is scaled from them)."
            ) % {"total": sum(minutes)}
        if self.kit_at_home and len(self.kit_at_home) != AT_HOME_COUNT:
            errors["kit_at_home"] = _("Write exactly three things to do at home (now %(count)s).") % {
                "count": len(self.kit_at_home)
            }
        if any(len(choices_of(block.value)) == 1 for block in self.kit_worksheet):
            errors["kit_worksheet"] = _("A task with tick boxes needs 2 to 4 choices; add a choice or remove it.")
        return errors

    def folded_text(self) -> str:
        """Title, summary and objectives without diacritics, for searches typed without them."""
        objectives = self.objectives.stream_block.get_searchable_content(self.objectives)
        return fold(" ".join([self.title, self.summary, *objectives]))

    @property
    def has_kit(self) -> bool:
        """A pupil module whose classroom kit is written (its family text is the last part the
        curriculum check requires); read without loading a stream field."""
        return self.audience == Audience.PUPIL and bool(self.kit_family_learned.strip())

    @property
    def needs_adult_account(self) -> bool:
        return self.audience in ADULT_ONLY_AUDIENCES

    @property
    def audience_label(self) -> str:
        label = self.get_audience_display()
        return f"{label} · {self.get_age_band_display()}" if self.age_band else label

    def check_access(self, request) -> HttpResponseRedirect | None:
        """None if the visitor may read this course; else where to send them. A pupil is refused."""
        if not self.needs_adult_account:
            return None
        user = request.user
        if not user.is_authenticated:
            messages.info(request, gettext("This course is for adults working with children. Log in to read it."))
            return redirect_to_login(request.get_full_path())
        if user.is_pupil:
            raise PermissionDenied(gettext("This course is for adults."))
        return None

    def serve(self, request, *args, **kwargs):
        return self.check_access(request) or super().serve(request, *args, **kwargs)

    def _outline_entry(self, request) -> dict:
        return {f"outline:{self.pk}:{request_key(request)}": lambda: build_outline(self, request)}

    def outline(self, request) -> CourseOutline:
        """The course's live steps as links, with its and its catalogue's addresses (cached)."""
        return next(iter(content_cache.fetch(request, self._outline_entry(request)).values()))

    def cached_entries(self, request):
        return {**super().cached_entries(request), **self._outline_entry(request)}

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["progress"] = progress_selectors.steps_progress(learner=request.user, steps=self.outline(request).steps)
        context["cache_fragments"] = not getattr(request, "is_preview", False)
        context["pupil_login_url"] = resolve_url(settings.PUPIL_LOGIN_URL)
        # What the apps above offer on a course page (the check before the lessons, from
        # `quizzes`), through a Wagtail hook rather than by naming them.
        context["course_notices"] = [
            notice
            for notice in (fn(self, request, context["progress"]) for fn in hooks.get_hooks(COURSE_NOTICES_HOOK))
            if notice
        ]
        return context


# Blocks that show something of the learner's own (an H5P activity: their result and saved
# state), so never inside a cached fragment.
PER_LEARNER_BLOCKS = frozenset({"h5p_activity"})


@dataclass
class BodySegment:
    """A run of a lesson's blocks: either blocks that read the same for everyone (cached as one
    fragment) or one block made for each learner."""

    body: object
    indices: range
    per_learner: bool

    @cached_property
    def blocks(self) -> list:
        # Only on a cache miss: reading a block converts the stream (images are fetched then).
        return [self.body[i] for i in self.indices]


def course_of(step: Page, request) -> CoursePage:
    """The course a step (a lesson, a quiz) is in, in one query (get_parent().specific takes two);
    while serving a live step, this process's copy under the content version (courses.cache),
    with none. Remembered on the step, as Wagtail's own get_parent does."""
    parent = getattr(step, "_cached_parent_obj", None)
    if not isinstance(parent, CoursePage):
        path = step.path[: -step.steplen]
        if request is not None and step.live and not getattr(request, "is_preview", False):
            parent = content_cache.process_copy(
                request, f"course-object:{path}", lambda: CoursePage.objects.get(path=path)
            )
        else:
            parent = CoursePage.objects.get(path=path)
        step._cached_parent_obj = parent
    return parent


class LessonPage(CachedPageMixin, ProgressStep, Page):
    """One lesson: a few minutes of reading, pictures and "what would you do?" choices. The
    learner presses "I've finished" at the end to complete it."""

    summary = models.CharField(_("summary"), max_length=300, blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=5)
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Adds a quick-exit button, for lessons on grooming, sexual images and abuse."),
    )
    body = StreamField(LessonStreamBlock(), verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("estimated_minutes"), FieldPanel("sensitive")]),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("folded_text"),
        index.FilterField("locale_id"),
    ]

    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @property
    def course(self) -> CoursePage:
        return self.course_for(None)

    def course_for(self, request) -> CoursePage:
        return course_of(self, request)

    def serve(self, request, *args, **kwargs):
        course = self.course_for(request)
        denied = course.check_access(request)
        if denied:
            return denied
        if request.method == "POST":
            return self._finish(request, course)
        return super().serve(request, *args, course=course, **kwargs)

    def cached_entries(self, request):
        course = self.course_for(request)
        return {**super().cached_entries(request), **course._outline_entry(request)}

    def body_segments(self) -> list[BodySegment]:
        """The body cut around the blocks made for each learner, read without converting it."""
        segments, start = [], 0
        raw = list(self.body.raw_data)
        for i, block in enumerate(raw):
            if block["type"] in PER_LEARNER_BLOCKS:
                if start < i:
                    segments.append(BodySegment(self.body, range(start, i), per_learner=False))
                segments.append(BodySegment(self.body, range(i, i + 1), per_learner=True))
                start = i + 1
        if start < len(raw):
            segments.append(BodySegment(self.body, range(start, len(raw)), per_learner=False))
        return segments

    def embedded_h5p_activity_ids(self) -> set[int]:
        """The H5P activities this lesson's body embeds, read without loading them."""
        return {
            block["value"]["activity"]
            for block in self.body.raw_data
            if block["type"] == "h5p_activity" and isinstance(block["value"].get("activity"), int)
        }

    def refuses_h5p_player(self, request) -> bool:
        """Whoever may read the lesson may play its activities (`h5p.hosts.ActivityHost`)."""
        return self.course.check_access(request) is not None

    def unmet_activities(self, learner, *, skipped=()) -> list:
        """The required H5P activities the learner has not yet completed at their pass mark. An
        activity is never required when its package cannot be played on the site, nor when the
        learner's browser could not play it (`skipped`: the activity ids the player reported as
        unavailable, or "all" without JavaScript): an activity never blocks a lesson. Like its
        score, that report comes from the browser; a requirement is a step of the lesson, not an
        examination (certificates rest on quizzes graded here)."""
        if "all" in skipped:
            return []
        unmet = []
        for block in self.body:
            if block.block_type != "h5p_activity" or not block.value["required"]:
                continue
            activity = block.value["activity"]
            if activity is None or str(activity.pk) in skipped or not activity.is_playable():
                continue
            if not activity.passed_by(learner, pass_mark_percent=block.value["pass_mark_percent"]):
                unmet.append(activity)
        return unmet

    def _finish(self, request, course: CoursePage):
        """The "I've finished" form: record the step once, then go on to the next step."""
        child = course.audience == Audience.PUPIL
        if request.user.is_authenticated and request.user.may_store_learning_data:
            unmet = self.unmet_activities(request.user, skipped=request.POST.getlist("h5p_skipped"))
            if unmet:
                names = ", ".join(f"“{activity.title}”" for activity in unmet)
                messages.warning(
                    request,
                    (
                        pgettext("to a child", "First finish the activity %(names)s, then press the button again.")
                        if child
                        else gettext("First complete the activity %(names)s at its pass mark, then finish the lesson.")
                    )
                    % {"names": names},
                )
                return redirect(self.url)
        try:
            _record, newly = progress_services.step_complete(learner=request.user, page=self)
        except progress_services.ProgressNotRecorded:
            if request.user.is_authenticated:
                messages.info(
                    request,
                    gettext("Your progress cannot be saved yet: your teacher first records your family's consent."),
                )
            elif child:
                messages.info(request, pgettext("to a child", "You are not signed in, so your progress is not saved."))
            else:
                messages.info(request, gettext("Nothing is saved without an account. Log in to keep your progress."))
            return redirect(self.url)
        progress = progress_selectors.container_progress(learner=request.user, container=course)
        if progress.is_complete:
            messages.success(
                request,
                pgettext("to a child", "Well done! You have finished every lesson of this module.")
                if child
                else gettext("Well done! You have finished every step of this course."),
            )
            return redirect(course.url)
        if newly:
            messages.success(
                request,
                pgettext("to a child", "Lesson finished. Your progress is saved.")
                if child
                else gettext("Lesson complete. Your progress is saved."),
            )
        following = progress.next_step
        return redirect(following.url if following else course.url)

    def folded_text(self) -> str:
        """Title, summary and body without diacritics, for searches typed without them."""
        body = self.body.stream_block.get_searchable_content(self.body)
        return fold(" ".join([self.title, self.summary, *body]))

    def get_context(self, request, *args, course=None, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        course = course or self.course
        outline = course.outline(request)
        steps = outline.steps
        position = outline.position(self.pk)
        context.update(
            course=course,
            outline=outline,
            step_count=len(steps),
            step_number=(position or 0) + 1,
            previous_step=steps[position - 1] if position else None,
            next_step=steps[position + 1] if position is not None and position + 1 < len(steps) else None,
            # A step that is not live (a preview) is never complete, as in the course's progress.
            completed=position is not None and progress_selectors.step_is_complete(learner=request.user, page=self),
            for_children=course.audience == Audience.PUPIL,
            # Pupils sign in with their class code, not the adults' e-mail form.
            pupil_login_url=resolve_url(settings.PUPIL_LOGIN_URL),
            quick_exit_url=settings.QUICK_EXIT_URL,
            cache_fragments=not getattr(request, "is_preview", False),
        )
        return context
