"""Teaching an assigned module in class (issue 18, item 1): the session and its slides, who may
open each page, the class's votes and quiz counts (no answer key before the reveal), the end with
the roster (only consented pupils named), and the dashboards and CSVs showing it apart from what
each pupil did alone."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from schools import selectors, services
from schools.models import ClassTaught, TeachingSession
from schools.roster import plan_from_text
from schools.teaching import module_slides
from tests.factories import AdultFactory
from tests.h5p.conftest import embed, h5p_activity  # noqa: F401
from tests.schools.conftest import consent_all


@pytest.fixture
def assignment(classroom, course, quiz, leader):
    return services.course_assign(classroom=classroom, course=course, due_on=None, by=leader)


@pytest.fixture
def session(assignment, leader):
    return services.teaching_start(assignment=assignment, by=leader, language="vi")


def slides_of(session):
    return module_slides(session.course, draw_key=f"teach-{session.pk}", language=session.language)


def position_of(session, kind, *, nth=0):
    return [i for i, s in enumerate(slides_of(session)) if s.kind == kind][nth]


def go_to(client, session, position):
    url = reverse("schools:teach_move", args=[session.classroom_id, session.pk])
    return client.post(url, {"action": "goto", "position": str(position)})


def urls(session, assignment) -> dict:
    c, s = session.classroom_id, session.pk
    return {
        "start": reverse("schools:teach_start", args=[c, assignment.pk]),
        "presenter": reverse("schools:teach_presenter", args=[c, s]),
        "screen": reverse("schools:teach_screen", args=[c, s]),
        "state": reverse("schools:teach_state", args=[c, s]),
        "move": reverse("schools:teach_move", args=[c, s]),
        "counts": reverse("schools:teach_counts", args=[c, s]),
        "end": reverse("schools:teach_end", args=[c, s]),
    }


# --- Slides -------------------------------------------------------------------------------------


def test_the_module_becomes_slides_lesson_by_lesson_then_the_quiz(session):
    kinds = [slide.kind for slide in slides_of(session)]
    # Lesson 1: heading, text, tip; lesson 2: key points, a scenario; lesson 3: discussion, helpline.
    assert kinds[:4] == ["lesson", "heading", "text", "tip"]
    assert kinds[4:7] == ["lesson", "key_points", "vote"]
    assert kinds[7:10] == ["lesson", "discussion", "helpline"]
    assert kinds[10] == "quiz"
    assert kinds[11:17] == ["question"] * 6
    assert kinds[-1] == "end"


def test_scenario_choices_are_lettered_and_keyed_by_block_ids(session):
    vote = slides_of(session)[position_of(session, "vote")]
    assert [o.letter for o in vote.options] == ["A", "B"]
    assert [o.right for o in vote.options] == [False, True]  # the second is the one recommended
    assert all(len(o.id) == 36 for o in vote.options)  # the list items' UUIDs


def test_starting_again_resumes_the_unfinished_session(assignment, leader, session):
    assert services.teaching_start(assignment=assignment, by=leader) == session
    assert TeachingSession.objects.count() == 1


def test_an_archived_class_cannot_be_taught(assignment, leader, classroom):
    services.classroom_set_active(classroom=classroom, active=False)
    assignment.classroom.refresh_from_db()
    with pytest.raises(services.SchoolError):
        services.teaching_start(assignment=assignment, by=leader)


# --- Who may open what --------------------------------------------------------------------------

ROLES = ["visitor", "pupil", "class_teacher", "colleague", "leader", "stranger_leader", "stranger_teacher"]


@pytest.fixture
def people(school, classroom, leader, pupils, other_teacher):
    class_teacher = AdultFactory(display_name="Cô Mai")
    services.staff_decide(
        membership=services.school_join_request(user=class_teacher, code=school.staff_join_code), approve=True
    )
    from schools.models import Membership

    Membership.objects.create(user=class_teacher, school=school, classroom=classroom, role="teacher")
    stranger_leader = AdultFactory()
    other_school = services.school_create(founder=stranger_leader, name="Trường B", province="hue", kind="school")
    stranger_teacher = AdultFactory()
    services.classroom_create(school=other_school, teacher=stranger_leader, name="1A", grade=1, sign_in_kind="pin")
    services.staff_decide(
        membership=services.school_join_request(user=stranger_teacher, code=other_school.staff_join_code),
        approve=True,
    )
    return {
        "visitor": None,
        "pupil": pupils[0],
        "class_teacher": class_teacher,
        "colleague": other_teacher,  # teaches another class of the same school
        "leader": leader,
        "stranger_leader": stranger_leader,
        "stranger_teacher": stranger_teacher,
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_teaching_url_as_every_role(client, people, session, assignment, role):
    user = people[role]
    if user:
        client.force_login(user)
    allowed = role in ("class_teacher", "leader")
    found = urls(session, assignment)
    outcomes = {}
    for name in ("start", "presenter", "screen", "state", "end"):
        outcomes[name] = client.get(found[name]).status_code
    outcomes["move"] = client.post(found["move"], {"action": "next"}).status_code
    vote = slides_of(session)[position_of(session, "vote")]
    outcomes["counts"] = client.post(found["counts"], {"key": vote.key, "action": "reveal"}).status_code
    for name, status in outcomes.items():
        if role == "visitor":
            assert status == 302, (name, status)
        elif allowed:
            assert status in (200, 302), (name, status)
        else:
            assert status in (403, 404), (name, status)
    session.refresh_from_db()
    assert (session.position == 1) == allowed
    assert (vote.key in session.revealed) == allowed


def test_a_session_of_another_class_is_not_found_through_this_class(client, session, leader, other_teacher, school):
    other_class = services.classroom_create(school=school, teacher=leader, name="5C", grade=5, sign_in_kind="pin")
    client.force_login(leader)
    url = reverse("schools:teach_presenter", args=[other_class.pk, session.pk])
    assert client.get(url).status_code == 404


# --- The screens --------------------------------------------------------------------------------


def test_the_dashboard_links_each_assigned_module_to_teach_it(client, leader, classroom, pupils, assignment):
    client.force_login(leader)
    page = client.get(f"/en/classes/{classroom.pk}/").content.decode()
    assert "Teach in class" in page
    assert reverse("schools:teach_start", args=[classroom.pk, assignment.pk]).replace("/vi/", "/en/") in page


def test_start_page_posts_and_opens_the_presenter(client, leader, assignment):
    client.force_login(leader)
    url = f"/en/classes/{assignment.classroom_id}/modules/{assignment.pk}/teach/"
    assert "Start teaching" in client.get(url).content.decode()
    response = client.post(url)
    session = TeachingSession.objects.get()
    assert response["Location"].endswith(f"/teach/{session.pk}/")
    assert "Go on where you stopped" in client.get(url).content.decode()


def test_moving_changes_the_slide_on_both_screens_and_the_state_version(client, leader, session, assignment):
    client.force_login(leader)
    found = urls(session, assignment)
    state = client.get(found["state"])
    etag = state["ETag"]
    assert json.loads(state.content) == {"version": 0, "position": 0, "ended": False}
    assert client.get(found["state"], HTTP_IF_NONE_MATCH=etag).status_code == 304
    response = client.post(found["move"], {"action": "next", "view": "screen"})
    assert response["Location"] == found["screen"]
    assert client.get(found["state"], HTTP_IF_NONE_MATCH=etag).status_code == 200
    session.refresh_from_db()
    assert (session.position, session.version) == (1, 1)
    heading = slides_of(session)[1].value
    assert heading in client.get(found["screen"]).content.decode()
    # Kept within the slides: before the first is the first.
    client.post(found["move"], {"action": "prev"})
    client.post(found["move"], {"action": "prev"})
    session.refresh_from_db()
    assert session.position == 0


def test_moving_with_fetch_answers_the_state_in_json(client, leader, session, assignment):
    client.force_login(leader)
    response = client.post(urls(session, assignment)["move"], {"action": "next"}, HTTP_X_REQUESTED_WITH="fetch")
    assert json.loads(response.content)["position"] == 1


def test_discussion_guidance_is_on_the_presenter_only(client, leader, assignment):
    session = services.teaching_start(assignment=assignment, by=leader, language="en")
    client.force_login(leader)
    go_to(client, session, position_of(session, "discussion"))
    found = urls(session, assignment)
    screen = client.get(found["screen"].replace("/vi/", "/en/")).content.decode()
    presenter = client.get(found["presenter"].replace("/vi/", "/en/")).content.decode()
    assert "Who do you trust?" in screen and "Who do you trust?" in presenter
    assert "Notes for the teacher." in presenter
    assert "Notes for the teacher." not in screen


def test_the_projector_has_no_site_chrome_but_a_language_and_a_skip_link(client, leader, session, assignment):
    client.force_login(leader)
    screen = client.get(urls(session, assignment)["screen"]).content.decode()
    assert '<html lang="vi">' in screen
    assert 'class="skip-link" href="#slide"' in screen
    assert 'data-testid="help-button"' not in screen
    assert "site-header" not in screen


def test_a_vote_is_counted_and_revealed_with_the_recommended_choice(client, leader, session, assignment):
    client.force_login(leader)
    found = urls(session, assignment)
    position = position_of(session, "vote")
    go_to(client, session, position)
    vote = slides_of(session)[position]
    a, b = vote.options
    recommended = next(o for o in vote.options if o.right)
    client.post(found["counts"], {"key": vote.key, f"count-{a.id}": "12", f"count-{b.id}": "20"})
    # The teacher taps + for one more (a form that works without JavaScript).
    client.post(found["counts"], {"key": vote.key, f"count-{a.id}": "12", f"count-{b.id}": "20", "bump": f"{b.id}:1"})
    session.refresh_from_db()
    assert session.votes == {vote.key: {a.id: 12, b.id: 21}}
    screen = client.get(found["screen"]).content.decode()
    assert recommended.feedback not in screen and 'data-testid="tally"' not in screen
    client.post(found["counts"], {"key": vote.key, f"count-{a.id}": "12", f"count-{b.id}": "21", "action": "reveal"})
    screen = client.get(found["screen"]).content.decode()
    assert recommended.feedback in screen
    assert "21" in screen and "slide__option--right" in screen


def test_counts_that_are_not_numbers_are_refused_with_a_message(client, leader, session, assignment):
    client.force_login(leader)
    vote = slides_of(session)[position_of(session, "vote")]
    a, _b = vote.options
    response = client.post(
        urls(session, assignment)["counts"].replace("/vi/", "/en/"),
        {"key": vote.key, f"count-{a.id}": "lots"},
        follow=True,
    )
    assert "Type each count as a whole number" in response.content.decode()
    session.refresh_from_db()
    assert session.votes == {}


def test_quiz_round_shows_no_answer_key_before_the_reveal(client, leader, session, assignment, quiz):
    client.force_login(leader)
    found = urls(session, assignment)
    first = position_of(session, "question")
    question = slides_of(session)[first]
    go_to(client, session, first)
    right = next(o for o in question.options if o.right)
    wrong = next(o for o in question.options if not o.right)
    explanation = question.explanation
    assert explanation
    for view in ("screen", "presenter"):
        page = client.get(found[view]).content.decode()
        assert question.prompt in page
        assert right.feedback not in page and wrong.feedback not in page and explanation not in page
        assert "slide__option--right" not in page and "✓" not in page
    state = client.get(found["state"]).content.decode()
    assert right.id not in state and "feedback" not in state
    client.post(found["counts"], {"key": question.key, f"count-{right.id}": "25", f"count-{wrong.id}": "6"})
    client.post(
        found["counts"],
        {"key": question.key, f"count-{right.id}": "25", f"count-{wrong.id}": "6", "action": "reveal"},
    )
    session.refresh_from_db()
    assert session.quiz_counts == {question.key: {right.id: 25, wrong.id: 6}}
    screen = client.get(found["screen"]).content.decode()
    assert right.feedback in screen and explanation in screen and "slide__option--right" in screen


def test_true_false_and_matching_questions_in_the_class_round(session):
    questions = [s for s in slides_of(session) if s.kind == "question"]
    true_false = next(q for q in questions if [o.id for o in q.options] == ["true", "false"])
    assert [o.right for o in true_false.options] == [False, True]
    matching = next(q for q in questions if q.pairs)
    assert not matching.countable and len(matching.matches) == len(matching.pairs) == 3
    assert len(matching.answer) == 3


# --- The end: taught in class -------------------------------------------------------------------


def test_ending_records_the_roster_names_only_consented_pupils(client, leader, session, assignment, pupils):
    an, binh, chau = pupils
    consent_all([an, binh], leader)
    client.force_login(leader)
    url = urls(session, assignment)["end"]
    page = client.get(url).content.decode()
    assert page.count('data-testid="present"') == 3 and page.count("checked") == 3
    today = timezone.localdate()
    response = client.post(url, {"pupils": [an.pk, chau.pk], "others": "2", "taught_on": today.isoformat()})
    assert response.status_code == 302
    record = ClassTaught.objects.get()
    assert record.present_count == 4  # An, Châu (consent missing: counted, not named) and two more
    assert list(record.present_pupils.all()) == [an]
    session.refresh_from_db()
    assert session.ended_at is not None
    entry = ModelLogEntry.objects.get(action="schools.class_taught")
    assert entry.data["present"] == 4 and entry.user == leader


def test_a_date_to_come_is_refused(client, leader, session, assignment, pupils):
    client.force_login(leader)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        urls(session, assignment)["end"].replace("/vi/", "/en/"),
        {"pupils": [pupils[0].pk], "taught_on": tomorrow.isoformat()},
    )
    assert response.status_code == 400
    assert "That date is still to come" in response.content.decode()
    assert not ClassTaught.objects.exists()


def test_withdrawing_consent_removes_the_pupil_from_the_records(session, leader, pupils):
    an, binh, _chau = pupils
    consent_all([an, binh], leader)
    record = services.class_taught_record(
        session=session, taught_on=timezone.localdate(), present=[an, binh], others=0, by=leader
    )
    deleted = services.consent_withdraw(pupil=an, by=leader)
    assert deleted["taught_in_class"] == 1
    record.refresh_from_db()
    assert list(record.present_pupils.all()) == [binh]
    assert record.present_count == 2  # the class's number stays: no one's data


def test_the_dashboard_and_csv_show_it_apart_from_the_pupils_own_work(client, leader, classroom, session, pupils):
    an, binh, _chau = pupils
    consent_all([an, binh], leader)
    services.class_taught_record(
        session=session, taught_on=datetime.date(2026, 12, 1), present=[an], others=30, by=leader
    )
    dashboard = selectors.class_dashboard(classroom=classroom)
    column = dashboard.columns[0]
    assert (column.taught.taught_on, column.taught.present) == (datetime.date(2026, 12, 1), 31)
    assert column.done == 0  # taught in class is not the pupils' own completion
    cells = {row.pupil: row.cells[0] for row in dashboard.rows}
    assert cells[an].taught_on == datetime.date(2026, 12, 1) and cells[an].status == "not_started"
    assert cells[binh].taught_on is None
    client.force_login(leader)
    page = client.get(f"/en/classes/{classroom.pk}/").content.decode()
    assert "Taught in class on 1/12/2026 (31 pupils present)" in page
    assert page.count('data-testid="pupil-taught"') == 1
    rows = list(csv.reader(io.StringIO(client.get(f"/en/classes/{classroom.pk}/export.csv").content.decode())))
    header = rows[0]
    column_index = next(i for i, name in enumerate(header) if name.endswith("(taught in class, pupil present)"))
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[an.display_name][column_index] == "2026-12-01"
    assert by_name[binh.display_name][column_index] == ""
    school_rows = list(
        csv.reader(io.StringIO(client.get(f"/en/schools/{classroom.school_id}/export.csv").content.decode()))
    )
    assert school_rows[0][-2:] == ["Last taught in class on", "Pupils present then"]
    assert school_rows[1][-2:] == ["2026-12-01", "31"]
    school_page = client.get(f"/en/schools/{classroom.school_id}/").content.decode()
    assert "taught in class on 1/12/2026 (31 pupils present)" in school_page
    detail = client.get(f"/en/classes/{classroom.pk}/pupils/{an.pk}/").content.decode()
    assert 'data-testid="pupil-detail-taught"' in detail


def test_the_dashboard_follows_a_new_record_and_a_withdrawal(client, leader, classroom, session, pupils):
    an = pupils[0]
    consent_all([an], leader)
    client.force_login(leader)
    url = f"/en/classes/{classroom.pk}/"
    assert "pupil-taught" not in client.get(url).content.decode()
    services.class_taught_record(session=session, taught_on=timezone.localdate(), present=[an], others=0, by=leader)
    assert 'data-testid="pupil-taught"' in client.get(url).content.decode()
    services.consent_withdraw(pupil=an, by=leader)
    assert 'data-testid="pupil-taught"' not in client.get(url).content.decode()


def test_recording_the_same_day_again_replaces_it(session, leader, pupils, assignment):
    today = timezone.localdate()
    services.class_taught_record(session=session, taught_on=today, present=pupils, others=0, by=leader)
    again = services.teaching_start(assignment=assignment, by=leader)
    assert again != session
    services.class_taught_record(session=again, taught_on=today, present=pupils[:1], others=0, by=leader)
    assert list(ClassTaught.objects.values_list("present_count", flat=True)) == [1]


def test_a_pupil_of_another_class_cannot_be_ticked(client, leader, session, assignment, school):
    other = services.classroom_create(school=school, teacher=leader, name="9Z", grade=9, sign_in_kind="pin")
    (stranger,) = services.roster_import(classroom=other, plan=plan_from_text("Người Lạ", existing_names=set()))
    client.force_login(leader)
    response = client.post(
        urls(session, assignment)["end"], {"pupils": [stranger.pk], "taught_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 400
    assert not ClassTaught.objects.exists()


def test_an_h5p_activity_is_done_on_a_device(client, leader, session, assignment, lessons, h5p_activity, h5p_storage):  # noqa: F811
    embed(lessons[0], h5p_activity)
    position = position_of(session, "h5p")
    assert slides_of(session)[position].title == "Spot the risk"
    client.force_login(leader)
    go_to(client, session, position)
    screen = client.get(urls(session, assignment)["screen"]).content.decode()
    assert "Spot the risk" in screen and "slide--h5p" in screen
    assert "<iframe" not in screen  # no player on the projector


def test_a_questions_picture_is_on_the_projector(client, leader, session, assignment, quiz, settings, tmp_path):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    settings.MEDIA_ROOT = str(tmp_path)
    image = Image.objects.create(title="t", file=get_test_image_file())
    data = list(quiz.questions.raw_data)
    data[0]["value"]["picture"] = {"image": image.pk, "alt": "Một ổ khóa"}
    quiz.questions = data
    quiz.save_revision().publish()
    client.force_login(leader)
    go_to(client, session, position_of(session, "question"))
    screen = client.get(urls(session, assignment)["screen"]).content.decode()
    assert 'alt="Một ổ khóa"' in screen


def test_the_school_dashboard_reads_taught_records_in_one_query(
    django_assert_num_queries, school, classroom, leader, session, pupils
):
    services.class_taught_record(session=session, taught_on=timezone.localdate(), present=pupils, others=0, by=leader)
    with django_assert_num_queries(7):
        rows = selectors.school_dashboard(school=school)
    assert rows[0].cells[0].taught.present == 3


def test_the_leader_reads_the_record_in_the_audit_log(client, leader, session, pupils, school):
    services.class_taught_record(session=session, taught_on=timezone.localdate(), present=pupils, others=0, by=leader)
    client.force_login(leader)
    page = client.get(f"/en/schools/{school.pk}/audit/").content.decode()
    assert "Module recorded as taught in class" in page
