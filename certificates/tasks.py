"""Background work of certificates: rendering a PDF once, and building ZIP exports. Immediate
in development, RQ workers at scale; arguments are plain ids."""

from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
import zipfile

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> bool:
    """Queue `task`; False, with a warning, when the queue (Redis at scale) does not take it.
    Nothing is lost then: a certificate without its PDF is drawn when its holder downloads it,
    and an export can be asked for again."""
    try:
        task.enqueue(*args)
    except Exception as error:
        logger.warning("The task queue did not take %s%r (%s).", task.name, args, error)
        return False
    return True


@task(queue_name="interactive")
def render_certificate_pdf(certificate_id: int, force: bool = False) -> bool:
    """Render and store the certificate's PDF; returns whether a file was written. Without
    `force`, a certificate that already has its PDF keeps it (the PDF is frozen at issue)."""
    from .models import Certificate
    from .pdf import certificate_pdf

    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None or (certificate.pdf and not force):
        return False
    data = certificate_pdf(certificate)
    old_name = certificate.pdf.name if certificate.pdf else ""
    storage = certificate.pdf.storage
    with transaction.atomic():
        certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(data), save=False)
        certificate.pdf_rendered_at = timezone.now()
        certificate.save(update_fields=["pdf", "pdf_rendered_at"])
    if old_name and old_name != certificate.pdf.name:
        transaction.on_commit(lambda: storage.delete(old_name))
    return True


@task()
def build_export(export_id: int) -> str:
    """Zip the PDFs of an export's certificates (drawing any that are missing), written to a
    temporary file one PDF at a time so a large school never sits in memory; the ZIP's name is
    random, and it lives in the private storage like the PDFs."""
    from .models import Certificate, CertificateExport
    from .pdf import certificate_pdf

    export = CertificateExport.objects.get(pk=export_id)
    try:
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
                for certificate in Certificate.objects.filter(pk__in=export.certificate_ids).iterator():
                    name = f"{certificate.display_code}.pdf"
                    if certificate.pdf and certificate.pdf.storage.exists(certificate.pdf.name):
                        with certificate.pdf.open("rb") as source, archive.open(name, "w") as target:
                            shutil.copyfileobj(source, target)
                    else:
                        archive.writestr(name, certificate_pdf(certificate))
            spool.seek(0)
            export.file.save(f"certificates-{secrets.token_urlsafe(12)}.zip", File(spool), save=False)
        export.state = CertificateExport.State.READY
    except Exception:
        logger.exception("certificate export %s failed", export_id)
        export.state = CertificateExport.State.FAILED
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "state", "finished_at"])
    return export.state
