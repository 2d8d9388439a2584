"""Progress reports for parents (issue 18, item 2): a printable PDF per pupil with consent, and one
for the whole class; for the class's teacher and the school's leader only; audit-logged."""

import random
import uuid

import pytest
import yaml
from django.urls import reverse
from wagtail.models import ModelLogEntry

from progress.services import step_complete
from quizzes.demo import simulated_answers
from quizzes.services import attempt_submit, questions_of
from schools import services
from schools.models import Membership
from schools.roster import plan_from_text
from tests.certificates.conftest import pdf_text, poppler  # noqa: F401
from tests.conftest import FIXTURE_MODULE
from tests.factories import AdultFactory
from tests.schools.conftest import consent_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(classroom, course, leader, quiz):
    return services.course_assign(classroom=classroom, course=course, due_on=None, by=leader)


@pytest.fixture
def finished(pupils, leader, lessons, quiz, assigned):
    """An finished the module and passed its quiz; Bình has consent and started; Châu has no consent."""
    an, binh, _chau = pupils
    consent_all([an, binh], leader)
    for lesson in lessons:
        step_complete(learner=an, page=lesson)
    answers = simulated_answers(questions_of(quiz), rng=random.Random(7), skill=1.0)
    attempt_submit(learner=an, quiz=quiz, submission_key=uuid.uuid4(), answers=answers)
    step_complete(learner=binh, page=lessons[0])
    return pupils


def words(data: bytes, tmp_path) -> str:
    assert data.startswith(b"%PDF")
    return " ".join(pdf_text(data, tmp_path).split())


def report_url(classroom, pupil, language="en"):
    return f"/{language}" + reverse("schools:pupil_report", args=[classroom.pk, pupil.pk])[3:]


def test_the_pupils_report_in_english(client, leader, classroom, finished, tmp_path, poppler):  # noqa: F811
    an = finished[0]
    client.force_login(leader)
    response = client.get(report_url(classroom, an))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = words(response.content, tmp_path)
    assert "Progress report for the family" in text
    assert "Nguyễn Văn An" in text and "3A" in text and "Trường Tiểu học Hoa Sen" in text
    assert "Secrets and you" in text and "Finished" in text and "Passed" in text
    assert "Choose a trusted adult together with your child." in text  # at home, for a finished module
    assert "National Child Protection Hotline" in text and "111" in text
    assert "Trần Thị Bình" not in text  # only this pupil


def test_a_started_module_shows_its_progress_and_no_things_to_do_yet(
    client,
    leader,
    classroom,
    finished,
    tmp_path,
    poppler,  # noqa: F811
):
    client.force_login(leader)
    text = words(client.get(report_url(classroom, finished[1])).content, tmp_path)
    assert "Trần Thị Bình" in text and "25% done" in text and "Not taken yet" in text
    assert "Choose a trusted adult" not in text


def test_the_report_holds_no_answer(client, leader, classroom, finished, tmp_path, poppler):  # noqa: F811
    client.force_login(leader)
    text = words(client.get(report_url(classroom, finished[0])).content, tmp_path)
    quiz = yaml.safe_load((FIXTURE_MODULE / "en.yaml").read_text(encoding="utf-8"))["quiz"]
    for question in quiz["questions"]:
        ((_kind, value),) = question.items()
        assert value["explanation"] not in text
        for choice in value.get("choices") or []:
            assert choice["text"] not in text


def test_no_report_without_consent_and_the_page_says_how_to_get_it(client, leader, classroom, finished):
    chau = finished[2]
    client.force_login(leader)
    response = client.get(report_url(classroom, chau))
    assert response.status_code == 409 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "their family's consent is missing" in html and "/consent/" in html  # the online consent link
    detail = client.get(f"/en/classes/{classroom.pk}/pupils/{chau.pk}/").content.decode()
    assert "No report without consent" in detail and "report.pdf" not in detail
    assert not ModelLogEntry.objects.filter(action="schools.parent_report_printed").exists()


def test_the_pupil_page_links_the_report_when_there_is_consent(client, leader, classroom, finished):
    client.force_login(leader)
    html = client.get(f"/en/classes/{classroom.pk}/pupils/{finished[0].pk}/").content.decode()
    assert f"/en/classes/{classroom.pk}/pupils/{finished[0].pk}/report.pdf" in html


