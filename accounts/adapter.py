from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.conf import settings
from django.contrib.sites.requests import RequestSite
from django.shortcuts import resolve_url
from django.utils.translation import gettext

from .models import Role


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        """Where someone lands after signing in (or confirming their e-mail, which signs them in)
        with no page asked for: a teacher on their classes (`TEACHER_HOME_URL`), everyone else
        where allauth sends them."""
        user = request.user
        if user.is_authenticated and user.role == Role.TEACHER:
            return resolve_url(settings.TEACHER_HOME_URL)
        return super().get_login_redirect_url(request)

    def send_mail(self, template_prefix, email, mail_context):
        # Without django.contrib.sites allauth names the site after the request's host
        # ("Hello from 127.0.0.1:8000"); account e-mail should carry the product's name.
        site = RequestSite(context.request)
        site.name = gettext("Safe Online")
        super().send_mail(template_prefix, email, {**mail_context, "current_site": site})


def user_display(user) -> str:
    """How allauth's screens and e-mails name someone: the name they gave, not a username."""
    return user.get_display_name()
