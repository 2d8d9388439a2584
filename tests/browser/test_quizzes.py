"""Taking a quiz in the browser on a phone: one question at a time with JavaScript, one long
form without it; the result explains every wrong answer. Checked by axe-core."""

import re

import pytest
from playwright.sync_api import expect

from quizzes.models import QuizAttempt
from tests.browser.test_accessibility import violations
from tests.conftest import FIXTURE_MODULE
from tests.factories import PASSWORD, AdultFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def quiz_site(site):
    from courses.demo import load_curriculum
    from elearning.models import HomePage
    from quizzes.demo import load_quizzes

    home = HomePage.objects.get(locale__language_code="vi")
    load_curriculum(home, [FIXTURE_MODULE])
    load_quizzes(home, [FIXTURE_MODULE])
    return site


QUIZ = "/vi/khoa-hoc/bi-mat-va-em/kiem-tra-nhanh/"


def answer(page, *, wrong_first: bool):
    """Answer the fixture quiz; the first question wrong if asked."""
    page.get_by_label("Màu em thích" if wrong_first else "Địa chỉ nhà em").check()


def answer_the_rest(page, next_button: bool):
    def go_on():
        if next_button:
            page.get_by_role("button", name="Câu tiếp theo").click()

    go_on()
    page.locator(".question--multiple_choice").get_by_label("Dừng lại").check()
    page.locator(".question--multiple_choice").get_by_label("Kể với người lớn").check()
    go_on()
    page.locator(".question--true_false").get_by_label("Sai").check()
    go_on()
    for number, step in enumerate(["Dừng lại", "Chụp màn hình", "Kể với người lớn"], 1):
        page.locator(".question--ordering").get_by_label(step).select_option(str(number))
    go_on()
    for item, match in [
        ("Tin nhắn xấu", "Không trả lời"),
        ("Người lạ hỏi địa chỉ", "Hỏi bố mẹ"),
        ("Em thấy sợ", "Gọi 111"),
    ]:
        page.locator(".question--matching").get_by_label(item).select_option(label=match)
    go_on()
    page.get_by_label("Kể với cô giáo").check()


def log_in(page, url):
    adult = AdultFactory(email="quiz@example.org")
    page.goto(url + "/vi/accounts/login/")
    page.locator("#id_login").fill(adult.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    return adult


def test_with_javascript_one_question_at_a_time_and_the_attempt_is_stored_once(quiz_site, page):
    learner = log_in(page, quiz_site.url)
    page.goto(quiz_site.url + QUIZ)
    expect(page.locator(".quiz-progress")).to_have_text("Câu 1/6")
    expect(page.locator("fieldset.question:visible")).to_have_count(1)
    expect(page.get_by_role("button", name="Câu trước")).to_be_hidden()
    expect(page.get_by_role("button", name="Gửi bài làm")).to_be_hidden()
    answer(page, wrong_first=True)
    answer_the_rest(page, next_button=True)
    expect(page.locator(".quiz-progress")).to_have_text("Câu 6/6")
    assert violations(page) == []
    page.get_by_role("button", name="Gửi bài làm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Kết quả bài làm")
    expect(page.locator(".result-summary__score")).to_have_text("5 / 6 điểm (83%)")
    wrong = page.locator(".review--wrong")
    expect(wrong).to_have_count(1)
    expect(wrong).to_contain_text("Màu em thích thì chia sẻ được.")  # why that answer was wrong
    expect(wrong).to_contain_text("Đáp án đúng:")
    assert violations(page) == []
    page.reload()  # a reload of the result page re-submits nothing
    assert QuizAttempt.objects.filter(learner=learner).count() == 1


def test_without_javascript_the_whole_quiz_is_one_form(quiz_site, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640}, java_script_enabled=False)
    page = context.new_page()
    page.goto(quiz_site.url + QUIZ)
    expect(page.locator("fieldset.question:visible")).to_have_count(6)
    expect(page.locator("main header")).to_contain_text("không được lưu")
    # Forgetting a question keeps every answer and says which one is missing.
    answer(page, wrong_first=False)
    page.get_by_role("button", name="Gửi bài làm").click()
    expect(page.get_by_role("alert")).to_contain_text("Chưa trả lời: Câu 2, Câu 3, Câu 4, Câu 5, Câu 6")
    expect(page.get_by_label("Địa chỉ nhà em")).to_be_checked()
    answer_the_rest(page, next_button=False)
    page.get_by_role("button", name="Gửi bài làm").click()
    expect(page.locator(".result-summary__score")).to_have_text("6 / 6 điểm (100%)")
    expect(page.locator(".result-summary")).to_contain_text("Kết quả này không được lưu.")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert not QuizAttempt.objects.exists()
    context.close()


def test_quiz_and_result_pages_meet_wcag_21_aa_in_english(quiz_site, page):
    page.goto(quiz_site.url + "/en/courses/secrets-and-you/quick-quiz/")
    expect(page.locator(".quiz-progress")).to_have_text(re.compile(r"Question 1 of 6"))
    assert violations(page) == []