def test_the_class_pdf_skips_pupils_without_consent_and_says_how_many(
    client,
    leader,
    classroom,
    finished,
    tmp_path,
    poppler,  # noqa: F811
):
    client.force_login(leader)
    response = client.get(f"/en/classes/{classroom.pk}/reports.pdf")
    assert response.status_code == 200
    text = words(response.content, tmp_path)
    assert "Nguyễn Văn An" in text and "Trần Thị Bình" in text
    assert "Lê Minh Châu" not in text
    assert "1 pupil has no report: their family's consent is missing" in text
    entry = ModelLogEntry.objects.get(action="schools.parent_reports_printed")
    assert entry.user == leader and entry.data == {"reports": 2, "skipped": 1}


def test_a_class_without_any_consent_has_no_pdf(client, leader, classroom, pupils, assigned):
    client.force_login(leader)
    response = client.get(f"/en/classes/{classroom.pk}/reports.pdf")
    assert response.status_code == 409
    assert "No pupil of the class has their family's consent yet (3 pupils)" in response.content.decode()


def test_each_print_is_in_the_audit_log(client, leader, classroom, finished):
    client.force_login(leader)
    client.get(report_url(classroom, finished[0]))
    entry = ModelLogEntry.objects.get(action="schools.parent_report_printed")
    assert entry.user == leader and entry.data == {"pupil": finished[0].pk}
    assert entry.object_id == str(classroom.pk)


@pytest.fixture
def strangers(school, classroom):
    """Every role that must not see the class's reports."""
    colleague = AdultFactory(display_name="Thầy Nam")
    services.staff_decide(
        membership=services.school_join_request(user=colleague, code=school.staff_join_code), approve=True
    )
    services.classroom_create(school=school, teacher=colleague, name="3B", grade=3, sign_in_kind="pin")
    other_leader = AdultFactory()
    services.school_create(founder=other_leader, name="Trường B", province="hue", kind="school")
    return {"colleague": colleague, "other_leader": other_leader}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("class_teacher", 200),
        ("leader", 200),
        ("colleague", 404),  # a teacher of the same school who does not teach the class
        ("other_leader", 404),  # the leader of another school
        ("pupil", 403),  # the pupil themselves: the report is for their family, through the teacher
        ("other_pupil", 403),
        ("visitor", 302),  # sent to log in
    ],
)
def test_only_the_class_teacher_and_the_leader_print_reports(
    client, school, classroom, finished, strangers, role, expected
):
    def staff(make_leader=False):
        user = AdultFactory()
        membership = services.school_join_request(user=user, code=school.staff_join_code)
        services.staff_decide(membership=membership, approve=True)
        if make_leader:
            services.staff_make_leader(membership=membership)
        return user

    users = {"pupil": finished[0], "other_pupil": None, "visitor": None, **strangers}
    if role == "class_teacher":
        # A teacher of the school who teaches this class (and leads nothing).
        users["class_teacher"] = staff()
        Membership.objects.create(user=users["class_teacher"], school=school, classroom=classroom, role="teacher")
    if role == "leader":
        users["leader"] = staff(make_leader=True)  # a leader of the school who does not teach the class
    if role == "other_pupil":
        other = services.classroom_create(
            school=school, teacher=strangers["colleague"], name="3C", grade=3, sign_in_kind="pin"
        )
        users["other_pupil"] = services.roster_import(classroom=other, plan=plan_from_text("Tú", existing_names=set()))[
            0
        ]
    if users[role]:
        client.force_login(users[role])
    for url in (report_url(classroom, finished[0]), f"/en/classes/{classroom.pk}/reports.pdf"):
        response = client.get(url)
        assert response.status_code == expected, (role, url)
        if expected == 302:
            assert "/accounts/login/" in response["Location"]


def test_the_class_dashboard_links_each_modules_kit_and_the_families_reports(
    client, leader, classroom, course, assigned
):
    client.force_login(leader)
    html = client.get(f"/en/classes/{classroom.pk}/").content.decode()
    en = course.get_translation(course.locale.__class__.objects.get(language_code="en"))
    assert f'href="/en/kit/{en.pk}/plan.pdf?period=35"' in html  # grade 3: a 35-minute period first
    assert f'href="/en/kit/{en.pk}/plan.pdf?period=45"' in html
    assert f'href="/en/kit/{en.pk}/worksheet.pdf"' in html and f'href="/en/kit/{en.pk}/family.pdf"' in html
    assert f'href="/en/f/{en.pk}/"' in html
    assert f'href="/en/classes/{classroom.pk}/reports.pdf"' in html


def test_the_report_file_names_never_carry_the_class_code(client, leader, classroom, finished):
    client.force_login(leader)
    for url in (report_url(classroom, finished[0]), f"/en/classes/{classroom.pk}/reports.pdf"):
        disposition = client.get(url)["Content-Disposition"]
        assert classroom.class_code not in disposition and classroom.name.lower() in disposition, disposition
