from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.demo import DEMO_ADULTS, DEMO_PASSWORD, load_accounts
from courses.demo import load_curriculum
from elearning.demo import load_site


class Command(BaseCommand):
    help = (
        "Load the demo content (home pages, the catalogue and the starter curriculum in both "
        "languages) and, where "
        "DEMO_ACCOUNTS is on, the demo accounts. Safe to run again: it only adds what is missing."
    )

    def handle(self, *args, **options):
        home = load_site()
        self.stdout.write("Demo site: home pages in Vietnamese and English.")
        result = load_curriculum(home)
        self.stdout.write(
            f"Curriculum: {result.courses} new courses, {result.lessons} new lessons, "
            f"{result.translations} new English translations."
        )
        if settings.DEMO_ACCOUNTS:
            created = load_accounts()
            self.stdout.write(f"Demo accounts: {created} new, {len(DEMO_ADULTS)} in all (password {DEMO_PASSWORD}).")
        else:
            self.stdout.write("Demo accounts: skipped (DEMO_ACCOUNTS is off).")
