from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth import user_logged_in
        from django.contrib.auth.models import update_last_login

        from .signals import update_last_login_with_consent

        # Django writes `last_login` on every sign-in; for a pupil that is a record of when the
        # child used the site, which is stored only with consent. Ours takes the place of Django's
        # under Django's own dispatch_uid, so that django.contrib.auth (ready after this app)
        # finds it taken and adds nothing.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(update_last_login_with_consent, dispatch_uid="update_last_login")
