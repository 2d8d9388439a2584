"""The certificate journey on a phone: a social worker signs up, confirms the e-mail, finishes
the frontline course and its final assessment, downloads the PDF, and opens the verification
link from it: valid; once revoked, the same page says revoked. Checked by axe-core."""

import re
import subprocess
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from certificates import services
from certificates.models import Certificate
from courses.models import Audience, CoursePage
from tests.browser.test_accessibility import violations
from tests.browser.test_quizzes import answer, answer_the_rest, quiz_site  # noqa: F401

pytestmark = pytest.mark.browser

NAME = "Đặng Thị Hồng Nhung"


@pytest.fixture
def frontline_site(quiz_site):  # noqa: F811
    course = CoursePage.objects.get(slug="bi-mat-va-em")
    CoursePage.objects.filter(translation_key=course.translation_key).update(
        audience=Audience.FRONTLINE, age_band="", issues_certificate=True, certificate_valid_years=3
    )
    return quiz_site


def test_a_social_worker_earns_downloads_and_verifies_a_certificate(frontline_site, browser, tmp_path):
    url = frontline_site.url
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)

    # Sign up and confirm the address from the e-mail.
    page.goto(url + "/vi/accounts/signup/")
    page.locator("#id_display_name").fill(NAME)
    page.locator("input[name=role][value=social_worker]").check()
    page.locator("#id_email").fill("nhung@example.org")
    page.locator("#id_password1").fill("bao-ve-tre-em-2026")
    page.locator("#id_password2").fill("bao-ve-tre-em-2026")
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile("/accounts/confirm-email/"))
    link = re.search(r"https?://[^/\s]+(/\S+/accounts/confirm-email/\S+)", mail.outbox[-1].body).group(1)
    page.goto(url + link)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile("/confirm-email/"))

    # Every lesson, then the final assessment.
    page.goto(url + "/vi/khoa-hoc/bi-mat-va-em/")
    page.locator(".step-list__item a").first.click()
    for _lesson in range(3):
        page.locator(".finish button[type=submit]").click()
        expect(page.locator(".message")).to_be_visible()
    page.goto(url + "/vi/khoa-hoc/bi-mat-va-em/kiem-tra-nhanh/")
    answer(page, wrong_first=False)
    answer_the_rest(page, next_button=True)
    page.locator("form.quiz-form button[type=submit]:visible").last.click()
    expect(page.locator(".result-summary")).to_contain_text("6 / 6")

    # My certificates: issued at once (the course has no minimum time), the PDF downloads.
    page.locator(".result-summary").get_by_role("link", name=re.compile("Giấy chứng nhận của tôi")).click()
    learner = User.objects.get(email="nhung@example.org")
    certificate = Certificate.objects.get(holder=learner)
    expect(page.locator(".certificate-card")).to_contain_text(certificate.display_code)
    assert violations(page) == []
    with page.expect_download() as download_info:
        page.locator(".certificate-card").get_by_role("link", name=re.compile("PDF")).click()
    pdf = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf)
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    assert NAME in text and "Bí mật và em" in text and certificate.display_code in text
    verify_url = re.search(r"https?://\S+/verify/[0-9A-Z-]+/", text).group(0)
    assert verify_url.endswith(f"/vi/certificates/verify/{certificate.display_code}/")

    # Anyone opens the link from the PDF (or its QR code), signed in or not.
    visitor = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN").new_page()
    visitor.goto(url + urlsplit(verify_url).path)
    expect(visitor.locator(".certificate-status--valid")).to_be_visible()
    expect(visitor.locator(".facts")).to_contain_text(NAME)
    assert violations(visitor) == []

    services.certificate_revoke(certificate=certificate, by=None, reason="Cấp nhầm")
    visitor.reload()
    expect(visitor.locator(".certificate-status--revoked")).to_be_visible()
    expect(visitor.locator("main")).not_to_contain_text("Cấp nhầm")  # the reason is for the holder only
