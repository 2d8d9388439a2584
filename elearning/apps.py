from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElearningConfig(AppConfig):
    name = "elearning"
    verbose_name = _("Site")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from courses import cache

        from .models import HelplineSettings

        # The helpline is on every page: read with the page's other cached entries, replaced when
        # an editor saves it.
        cache.register_site_entry("helpline", key=lambda request: "helpline", build=HelplineSettings.load_uncached)
        post_save.connect(_helpline_saved, sender=HelplineSettings, dispatch_uid="elearning.helpline.saved")
        post_delete.connect(cache.bump, sender=HelplineSettings, dispatch_uid="elearning.helpline.deleted")

        # The certificates' admin lists holders by school: the two are sibling apps, so the shell
        # that sits above both joins them.
        from certificates.views.admin import HOLDER_FILTERS

        from .admin_filters import holder_school_filter

        HOLDER_FILTERS["school"] = holder_school_filter


def _helpline_saved(sender, created=False, **kwargs):
    # The row is created, with the defaults, by the first read: nothing shown changes then.
    if not created:
        from courses import cache

        cache.bump()
