import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from wagtail.models import Page, Site

from accounts.models import User
from elearning.models import HomePage


@pytest.mark.django_db
def test_load_demo_is_idempotent():
    call_command("load_demo", without_curriculum=True)
    counts = (Page.objects.count(), User.objects.count(), EmailAddress.objects.count())
    call_command("load_demo", without_curriculum=True)
    assert (Page.objects.count(), User.objects.count(), EmailAddress.objects.count()) == counts


@pytest.mark.django_db
def test_load_demo_replaces_the_welcome_page_with_a_bilingual_home_page(client):
    call_command("load_demo", without_curriculum=True)
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert site.root_page.locale.language_code == "vi"
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()
    assert "An toàn trên mạng" in client.get("/vi/").content.decode()
    assert "Safe Online" in client.get("/en/").content.decode()


@pytest.mark.django_db
def test_demo_adults_can_log_in_with_verified_addresses(client):
    call_command("load_demo", without_curriculum=True)
    for email in ["admin@example.com", "teacher@example.com", "socialworker@example.com", "caregiver@example.com"]:
        assert EmailAddress.objects.get(email=email).verified
    response = client.post("/vi/accounts/login/", {"login": "teacher@example.com", "password": "Demo@2026"})
    assert response.status_code == 302
    assert User.objects.get(email="admin@example.com").is_superuser


@pytest.mark.django_db
def test_demo_accounts_are_not_made_where_they_are_switched_off(settings):
    settings.DEMO_ACCOUNTS = False
    call_command("load_demo", without_curriculum=True)
    assert not User.objects.exists()
