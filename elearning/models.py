"""The site shell's content: the home page of each language, and the helpline setting that the
"Need help?" button and the help page read on every request.

The helpline text is a setting rather than a page so that the button can never point at a
page an editor unpublished or moved; it carries both languages side by side because a setting
is not translated through wagtail-localize.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page, Site

from courses import cache as content_cache
from courses.pages import CachedPageMixin
from schools.selectors import pupil_modules

from . import helpline

HELP_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]

# The number goes into a tel: link on every page, so a typo must not get through.
phone_digits = RegexValidator(
    r"^[0-9]{3,15}$",
    _("Enter the number as it is dialled, with digits only (3 to 15), for example 111."),
)


class HomePage(CachedPageMixin, Page):
    """The front door of one language: who the site is for and where each of them starts."""

    intro = RichTextField(
        _("introduction"),
        features=HELP_TEXT_FEATURES,
        blank=True,
        help_text=_("One or two short paragraphs under the title."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if request.user.is_authenticated and request.user.is_pupil:
            context["modules"] = pupil_modules(pupil=request.user, request=request)
        context["cache_fragments"] = not getattr(request, "is_preview", False)
        return context

    subpage_types = ["courses.CourseIndexPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")


def _in_language(setting, field: str) -> str:
    """The value of `field` in the active language, falling back to Vietnamese when the
    English text has not been written yet."""
    language = (translation.get_language() or "vi").split("-")[0]
    value = getattr(setting, f"{field}_{language}", "")
    return value or getattr(setting, f"{field}_vi")


@register_setting(icon="help")
class HelplineSettings(BaseGenericSetting):
    phone_number = models.CharField(
        _("helpline number"),
        max_length=20,
        default=helpline.PHONE_NUMBER,
        validators=[phone_digits],
        help_text=_("Digits only, as dialled in Viet Nam. Shown on every page."),
    )
    emergency_number = models.CharField(
        _("emergency number"),
        max_length=20,
        default=helpline.EMERGENCY_NUMBER,
        validators=[phone_digits],
        help_text=_("For someone in danger right now (the police)."),
    )
    name_vi = models.CharField(_("helpline name (Vietnamese)"), max_length=120, default=helpline.NAME_VI)
    name_en = models.CharField(_("helpline name (English)"), max_length=120, blank=True, default=helpline.NAME_EN)
    availability_vi = models.CharField(
        _("when it answers (Vietnamese)"), max_length=200, default=helpline.AVAILABILITY_VI
    )
    availability_en = models.CharField(
        _("when it answers (English)"), max_length=200, blank=True, default=helpline.AVAILABILITY_EN
    )
    what_happens_vi = RichTextField(
        _("what happens when you call (Vietnamese)"), features=HELP_TEXT_FEATURES, default=helpline.WHAT_HAPPENS_VI
    )
    what_happens_en = RichTextField(
        _("what happens when you call (English)"),
        features=HELP_TEXT_FEATURES,
        blank=True,
        default=helpline.WHAT_HAPPENS_EN,
    )
    trusted_adult_vi = RichTextField(
        _("talking to a trusted adult (Vietnamese)"), features=HELP_TEXT_FEATURES, default=helpline.TRUSTED_ADULT_VI
    )
    trusted_adult_en = RichTextField(
        _("talking to a trusted adult (English)"),
        features=HELP_TEXT_FEATURES,
        blank=True,
        default=helpline.TRUSTED_ADULT_EN,
    )

    panels = [
        MultiFieldPanel([FieldPanel("phone_number"), FieldPanel("emergency_number")], heading=_("Numbers")),
        MultiFieldPanel(
            [
                FieldPanel("name_vi"),
                FieldPanel("availability_vi"),
                FieldPanel("what_happens_vi"),
                FieldPanel("trusted_adult_vi"),
            ],
            heading=_("Vietnamese"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("name_en"),
                FieldPanel("availability_en"),
                FieldPanel("what_happens_en"),
                FieldPanel("trusted_adult_en"),
            ],
            heading=_("English"),
        ),
    ]

    class Meta:
        verbose_name = _("child helpline")

    def __str__(self):
        return f"{self.name_vi} ({self.phone_number})"

    @classmethod
    def load(cls, request_or_site=None):
        """Wagtail keeps the setting on the request; the first read of a request comes from the
        content cache (with the page's other entries) rather than from the database."""
        if request_or_site is None or isinstance(request_or_site, Site):
            return super().load(request_or_site)
        attr = cls.get_cache_attr_name()
        if not hasattr(request_or_site, attr):
            setattr(request_or_site, attr, content_cache.site_entries(request_or_site)["helpline"])
        return getattr(request_or_site, attr)

    @classmethod
    def load_uncached(cls, request=None):
        return super().load(None)

    @property
    def name(self) -> str:
        return _in_language(self, "name")

    @property
    def availability(self) -> str:
        return _in_language(self, "availability")

    @property
    def what_happens(self) -> str:
        return _in_language(self, "what_happens")

    @property
    def trusted_adult(self) -> str:
        return _in_language(self, "trusted_adult")
