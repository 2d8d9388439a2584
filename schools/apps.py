from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = _("Schools and classes")

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import pre_delete

        from .signals import forget_handled_talk_requests

        pre_delete.connect(
            forget_handled_talk_requests, sender=settings.AUTH_USER_MODEL, dispatch_uid="schools_forget_handled_talk"
        )
