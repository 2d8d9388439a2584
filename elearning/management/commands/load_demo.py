from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_ADULTS, DEMO_PASSWORD, DEMO_TOTP_SECRET, load_accounts
from certificates.demo import load_certificate, load_templates, load_trainee
from courses.curriculum import CurriculumError
from courses.demo import load_curriculum, load_h5p_demo
from elearning.demo import load_site
from quizzes.demo import assessments, load_quizzes
from schools.demo import load_school


class Command(BaseCommand):
    help = (
        "Load the demo content (home pages, the catalogue and the starter curriculum in both "
        "languages) and, where "
        "DEMO_ACCOUNTS is on, the demo accounts. Safe to run again: it only adds what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--without-curriculum",
            action="store_true",
            help="Only the home pages and accounts (quick, for tests that need no courses).",
        )

    def handle(self, *args, **options):
        home = load_site()
        self.stdout.write("Demo site: home pages in Vietnamese and English.")
        if not options["without_curriculum"]:
            self._curriculum(home)
        if settings.DEMO_ACCOUNTS:
            created = load_accounts()
            self.stdout.write(f"Demo accounts: {created} new, {len(DEMO_ADULTS)} in all (password {DEMO_PASSWORD}).")
            self.stdout.write(
                f"Demo editor's second factor (the CMS asks for it): TOTP secret {DEMO_TOTP_SECRET}, "
                "or the current code from `python manage.py demo_totp`."
            )
            if not options["without_curriculum"]:
                self._school()
                self._certificate()
        else:
            self.stdout.write("Demo accounts: skipped (DEMO_ACCOUNTS is off).")

    def _curriculum(self, home):
        try:
            result = load_curriculum(home)
            quizzes = load_quizzes(home)
            activities = load_h5p_demo()
            load_templates()
        except CurriculumError as error:
            raise CommandError(
                "The curriculum files have problems; nothing of them was loaded. "
                "Fix these (scripts/check_curriculum.py lists them too):\n" + "\n".join(error.problems)
            ) from error
        self.stdout.write(
            f"Curriculum: {result.courses} new courses, {result.lessons} new lessons, "
            f"{result.translations} new English translations, {result.kits} classroom kits added; "
            f"{quizzes.quizzes} new quizzes, {quizzes.translations} translated; "
            f"H5P demo activity placed in {len(activities)} lesson(s)."
        )
        for summary in assessments():
            self.stdout.write(
                f"Final assessment {summary['module']}: bank of {summary['bank']} questions, "
                f"{summary['scenarios']} scenarios ({round(100 * summary['scenarios'] / summary['bank'])} %), "
                f"{summary['per_attempt']} per attempt."
            )

    def _school(self):
        result = load_school()
        if result.created:
            self.stdout.write(f"Demo school: {result.pupils} pupils in 3 classes, {result.attempts} quiz attempts.")
        else:
            self.stdout.write("Demo school: already there.")
        if result.demo_code:
            secret = " → ".join(result.demo_secret)
            self.stdout.write(f"Demo pupil: class code {result.demo_code}, Nguyễn Minh An, pictures {secret}.")

    def _certificate(self):
        certificate = load_certificate()
        if certificate:
            self.stdout.write(
                f"Demo certificate: {certificate.holder_name}, {certificate.holder.email}, "
                f"code {certificate.display_code}."
            )
        lesson = load_trainee()
        if lesson:
            self.stdout.write(f"Demo trainee: trainee@example.com, one lesson short of a certificate: {lesson}")
