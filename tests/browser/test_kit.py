"""The classroom kit in the browser (issue 18, items 2 and 5): a teacher finds the kit of an
assigned module on the class dashboard and prints its three PDFs, in Vietnamese; a parent opens the
family page on a phone without signing in, and switches it to English."""

import datetime
import re
import subprocess

import pytest
from django.conf import settings
from playwright.sync_api import expect

from courses.models import CoursePage
from schools import services
from schools.roster import plan_from_text
from tests.browser.test_quizzes import quiz_site  # noqa: F401
from tests.browser.test_schools import log_in
from tests.factories import AdultFactory

pytestmark = pytest.mark.browser

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def pdf_words(data: bytes, tmp_path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(result.stdout.split())


def test_a_teacher_prints_the_kit_from_the_class_dashboard(quiz_site, browser, tmp_path):  # noqa: F811
    url = quiz_site.url
    teacher = AdultFactory(email="co.mai@example.org", display_name="Cô Mai")
    school = services.school_create(founder=teacher, name="Trường Tiểu học Sen Hồng", province="hue", kind="school")
    classroom = services.classroom_create(school=school, teacher=teacher, name="2A", grade=2, sign_in_kind="pictures")
    services.roster_import(classroom=classroom, plan=plan_from_text("Nguyễn Văn An", existing_names=set()))
    course = CoursePage.objects.get(slug="bi-mat-va-em")
    services.course_assign(classroom=classroom, course=course, due_on=datetime.date(2026, 12, 20), by=teacher)

    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, url, teacher)
    page.goto(f"{url}/vi/classes/{classroom.pk}/")
    kits = page.locator("[data-testid=assignment]", has_text="Bí mật và em")
    expect(kits.locator("[data-testid=kit-links]")).to_be_visible()

    # The three PDFs, fetched by the browser with the teacher's session, read with pdftotext.
    # (The Vietnamese titles come from the catalog: .vi-kit.json, merged by the lead.)
    expected = {"kit-plan": "Kế hoạch bài dạy", "kit-worksheet": "Phiếu học tập", "kit-family": "Gửi gia đình"}
    texts = {}
    for testid, title in expected.items():
        link = kits.locator(f"[data-testid={testid}]")
        expect(link).to_be_visible()
        response = page.request.get(url + link.get_attribute("href"))
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        texts[testid] = pdf_words(response.body(), tmp_path, f"{testid}.pdf")
        assert title in texts[testid], testid
        assert "Bí mật và em" in texts[testid]
    # The plan for a primary class is timed for 35 minutes; the family page carries its address.
    assert "35 phút" in texts["kit-plan"]
    family_page = kits.locator("[data-testid=kit-family-page]").get_attribute("href")
    # Printed on the site's public address (FAMILY_PAGE_BASE_URL), not the host the teacher used.
    assert f"{settings.FAMILY_PAGE_BASE_URL}{family_page}" in texts["kit-family"]
    context.close()


def test_a_parent_opens_the_family_page_on_a_phone_without_signing_in(quiz_site, browser):  # noqa: F811
    url = quiz_site.url
    course = CoursePage.objects.get(slug="bi-mat-va-em")
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{url}/vi/f/{course.pk}/")
    expect(page.locator("main h1")).to_have_text("Bí mật và em")
    expect(page.locator("[data-testid=at-home] li")).to_have_count(3)
    expect(page.locator("[data-testid=at-home]")).to_contain_text("Cùng con em chọn một người lớn tin cậy.")
    expect(page.locator("main .block-helpline a")).to_have_attribute("href", "tel:111")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert page.locator('meta[property="og:title"]').get_attribute("content").startswith("Bí mật và em")
    # The same page in English, one tap away.
    page.get_by_role("link", name="English").click()
    expect(page.locator("[data-testid=at-home]")).to_contain_text("Choose a trusted adult together with your child.")
    expect(page).to_have_url(re.compile(r"/en/f/\d+/$"))
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    context.close()
