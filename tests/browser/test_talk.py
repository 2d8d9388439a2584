"""Issue 18, the talk journey: a pupil, on a phone, asks their teacher to talk (urgent) and sees it
received, with 111 on the same page; the teacher sees the notice on their home, reads the response
guide (the pupil then reads "seen") and closes it, then changes it to "referred" (the date of
deletion stays; the pupil's page then names nobody); another teacher of the school and the leader of
another school see nothing, and the request's address answers them 404.

The few Vietnamese words asserted come from the translations of this change (.vi-talk.json,
.vi-talkfix.json)."""

import re

import pytest
from playwright.sync_api import expect

from accounts import credentials
from schools import services
from schools.models import TalkRequest
from schools.roster import plan_from_text
from tests.browser.conftest import PHONE
from tests.browser.test_accessibility import violations
from tests.browser.test_schools import log_in
from tests.factories import AdultFactory

pytestmark = pytest.mark.browser


def join(school, display_name, email):
    teacher = AdultFactory(display_name=display_name, email=email)
    services.staff_decide(
        membership=services.school_join_request(user=teacher, code=school.staff_join_code), approve=True
    )
    return teacher


def test_a_pupil_asks_to_talk_the_teacher_reads_the_guide_and_closes_it_no_one_else_sees_it(site, browser):
    url = site.url
    leader = AdultFactory(display_name="Cô Hiệu trưởng", email="hieutruong@example.org")
    school = services.school_create(founder=leader, name="Trường Tiểu học Hoa Sen", province="hue", kind="school")
    teacher = join(school, "Thầy Minh", "thay.minh@example.org")
    colleague = join(school, "Thầy Nam", "thay.nam@example.org")
    classroom = services.classroom_create(school=school, teacher=teacher, name="5A", grade=5, sign_in_kind="pin")
    services.classroom_create(school=school, teacher=colleague, name="5B", grade=5, sign_in_kind="pin")
    (an,) = services.roster_import(classroom=classroom, plan=plan_from_text("Nguyễn Văn An", existing_names=set()))
    stranger = AdultFactory(display_name="Cô Lạ", email="co.la@example.org")
    services.school_create(founder=stranger, name="Trường B", province="hue", kind="school")
    pin = "".join(credentials.secret_of(an.pupil_credential))

    # The pupil, on a phone, without consent recorded: class code, name, PIN.
    pupil_context = browser.new_context(viewport=PHONE, locale="vi-VN")
    pupil = pupil_context.new_page()
    pupil.set_default_timeout(15_000)
    pupil.goto(url + "/vi/class/")
    pupil.locator("#id_code").fill(classroom.class_code)
    pupil.locator("form.form button[type=submit]").click()
    pupil.get_by_role("link", name="Nguyễn Văn An").click()
    pupil.locator("#id_pin").fill(pin)
    pupil.locator("form.form button[type=submit]").click()
    expect(pupil).to_have_url(re.compile(r"/vi/my-modules/$"))

    # The quiet link beside the helpline, on every page.
    link = pupil.get_by_test_id("talk-link")
    expect(link).to_have_text("Em muốn nói chuyện")
    assert link.bounding_box()["height"] >= 44
    link.click()
    expect(pupil).to_have_url(re.compile(r"/vi/talk/$"))
    expect(pupil.get_by_test_id("talk-call")).to_have_attribute("href", "tel:111")
    assert violations(pupil) == []
    pupil.get_by_label("Thầy Minh").check()
    pupil.get_by_label("Có người đối xử không tốt với em").check()
    pupil.get_by_label("Gấp: em cần được giúp sớm").check()
    pupil.locator("form.talk-form button[type=submit]").click()
    status = pupil.get_by_test_id("talk-status")
    expect(status).to_contain_text("Đã nhận. Thầy Minh sẽ sớm xem.")
    expect(pupil.get_by_test_id("talk-call")).to_be_visible()  # 111 is offered with it
    assert pupil.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert violations(pupil) == []
    talk = TalkRequest.objects.get()
    assert (talk.adult, talk.urgent, talk.about) == (teacher, True, "mean")

    # The teacher: a notice on their home, the guide, then "closed".
    teacher_context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    page = teacher_context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, url, teacher)
    page.goto(url + "/vi/schools/")
    notice = page.get_by_test_id("talk-notice")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text("Nguyễn Văn An muốn nói chuyện với thầy cô")
    assert violations(page) == []
    notice.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/vi/talk/requests/{talk.pk}/$"))
    guide = page.get_by_test_id("talk-guide")
    expect(guide).to_be_visible()
    expect(guide).to_contain_text("Không hứa giữ bí mật")
    expect(guide).to_contain_text("113")
    assert violations(page) == []

    # The pupil now reads that the teacher has seen it.
    pupil.reload()
    expect(pupil.get_by_test_id("talk-status")).to_contain_text("Thầy Minh đã xem rồi.")

    page.get_by_role("button", name="Đóng: không cần làm gì thêm").click()
    expect(page.get_by_test_id("talk-request-status")).to_contain_text("Đã đóng")
    expect(page.get_by_test_id("talk-delete-on")).to_be_visible()
    # Only a change to another status is offered now; it keeps the date of deletion.
    expect(page.get_by_test_id("talk-actions").get_by_role("button")).to_have_count(2)
    expect(page.get_by_test_id("talk-change-note")).to_be_visible()
    handled_at = TalkRequest.objects.get().handled_at
    page.get_by_role("button", name="Tôi đã chuyển (111, xã/phường, công an)").click()
    expect(page.get_by_test_id("talk-request-status")).to_contain_text("Đã chuyển")
    assert TalkRequest.objects.get().handled_at == handled_at

    # The pupil's page, which a classmate may see on a shared device: no name, no "urgent" now.
    pupil.reload()
    expect(pupil.get_by_test_id("talk-status")).to_have_text("✓✓ Một thầy cô ở trường đã xem rồi.")
    assert "gấp" not in pupil.get_by_test_id("talk-sent").inner_text().lower()
    page.goto(url + "/vi/schools/")
    expect(page.get_by_role("heading", name="Lớp của tôi")).to_be_visible()
    expect(page.get_by_test_id("talk-notice")).to_have_count(0)
    teacher_context.close()

    # Another teacher of the school, and the leader of another school: nothing, and a 404.
    for other in (colleague, stranger):
        context = browser.new_context(viewport=PHONE, locale="vi-VN")
        other_page = context.new_page()
        other_page.set_default_timeout(15_000)
        log_in(other_page, url, other)
        other_page.goto(url + "/vi/schools/")
        expect(other_page.get_by_role("heading", name="Lớp của tôi")).to_be_visible()
        expect(other_page.get_by_test_id("talk-notices")).to_have_count(0)
        assert "Nguyễn Văn An" not in other_page.content()
        response = other_page.goto(f"{url}/vi/talk/requests/{talk.pk}/")
        assert response.status == 404
        assert "Nguyễn Văn An" not in other_page.content()
        context.close()
    pupil_context.close()
