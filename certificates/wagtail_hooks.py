from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import ModelLogEntry
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Certificate, CertificateTemplate
from .views.admin import admin_urls, certificate_viewset


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = _("Certificate templates")
    list_display = ["name", "course", "title", "locale"]


register_snippet(CertificateTemplateViewSet)


@hooks.register("register_admin_viewset")
def register_certificate_viewset():
    return certificate_viewset


@hooks.register("register_admin_urls")
def register_certificate_admin_urls():
    return [path("certificates-admin/", include((admin_urls, "certificates_admin")))]


@hooks.register("register_log_actions")
def register_revocation_in_the_audit_log(actions):
    actions.register_model(Certificate, ModelLogEntry)
    actions.register_action("certificates.revoke", _("Certificate revoked"), _("Certificate revoked"))
