from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save
        from wagtail.images import get_image_model
        from wagtail.models import Locale, Page, PageViewRestriction, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from . import cache
        from .catalogue import catalogue_url
        from .pages import request_key, site_has_view_restrictions

        # Whatever learners read changes: nothing cached before may be used again.
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(cache.bump, dispatch_uid=f"courses.cache.{signal}")
        page_models = [model for model in apps.get_models() if issubclass(model, Page)]
        for model in [*page_models, PageViewRestriction, Site, Locale, get_image_model()]:
            for signal in (post_save, post_delete):
                signal.connect(cache.bump, sender=model, dispatch_uid=f"courses.cache.{signal}.{model._meta.label}")

        cache.register_site_entry(
            "view_restrictions", key=lambda request: "view-restrictions", build=site_has_view_restrictions
        )
        cache.register_site_entry(
            "catalogue_url", key=lambda request: f"catalogue-url:{request_key(request)}", build=catalogue_url
        )
