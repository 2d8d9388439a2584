"""Remove a person's second factor (their TOTP app and recovery codes), for a superuser to run
when a member of staff has lost their phone and their recovery codes. They set up a new one the
next time they open the CMS (elearning.middleware.StaffTwoFactorMiddleware)."""

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Remove the second factor of the account with this e-mail address (lost phone and recovery codes)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--by", required=True, help="the e-mail address of the superuser doing it (logged)")

    def handle(self, *args, email, by, **options):
        User = get_user_model()
        superuser = User.objects.filter(email__iexact=by, is_superuser=True, is_active=True).first()
        if superuser is None:
            raise CommandError(f"{by} is not an active superuser: only a superuser may reset a second factor.")
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account has the e-mail address {email}.")
        removed, _by_type = Authenticator.objects.filter(user=user).delete()
        if not removed:
            raise CommandError(f"{email} has no second factor to remove.")
        self.stdout.write(
            f"Removed {email}'s second factor ({removed} authenticator records), as asked by {by}. They set up a new "
            "one when they next open the CMS; tell them so, by a channel other than e-mail if their e-mail may be "
            "compromised."
        )
