"""The class journey on a phone: a teacher creates a class, pastes five names, prints login
cards, records consent and assigns a module; a pupil signs in with the class code and the
pictures, finishes a lesson and the quiz; the teacher sees it on the dashboard and exports
the CSV. Checked by axe-core on the pages pupils and teachers use most."""

import re

import pytest
from playwright.sync_api import expect

from accounts import credentials
from accounts.models import User
from schools import services
from schools.models import Classroom
from tests.browser.test_accessibility import violations
from tests.browser.test_quizzes import QUIZ, answer, answer_the_rest, quiz_site  # noqa: F401
from tests.factories import PASSWORD, AdultFactory

pytestmark = pytest.mark.browser

NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Gia Huy", "Đỗ Ngọc Yến"]


def log_in(page, url, adult):
    page.goto(url + "/vi/accounts/login/")
    page.locator("#id_login").fill(adult.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))


def test_teacher_sets_up_a_class_and_a_pupil_signs_in_and_learns(quiz_site, browser):  # noqa: F811
    from courses.models import CoursePage

    url = quiz_site.url
    teacher = AdultFactory(email="co.lan@example.org", display_name="Cô Lan")
    school = services.school_create(founder=teacher, name="Trường Tiểu học Hoa Sen", province="hue", kind="school")
    course = CoursePage.objects.get(slug="bi-mat-va-em")
    teacher_context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", accept_downloads=True)
    page = teacher_context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, url, teacher)

    # A class of grade 3, then five pasted names: a dry run first, then confirmed.
    page.goto(f"{url}/vi/schools/{school.pk}/classes/new/")
    page.locator("#id_name").fill("3B")
    page.locator("#id_grade").select_option("3")
    page.locator("form.form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/pupils/add/$"))
    page.locator("#id_names").fill("\n".join(NAMES))
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("[data-testid=roster-plan] tbody tr")).to_have_count(5)
    assert User.objects.filter(role="pupil").count() == 0  # nothing before confirming
    page.locator("form:has(input[name=confirm]) button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/pupils/$"))
    classroom = Classroom.objects.get(name="3B")
    assert User.objects.filter(memberships__classroom=classroom).count() == 6  # five pupils and the teacher
    assert violations(page) == []

    # Login cards: a PDF for the class.
    cards = page.request.get(url + page.locator("[data-testid=cards-link]").get_attribute("href"))
    assert cards.headers["content-type"] == "application/pdf" and cards.body().startswith(b"%PDF")

    # Consent from the paper slips of all five.
    page.goto(f"{url}/vi/classes/{classroom.pk}/consent/")
    for box in page.locator("input[name=pupils]").all():
        box.check()
    page.locator("#id_pupil_assent").check()
    page.locator("#id_guardian_consent").check()
    page.locator("form.form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/classes/{classroom.pk}/$"))

    # Assign the module of the class's age band, due in the future.
    page.goto(f"{url}/vi/classes/{classroom.pk}/assign/")
    page.locator(f"input[name=course][value='{course.pk}']").check()
    page.locator("#id_due_on").fill("2030-06-01")
    page.locator("form.form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/classes/{classroom.pk}/$"))

    # The pupil, on another phone: class code, name, three pictures.
    an = User.objects.get(display_name="Nguyễn Văn An")
    pictures = credentials.secret_of(an.pupil_credential)
    pupil_context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    pupil = pupil_context.new_page()
    pupil.set_default_timeout(15_000)
    pupil.goto(url + "/vi/")
    pupil.locator("a[href='/vi/class/']").first.click()
    pupil.locator("#id_code").fill(classroom.class_code.lower())
    pupil.locator("form.form button[type=submit]").click()
    assert violations(pupil) == []
    pupil.get_by_role("link", name="Nguyễn Văn An").click()
    expect(pupil.locator("[data-picture-pad] button")).to_have_count(12)
    assert violations(pupil) == []
    for key in pictures:
        pupil.locator(f"[data-picture-pad] button[data-picture='{key}']").click()
    expect(pupil).to_have_url(re.compile(r"/vi/my-modules/$"))
    expect(pupil.locator(".course-card")).to_contain_text(course.title)
    assert violations(pupil) == []

    # A lesson, then the quiz.
    pupil.locator(".course-card a").first.click()
    pupil.get_by_role("link", name="Bắt đầu bài học đầu tiên").click()
    pupil.get_by_role("button", name="Em đã học xong").click()
    pupil.goto(url + QUIZ)
    answer(pupil, wrong_first=False)
    answer_the_rest(pupil, next_button=True)
    pupil.get_by_role("button", name="Gửi bài làm").click()
    expect(pupil.locator(".result-summary__score")).to_have_text("6 / 6 điểm (100%)")
    assert an.step_records.count() == 2

    # The teacher sees it, and exports the class.
    page.goto(f"{url}/vi/classes/{classroom.pk}/")
    row = page.locator("[data-testid=dashboard] tbody tr", has_text="Nguyễn Văn An")
    expect(row.locator("td.cell--in_progress")).to_have_count(1)
    expect(row.locator("td.cell--in_progress")).to_contain_text("50%")
    assert violations(page) == []
    export = page.request.get(f"{url}/vi/classes/{classroom.pk}/export.csv")
    text = export.body().decode("utf-8")
    assert text.startswith("\ufeff") and "Nguyễn Văn An" in text
    teacher_context.close()
    pupil_context.close()


def test_without_javascript_a_pupil_picks_the_pictures_in_three_rows(quiz_site, browser):  # noqa: F811
    teacher = AdultFactory()
    school = services.school_create(founder=teacher, name="Trường B", province="hue", kind="school")
    classroom = services.classroom_create(school=school, teacher=teacher, name="1A", grade=1, sign_in_kind="pictures")
    from schools.roster import plan_from_text

    (pupil,) = services.roster_import(classroom=classroom, plan=plan_from_text("Vũ Thu Hà", existing_names=set()))
    secret = credentials.secret_of(pupil.pupil_credential)
    context = browser.new_context(viewport={"width": 320, "height": 640}, java_script_enabled=False)
    page = context.new_page()
    page.goto(quiz_site.url + "/vi/class/")
    page.locator("#id_code").fill(classroom.class_code)
    page.locator("form.form button[type=submit]").click()
    page.get_by_role("link", name="Vũ Thu Hà").click()
    rows = page.locator("[data-picture-row]")
    expect(rows).to_have_count(3)
    for index, key in enumerate(secret):
        rows.nth(index).locator(f"input[value='{key}']").check(force=True)
    page.locator("[data-picture-submit]").click()
    expect(page).to_have_url(re.compile(r"/vi/my-modules/$"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
