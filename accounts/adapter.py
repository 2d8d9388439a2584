from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.contrib.sites.requests import RequestSite
from django.utils.translation import gettext


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, mail_context):
        # Without django.contrib.sites allauth names the site after the request's host
        # ("Hello from 127.0.0.1:8000"); account e-mail should carry the product's name.
        site = RequestSite(context.request)
        site.name = gettext("Safe Online")
        super().send_mail(template_prefix, email, {**mail_context, "current_site": site})


def user_display(user) -> str:
    """How allauth's screens and e-mails name someone: the name they gave, not a username."""
    return user.get_display_name()
