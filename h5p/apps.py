from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class H5PConfig(AppConfig):
    name = "h5p"
    label = "h5p"
    verbose_name = _("H5P activities")

    def ready(self):
        from django.db.models.signals import post_delete

        from .models import H5PActivity
        from .receivers import release_package_of_deleted_activity

        post_delete.connect(release_package_of_deleted_activity, sender=H5PActivity, dispatch_uid="h5p.release_package")
