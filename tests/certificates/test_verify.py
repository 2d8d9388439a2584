"""Public verification: a page and JSON for anyone, without signing in; the same plain 404 for
every code that is not a certificate; revocation and expiry shown; limited per IP address."""

from datetime import timedelta

import pytest
from django.utils import timezone

from certificates import services
from certificates.models import Certificate
from tests.factories import AdultFactory

from .conftest import HOLDER, finish

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(cert_course, worker):
    finish(worker, cert_course)
    return Certificate.objects.get(holder=worker)


def url(certificate, language="vi"):
    return f"/{language}/certificates/verify/{certificate.display_code}/"


def test_anyone_sees_holder_course_date_and_that_it_is_valid(client, certificate):
    response = client.get(url(certificate))
    page = response.content.decode()
    assert response.status_code == 200
    assert HOLDER in page and certificate.course_title in page
    assert "certificate-status--valid" in page
    assert 'name="robots" content="noindex"' in page


def test_the_english_page_works_too(client, certificate):
    response = client.get(url(certificate, "en"))
    assert response.status_code == 200 and "Valid." in response.content.decode()


def test_the_same_url_answers_json_when_asked(client, certificate):
    response = client.get(url(certificate), HTTP_ACCEPT="application/json")
    assert response["Content-Type"] == "application/json"
    assert "Accept" in response["Vary"]
    data = response.json()
    assert data == {
        "code": certificate.display_code,
        "status": "valid",
        "holder_name": HOLDER,
        "course_title": certificate.course_title,
        "language": "vi",
        "issued_on": timezone.localdate(certificate.issued_at).isoformat(),
        "expires_on": certificate.expires_on.isoformat(),
        "revoked_on": None,
        "verify_url": "http://testserver" + url(certificate),
    }


def test_a_browser_asking_for_html_first_gets_the_page(client, certificate):
    response = client.get(url(certificate), HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("code", ["7KQ2-M9XD-4TQH", "not-a-code", "7KQ2M9XD", "0000-0000-0000"])
def test_unknown_and_malformed_codes_get_the_same_plain_404(client, certificate, code):
    response = client.get(f"/vi/certificates/verify/{code}/")
    assert response.status_code == 404
    assert HOLDER not in response.content.decode()
    as_json = client.get(f"/vi/certificates/verify/{code}/", HTTP_ACCEPT="application/json")
    assert as_json.status_code == 404 and as_json.json() == {"error": "not found"}


def test_a_code_typed_loosely_redirects_to_the_certificate(client, certificate):
    response = client.get(f"/vi/certificates/verify/{certificate.code.lower()}/")
    assert response.status_code == 302 and response["Location"] == url(certificate)


def test_revocation_shows_on_the_page_the_json_and_my_certificates_with_the_reason_for_the_holder_only(
    client, certificate, worker
):
    services.certificate_revoke(certificate=certificate, by=None, reason="Bài đánh giá bị sao chép")
    page = client.get(url(certificate)).content.decode()
    assert "certificate-status--revoked" in page and "Bài đánh giá bị sao chép" not in page
    data = client.get(url(certificate), HTTP_ACCEPT="application/json").json()
    assert data["status"] == "revoked" and "Bài đánh giá bị sao chép" not in str(data)
    assert data["revoked_on"] == timezone.localdate().isoformat()
    client.force_login(worker)
    mine = client.get("/en/certificates/").content.decode()
    assert "Revoked" in mine and "Bài đánh giá bị sao chép" in mine
    client.force_login(AdultFactory(is_staff=True, is_superuser=True))
    listing = client.get("/admin/certificates/", {"status": "revoked"}).content.decode()
    assert certificate.display_code in listing


def test_expiry_shows_on_the_page_the_json_and_my_certificates(client, certificate, worker):
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    assert "certificate-status--expired" in client.get(url(certificate)).content.decode()
    assert client.get(url(certificate), HTTP_ACCEPT="application/json").json()["status"] == "expired"
    client.force_login(worker)
    assert "Expired" in client.get("/en/certificates/").content.decode()
    client.force_login(AdultFactory(is_staff=True, is_superuser=True))
    for status, listed in [("expired", True), ("valid", False), ("revoked", False)]:
        listing = client.get("/admin/certificates/", {"status": status}).content.decode()
        assert (certificate.display_code in listing) == listed, status


def test_the_form_sends_a_valid_code_to_its_page_and_explains_a_malformed_one(client, certificate):
    assert client.get("/vi/certificates/verify/").status_code == 200
    response = client.get("/en/certificates/verify/", {"code": certificate.code.lower()})
    assert response.status_code == 302 and response["Location"] == url(certificate, "en")
    bad = client.get("/en/certificates/verify/", {"code": "12345"})
    assert bad.status_code == 400
    assert "A certificate code has 12 letters and digits" in bad.content.decode()


def test_lookups_are_limited_per_address(client, certificate, settings):
    settings.CERTIFICATE_VERIFY_PER_MINUTE = 3
    for _ in range(3):
        assert client.get(url(certificate)).status_code == 200
    response = client.get(url(certificate))
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert client.get("/vi/certificates/verify/ZZZZ-ZZZZ-ZZZZ/").status_code == 429  # unknown codes count too
    other = client.get(url(certificate), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200
