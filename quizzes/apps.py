from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")

    def ready(self):
        from django.db.models.signals import post_delete

        from .models import H5PActivity
        from .receivers import release_package_of_deleted_activity

        post_delete.connect(
            release_package_of_deleted_activity, sender=H5PActivity, dispatch_uid="quizzes.release_h5p_package"
        )
