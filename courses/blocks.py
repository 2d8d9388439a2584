"""The small blocks a lesson is written with. Each renders with its own template under
`courses/templates/courses/blocks/`, works without JavaScript, and says in `description` what
it is for, so that editors pick the right one."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from .cache import site_entries

LESSON_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        label = _("Heading")
        template = "courses/blocks/heading.html"
        description = _("A short heading that starts a new part of the lesson.")
        preview_value = "Điều gì là riêng tư?"
        form_classname = "title"


class TextBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=LESSON_TEXT_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = "courses/blocks/text.html"
        description = _("Paragraphs and lists. Keep sentences short for young readers.")
        preview_value = "<p>Tên đầy đủ, địa chỉ nhà và trường học của em là thông tin riêng tư.</p>"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt = blocks.CharBlock(
        label=_("alternative text"),
        max_length=250,
        help_text=_("Say what the picture shows, for someone who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image.html"
        description = _("A picture with a text alternative. Never photos of real children.")


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("video address"), help_text=_("A link to the video, e.g. on YouTube."))
    title = blocks.CharBlock(label=_("title"), max_length=200)
    transcript = blocks.RichTextBlock(
        label=_("transcript"),
        features=LESSON_TEXT_FEATURES,
        help_text=_("Everything said and shown, for learners who cannot hear or play the video."),
    )

    class Meta:
        icon = "media"
        label = _("Video with transcript")
        template = "courses/blocks/video.html"
        description = _("An embedded video; the transcript is always shown below it.")


class TipBlock(blocks.TextBlock):
    class Meta:
        icon = "help"
        label = _("Tip")
        template = "courses/blocks/tip.html"
        description = _("One short piece of advice, set apart from the text.")
        preview_value = "Hỏi bố mẹ trước khi chia sẻ ảnh của em."


class KeyPointsBlock(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(blocks.CharBlock(label=_("point"), max_length=300), **kwargs)

    class Meta:
        icon = "list-ul"
        label = _("Key points")
        template = "courses/blocks/key_points.html"
        description = _("Three to five things to remember, as a boxed list.")


class ScenarioChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("choice"), max_length=300)
    feedback = blocks.TextBlock(label=_("feedback"), help_text=_("Why this choice is or is not a good idea."))
    recommended = blocks.BooleanBlock(label=_("the choice we recommend"), required=False)


class ScenarioBlock(blocks.StructBlock):
    situation = blocks.TextBlock(label=_("situation"))
    question = blocks.CharBlock(label=_("question"), max_length=250, default=_("What would you do?"))
    choices = blocks.ListBlock(ScenarioChoiceBlock(), label=_("choices"), min_num=2, max_num=5)

    class Meta:
        icon = "group"
        label = _("What would you do?")
        template = "courses/blocks/scenario.html"
        description = _("A situation with choices; each choice opens its feedback. Not scored.")


class HelplineCardBlock(blocks.StructBlock):
    message = blocks.CharBlock(
        label=_("message"),
        required=False,
        max_length=300,
        help_text=_("An optional line above the number. The number comes from the helpline setting."),
    )

    class Meta:
        icon = "mail"
        label = _("Helpline card")
        template = "courses/blocks/helpline.html"
        description = _("The child helpline's number, with a button to call it.")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        # The helpline setting belongs to the site shell, which registers it as a site-wide entry
        # of the content cache; the block reads it there, without naming the shell.
        request = (parent_context or {}).get("request")
        context["helpline"] = site_entries(request)["helpline"] if request is not None else None
        return context


class DiscussionBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("question for the class"))
    guidance = blocks.TextBlock(label=_("guidance for the teacher"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Class discussion")
        template = "courses/blocks/discussion.html"
        description = _("A question to talk about together in class, with notes for the teacher.")


class AppStepsBlock(blocks.StructBlock):
    app = blocks.CharBlock(label=_("app"), max_length=60)
    block = blocks.TextBlock(label=_("to block someone"))
    report = blocks.TextBlock(label=_("to report a message, a post or an account"))
    privacy = blocks.TextBlock(label=_("privacy settings"), required=False)


class AppGuideBlock(blocks.StructBlock):
    """Where the block, report and privacy buttons are in the apps learners use. Apps move their
    buttons: the box says when it was last reviewed, and says so plainly once that is a year ago."""

    checked_on = blocks.DateBlock(
        label=_("reviewed on"),
        help_text=_("When these steps were last checked against the apps. Check them on a phone every year."),
    )
    apps = blocks.ListBlock(AppStepsBlock(), label=_("apps"), min_num=1, max_num=8)

    class Meta:
        icon = "mobile-alt"
        label = _("Where the buttons are")
        template = "courses/blocks/app_guide.html"
        description = _(
            "Where to block, report and set privacy in the apps learners use, with the date it was checked."
        )

    def get_context(self, value, parent_context=None):
        from datetime import timedelta

        from django.utils import timezone

        context = super().get_context(value, parent_context=parent_context)
        checked = value.get("checked_on")
        context["out_of_date"] = bool(checked and timezone.localdate() - checked > timedelta(days=365))
        return context


class H5PActivityBlock(blocks.StructBlock):
    """An uploaded H5P activity, played inside the lesson. The lesson uses it only through
    `courses.activities.EmbeddedActivity`; the model is named once, as the chooser's target."""

    activity = SnippetChooserBlock("h5p.H5PActivity", label=_("H5P activity"))
    required = blocks.BooleanBlock(
        label=_("required to finish the lesson"),
        required=False,
        help_text=_(
            "The learner must complete it, at the pass mark, before “I've finished” counts. If the "
            "activity cannot be played on the site, it is not required."
        ),
    )
    pass_mark_percent = blocks.IntegerBlock(
        label=_("pass mark (%)"),
        min_value=0,
        max_value=100,
        default=0,
        help_text=_("0: completing the activity is enough."),
    )

    class Meta:
        icon = "pick"
        label = _("H5P activity")
        template = "courses/blocks/h5p_activity.html"
        description = _("An interactive H5P exercise uploaded under Snippets > H5P activities.")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        activity = value.get("activity")
        request = (parent_context or {}).get("request")
        page = (parent_context or {}).get("page")
        if activity is not None and request is not None and page is not None:
            # An EmbeddedActivity: it knows how its player is set up for this learner.
            context["player"] = activity.player(request=request, page=page)
            context["result"] = activity.result_for(request.user)
        return context


class LessonStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    text = TextBlock()
    image = ImageBlock()
    video = VideoBlock()
    tip = TipBlock()
    key_points = KeyPointsBlock()
    scenario = ScenarioBlock()
    helpline = HelplineCardBlock()
    discussion = DiscussionBlock()
    app_guide = AppGuideBlock()
    h5p_activity = H5PActivityBlock()


# --- The classroom kit (courses.kit): what a teacher prints for a lesson without pupil devices ---


class KitActivityBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("activity"), max_length=80, help_text=_("A short name, 2 to 6 words."))
    minutes = blocks.IntegerBlock(
        label=_("minutes (45-minute period)"),
        min_value=2,
        max_value=45,
        help_text=_("Whole minutes, at least 2; the activities add up to 45. The 35-minute plan is scaled from them."),
    )
    how = blocks.TextBlock(label=_("what the teacher does and says"), help_text=_("Two to four sentences."))

    class Meta:
        icon = "time"
        label = _("Activity")


class KitTaskBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("task"), help_text=_("Addressed to the pupil. Never asks for anything private."))
    choices = blocks.ListBlock(
        blocks.CharBlock(label=_("choice"), max_length=120),
        label=_("tick-box choices"),
        required=False,
        default=[],
        max_num=4,
        help_text=_("Optional: 2 to 4 choices to tick. Leave empty for lines to write on."),
    )
    draw = blocks.BooleanBlock(
        label=_("a box to draw in"), required=False, help_text=_("Good for ages 6-8, instead of lines to write on.")
    )

    class Meta:
        icon = "edit"
        label = _("Worksheet task")
