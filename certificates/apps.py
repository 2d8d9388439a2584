"""Proof of completion: certificate templates, issuing, PDFs, verification and revocation."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        from progress.signals import step_completed

        from .receivers import issue_on_step_completed

        step_completed.connect(issue_on_step_completed, dispatch_uid="certificates.issue_on_step_completed")
