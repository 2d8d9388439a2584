"""Delete audit-log entries older than AUDIT_LOG_DAYS (schools.audit). Run it daily (cron, or a
scheduler beside the task workers)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from schools import audit


class Command(BaseCommand):
    help = "Delete audit-log entries of staff actions on children's data older than AUDIT_LOG_DAYS."

    def handle(self, *args, **options):
        deleted = audit.purge()
        self.stdout.write(f"Deleted {deleted} audit-log entries older than {settings.AUDIT_LOG_DAYS} days.")
