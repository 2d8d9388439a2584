"""A teacher teaches a module in class (issue 18, items 1 and 5): the projector's view at 1280x720
in large type, the presenter's view in a second page of the same browser kept in step (keys on
either), a class vote counted and revealed, the whole-class quiz round, and the end with the roster,
after which the class's page shows the module as taught in class."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import CoursePage
from schools import services
from schools.models import ClassTaught
from schools.roster import plan_from_text
from tests.browser.test_accessibility import violations
from tests.browser.test_quizzes import quiz_site  # noqa: F401
from tests.browser.test_schools import log_in
from tests.browser.test_teacher_phone import SMALL_CONTROLS
from tests.factories import AdultFactory

pytestmark = pytest.mark.browser

# The computed size of the slide's text, in CSS pixels.
FONT_SIZES = """(selector) => Array.from(document.querySelectorAll(selector))
    .map(el => parseFloat(getComputedStyle(el).fontSize))"""


def at(page, position: int):
    """Wait until the page shows slide `position` (0-based), as the server keeps it."""
    expect(page.locator("[data-teach]")).to_have_attribute("data-position", str(position))


def test_a_teacher_teaches_a_module_with_the_projector_and_the_presenter_in_step(quiz_site, browser):  # noqa: F811
    url = quiz_site.url
    teacher = AdultFactory(email="co.hoa@example.org", display_name="Cô Nguyễn Thị Hòa")
    school = services.school_create(founder=teacher, name="Trường Tiểu học Hoa Sen", province="hue", kind="school")
    classroom = services.classroom_create(school=school, teacher=teacher, name="3B", grade=3, sign_in_kind="pictures")
    an, binh, _chau = services.roster_import(
        classroom=classroom, plan=plan_from_text("Nguyễn Văn An\nTrần Thị Bình\nLê Minh Châu", existing_names=set())
    )
    for pupil in (an, binh):
        services.consent_record(
            pupil=pupil,
            pupil_assent=True,
            guardian_consent=True,
            method="paper",
            given_on=datetime.date(2026, 11, 1),
            by=teacher,
        )
    course = CoursePage.objects.get(slug="bi-mat-va-em")
    services.course_assign(classroom=classroom, course=course, due_on=None, by=teacher)

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    presenter = context.new_page()
    presenter.set_default_timeout(15_000)
    log_in(presenter, url, teacher)

    # From the class's assigned module to the presenter's view.
    presenter.goto(f"{url}/vi/classes/{classroom.pk}/")
    presenter.get_by_test_id("teach-link").click()
    presenter.get_by_test_id("start-teaching").click()
    at(presenter, 0)
    assert presenter.evaluate(SMALL_CONTROLS) == []  # every control on the teacher's phone is 44 px or more

    # The projector's computer opens the projector's link in a browser where no one signed in: it
    # never passes through the staff pages (and their notices of pupils who want to talk).
    link = presenter.get_by_test_id("projector-link").get_attribute("href")
    assert "/vi/projector/" in link
    projector = browser.new_context(viewport={"width": 1280, "height": 720}, locale="vi-VN")
    screen = projector.new_page()
    screen.set_default_timeout(15_000)
    screen.goto(link)
    at(screen, 0)
    expect(screen.get_by_test_id("projector-helpline")).to_contain_text("111")
    expect(screen.locator("html")).to_have_attribute("lang", "vi")
    expect(screen.get_by_test_id("help-button")).to_have_count(0)
    total = int(screen.get_by_test_id("slide-number").inner_text().split("/")[1])
    expect(screen.get_by_test_id("slide-number")).to_have_text(f"1 / {total}")
    assert min(screen.evaluate(FONT_SIZES, ".slide__lead")) >= 32
    assert violations(screen) == []  # WCAG 2.1 AA

    # → in the presenter: the projector follows (it polls the state).
    presenter.keyboard.press("ArrowRight")
    at(presenter, 1)
    expect(screen.get_by_test_id("slide-number")).to_have_text(f"2 / {total}")
    expect(screen.locator("h1.slide__title")).to_have_text("Điều gì là riêng tư?")
    # A clicker's Page Down on the projector: the presenter follows.
    screen.keyboard.press("PageDown")
    at(screen, 2)
    at(presenter, 2)
    text_sizes = screen.evaluate(FONT_SIZES, ".slide__text p, .slide__text li")
    assert text_sizes and min(text_sizes) >= 32, text_sizes
    # Page Up goes back, Space forward.
    screen.keyboard.press("PageUp")
    at(presenter, 1)
    presenter.keyboard.press("Space")
    at(screen, 2)

    # Forward to the class vote (lesson 2's scenario).
    for position in range(3, 7):
        presenter.keyboard.press("ArrowRight")
        at(presenter, position)
    at(screen, 6)
    expect(screen.get_by_test_id("option")).to_have_count(2)
    expect(screen.get_by_test_id("tally")).to_have_count(0)
    expect(screen.get_by_text("Đúng rồi!")).to_have_count(0)  # the feedback waits for the reveal
    for _ in range(3):
        presenter.get_by_test_id("plus-A").click()
    for _ in range(5):
        presenter.get_by_test_id("plus-B").click()
    expect(presenter.get_by_test_id("count-B")).to_have_value("5")
    assert violations(presenter) == []
    presenter.get_by_test_id("reveal-button").click()
    expect(screen.get_by_test_id("tally")).to_have_count(2)
    expect(screen.get_by_test_id("tally").first).to_contain_text("3")
    expect(screen.get_by_test_id("tally").last).to_contain_text("5")
    expect(screen.locator(".slide__option--right")).to_contain_text("Hỏi bố mẹ.")
    expect(screen.get_by_text("Đúng rồi!")).to_be_visible()

    # On to the quiz round: the first question, no answer key until the reveal.
    for position in range(7, 12):
        presenter.keyboard.press("ArrowRight")
        at(presenter, position)
    at(screen, 11)
    expect(screen.get_by_test_id("option")).to_have_count(2)
    expect(screen.locator(".slide__option--right")).to_have_count(0)
    expect(presenter.locator(".tag")).to_have_count(0)
    presenter.get_by_test_id("count-A").fill("24")
    presenter.get_by_test_id("count-B").fill("7")
    presenter.get_by_test_id("reveal-button").click()
    expect(screen.get_by_test_id("reveal")).to_be_visible()
    expect(screen.locator(".slide__option--right")).to_have_count(1)
    expect(screen.get_by_test_id("tally").first).to_contain_text("24")
    assert violations(screen) == []

    # The end: tick who was there (all by default: Châu was away), today's date.
    presenter.get_by_test_id("end-link").click()
    boxes = presenter.get_by_test_id("present")
    expect(boxes).to_have_count(3)
    for n in range(3):
        expect(boxes.nth(n)).to_be_checked()
    assert violations(presenter) == []
    presenter.get_by_label(re.compile("Lê Minh Châu")).uncheck()
    presenter.get_by_test_id("record-taught").click()
    expect(presenter).to_have_url(re.compile(f"/vi/classes/{classroom.pk}/$"))
    today = timezone.localdate()
    taught = presenter.get_by_test_id("taught-in-class")
    expect(taught).to_contain_text(f"{today.day}/{today.month}/{today.year}")
    expect(taught).to_contain_text("2")
    expect(presenter.get_by_test_id("pupil-taught")).to_have_count(2)  # An and Bình, both with consent
    record = ClassTaught.objects.get()
    assert record.present_count == 2 and set(record.present_pupils.all()) == {an, binh}
    # The projector hears that the lesson ended: its link stops working, and it says so.
    expect(screen.get_by_test_id("projector-gone")).to_be_visible()
    expect(screen.get_by_test_id("slide-number")).to_have_count(0)
    projector.close()
    context.close()


# The demo modules with the longest class votes: a situation, a question and four choices (23), and
# the longest situation and choices in words (21, in English).
LONG_VOTES = ["21-pupil-9-11-screen-time", "23-pupil-9-11-cyberbullying"]
LONG_VOTE_SLUGS = ["choi-game-vui-an-toan-co-ke-hoach", "treu-dua-hay-bat-nat-cung-nhau-len-tieng"]
FITS = """() => { const main = document.querySelector('main'); const bar = document.querySelector('.projector__bar');
    return {main: main.scrollHeight <= main.clientHeight, page: document.documentElement.scrollHeight <= innerHeight,
            bar: bar.getBoundingClientRect().bottom <= innerHeight}; }"""


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_longest_class_vote_fits_a_1280x720_projector_in_large_type(site, browser, language):
    from pathlib import Path

    import courses
    from courses.demo import load_curriculum
    from elearning.models import HomePage
    from schools.teaching import module_slides

    folders = [Path(courses.__file__).parent / "curriculum" / "modules" / name for name in LONG_VOTES]
    load_curriculum(HomePage.objects.get(locale__language_code="vi"), folders)
    teacher = AdultFactory()
    school = services.school_create(founder=teacher, name="Trường Tiểu học Hoa Sen", province="hue", kind="school")
    classroom = services.classroom_create(school=school, teacher=teacher, name="4A", grade=4, sign_in_kind="pin")
    # The longest vote of these modules, by the text it shows before the answer.
    longest = None
    for course in CoursePage.objects.filter(locale__language_code="vi", slug__in=LONG_VOTE_SLUGS):
        assignment = services.course_assign(classroom=classroom, course=course, due_on=None, by=teacher)
        session = services.teaching_start(assignment=assignment, by=teacher, language=language)
        slides = module_slides(course, draw_key=f"teach-{session.pk}", language=language)
        for position, slide in enumerate(slides):
            if slide.kind == "vote":
                size = len(slide.situation) + len(slide.prompt) + sum(len(o.text) + 40 for o in slide.options)
                if longest is None or size > longest[0]:
                    longest = (size, session, position, slide, len(slides))
    _size, session, position, slide, total = longest
    services.teaching_move(session=session, position=position, slides=total)

    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="vi-VN")
    screen = context.new_page()
    screen.set_default_timeout(15_000)
    screen.goto(f"{site.url}/{language}/projector/{session.screen_code}/")
    at(screen, position)
    expect(screen.get_by_test_id("option")).to_have_count(len(slide.options))
    sizes = screen.evaluate(FONT_SIZES, ".slide__situation, .slide__option-text")
    assert sizes and min(sizes) >= 32, sizes
    # The whole slide and the bar on the screen, no scrolling.
    assert screen.evaluate(FITS) == {"main": True, "page": True, "bar": True}

    # Revealed, with the tallies and the recommended choices' feedback, it may be longer than the
    # screen: the page still fits, the bar stays in view, and the slide scrolls within itself.
    services.teaching_reveal(session=session, key=slide.key)
    expect(screen.get_by_test_id("tally")).to_have_count(len(slide.options))
    fits = screen.evaluate(FITS)
    assert fits["page"] and fits["bar"], fits
    assert min(screen.evaluate(FONT_SIZES, ".slide__feedback")) >= 32
    context.close()
