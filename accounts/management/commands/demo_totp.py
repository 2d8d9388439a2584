"""The current two-factor code of the demo editor (admin@example.com), for a demonstration without
an authenticator app. Only where DEMO_ACCOUNTS is on."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_TOTP_SECRET, current_totp_code


class Command(BaseCommand):
    help = "Print the demo editor's current two-factor code (development only)."

    def handle(self, *args, **options):
        if not settings.DEMO_ACCOUNTS:
            raise CommandError("There are no demo accounts here (DEMO_ACCOUNTS is off).")
        self.stdout.write(f"{current_totp_code()}  (admin@example.com; TOTP secret {DEMO_TOTP_SECRET})")
