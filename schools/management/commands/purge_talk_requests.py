"""Delete pupils' "I want to talk" requests handled more than TALK_REQUEST_DAYS days ago
(schools.services.talk_requests_purge). Run it daily (cron, or a scheduler beside the task
workers); the pages that show requests also purge, so nothing is shown past its time without it."""

from django.conf import settings
from django.core.management.base import BaseCommand

from schools import services


class Command(BaseCommand):
    help = "Delete pupils' talk requests handled more than TALK_REQUEST_DAYS days ago."

    def handle(self, *args, **options):
        deleted = services.talk_requests_purge()
        self.stdout.write(f"Deleted {deleted} talk requests handled more than {settings.TALK_REQUEST_DAYS} days ago.")
