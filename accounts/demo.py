"""Demo accounts for `manage.py load_demo` (development and demonstrations only; the README
lists them). Idempotent: a second run finds them and changes nothing."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.db import transaction

from .models import Role, User

DEMO_PASSWORD = "Demo@2026"
# The demo editor's second factor (the CMS needs one: elearning.middleware.StaffTwoFactorMiddleware).
# Fixed, so the README can name it: add it to an authenticator app, or run `manage.py demo_totp`.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

DEMO_ADULTS = [
    # (e-mail, display name, role, staff, superuser)
    ("admin@example.com", "Quản trị viên (demo)", Role.EDITOR, True, True),
    ("teacher@example.com", "Cô Lan (demo)", Role.TEACHER, False, False),
    ("teacher2@example.com", "Thầy Nam (demo)", Role.TEACHER, False, False),
    ("socialworker@example.com", "Anh Minh (demo)", Role.SOCIAL_WORKER, False, False),
    ("caregiver@example.com", "Chị Hoa (demo)", Role.CAREGIVER, False, False),
    # One lesson short of the frontline certificate: finishing it issues one (scripts/smoke.py).
    ("trainee@example.com", "Chị Thu (demo)", Role.SOCIAL_WORKER, False, False),
]


@transaction.atomic
def load_accounts() -> int:
    """Create the demo adults with verified e-mail addresses; returns how many were new."""
    created = 0
    for email, display_name, role, staff, superuser in DEMO_ADULTS:
        user, was_created = User.objects.get_or_create(
            email=email,
            defaults={
                "username": email.split("@")[0],
                "display_name": display_name,
                "role": role,
                "is_staff": staff,
                "is_superuser": superuser,
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created += 1
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        if staff and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
    return created


def current_totp_code() -> str:
    """The six digits the demo editor's authenticator app would show now."""
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, next(yield_hotp_counters_from_time())))
