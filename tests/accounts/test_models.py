import pytest
from django.db import IntegrityError, transaction

from accounts.models import Role, User
from tests.factories import AdultFactory, PupilFactory


def test_roles_are_the_six_the_product_knows():
    assert set(Role.values) == {"pupil", "teacher", "school_leader", "social_worker", "caregiver", "editor"}


@pytest.mark.django_db
def test_pupils_have_no_email_and_many_may_share_that():
    first, second = PupilFactory(), PupilFactory()
    assert first.email == second.email == ""
    assert not first.has_usable_password()


@pytest.mark.django_db
def test_an_email_address_belongs_to_one_account_whatever_its_case():
    AdultFactory(email="lan@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="other", email="LAN@Example.org")


@pytest.mark.django_db
def test_display_name_falls_back_to_the_username():
    user = AdultFactory(display_name="", username="cogiaolan")
    assert str(user) == "cogiaolan"
    user.display_name = "Cô Lan"
    assert str(user) == "Cô Lan"


@pytest.mark.django_db
def test_an_unknown_role_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="x", role="wizard")
