"""A teacher's pages on a small phone (issue 18, item 4): every control they tap is at least
44 px high, and the top bar fits in two rows at 360 px wide."""

import datetime

import pytest

from courses.models import CoursePage
from schools import services
from schools.roster import plan_from_text
from tests.browser.test_quizzes import quiz_site  # noqa: F401
from tests.browser.test_schools import log_in
from tests.factories import AdultFactory

pytestmark = pytest.mark.browser

# Controls: buttons, fields, the top bar's links, and links that stand alone (not a word inside a
# sentence, which WCAG exempts), measured as the browser lays them out.
SMALL_CONTROLS = """() => {
    const controls = document.querySelectorAll(
        'button, select, textarea, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), '
        + 'a.button, .site-nav a, summary, td > a:only-child, th > a:only-child, li > a:only-child');
    return Array.from(controls)
        .filter(el => el.offsetParent !== null && !el.closest('.visually-hidden'))
        .map(el => [
            el.tagName + ' ' + (el.textContent || el.name || '').trim().slice(0, 40),
            el.getBoundingClientRect().height,
        ])
        .filter(([name, height]) => height < 44);
}"""
TOP_BAR_ROWS = """() => new Set(Array.from(document.querySelectorAll('.site-nav__list > li'))
    .map(li => Math.round(li.getBoundingClientRect().top))).size"""


def test_every_control_a_teacher_taps_on_a_phone_is_44_px_high(quiz_site, browser):  # noqa: F811
    url = quiz_site.url
    teacher = AdultFactory(email="co.hoa@example.org", display_name="Cô Nguyễn Thị Hòa")
    school = services.school_create(founder=teacher, name="Trường Tiểu học Hoa Sen", province="hue", kind="school")
    classroom = services.classroom_create(school=school, teacher=teacher, name="3B", grade=3, sign_in_kind="pictures")
    pupils = services.roster_import(
        classroom=classroom, plan=plan_from_text("Nguyễn Văn An\nTrần Thị Bình", existing_names=set())
    )
    course = CoursePage.objects.get(slug="bi-mat-va-em")
    services.course_assign(classroom=classroom, course=course, due_on=datetime.date(2026, 12, 20), by=teacher)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, url, teacher)
    pages = [
        "/vi/schools/",
        f"/vi/schools/{school.pk}/",
        f"/vi/classes/{classroom.pk}/",
        f"/vi/classes/{classroom.pk}/pupils/",
        f"/vi/classes/{classroom.pk}/pupils/add/",
        f"/vi/classes/{classroom.pk}/pupils/{pupils[0].pk}/",
        f"/vi/classes/{classroom.pk}/assign/",
        f"/vi/classes/{classroom.pk}/consent/",
        f"/vi/classes/{classroom.pk}/edit/",
    ]
    small, rows = {}, {}
    for path in pages:
        page.goto(url + path)
        page.locator("main h1").wait_for()
        found = page.evaluate(SMALL_CONTROLS)
        if found:
            small[path] = found
        rows[path] = page.evaluate(TOP_BAR_ROWS)
    assert small == {}
    assert max(rows.values()) <= 2, rows
    context.close()
