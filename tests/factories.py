import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts.models import Role, User

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name", locale="vi_VN")
    role = Role.CAREGIVER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AdultFactory(UserFactory):
    """An adult who signed up and verified their e-mail address."""

    email = factory.Sequence(lambda n: f"adult{n}@example.org")
    role = Role.TEACHER

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=extracted is not False, primary=True)

    @factory.post_generation
    def second_factor(obj, create, extracted, **kwargs):
        """Staff have a TOTP authenticator, as the CMS requires of them
        (elearning.middleware.StaffTwoFactorMiddleware); `second_factor=False` for one without."""
        wanted = (obj.is_staff or obj.is_superuser) if extracted is None else extracted
        if create and wanted:
            TOTP.activate(obj, generate_totp_secret())


class PupilFactory(UserFactory):
    """Pupils have no e-mail and no password of their own; they sign in through their class."""

    role = Role.PUPIL
    password = factory.PostGenerationMethodCall("set_unusable_password")

    # Declared again so that it runs after the password above (hooks run in declaration order).
    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()
