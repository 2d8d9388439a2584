"""Teaching an assigned module in class (issue 18, item 1): the session and its slides, who may
open each page, the class's votes and quiz counts (no answer key before the reveal), the end with
the roster (only consented pupils named), and the dashboards and CSVs showing it apart from what
each pupil did alone."""

import csv
import datetime
import io
import json
import re

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


# --- The projector's link (no sign-in) ----------------------------------------------------------


def projector(session, name="projector_screen"):
    return reverse(f"schools:{name}", args=[session.screen_code]).replace("/vi/", "/en/")


def test_the_presenter_shows_the_projector_link_and_its_qr_code(client, leader, session, assignment):
    client.force_login(leader)
    page = client.get(urls(session, assignment)["presenter"].replace("/vi/", "/en/")).content.decode()
    # In the session's language (Vietnamese), whatever the presenter's address.
    assert f"http://testserver/vi/projector/{session.screen_code}/" in page
    assert 'data-testid="projector-qr"' in page and "data:image/svg+xml" in page
    assert "open this link without signing in" in page


def test_the_projector_link_opens_the_screen_and_moves_it_without_signing_in(client, session):
    screen = client.get(projector(session))
    assert screen.status_code == 200
    page = screen.content.decode()
    assert 'data-testid="slide"' in page and f"1 / {len(slides_of(session))}" in page
    assert screen["Referrer-Policy"] == "same-origin"  # the code in the address goes to no other site
    response = client.post(projector(session, "projector_move"), {"action": "next"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "schools:projector_screen", args=[session.screen_code]
    )
    session.refresh_from_db()
    assert session.position == 1
    state = client.get(projector(session, "projector_state"))
    assert json.loads(state.content) == {"version": 1, "position": 1, "ended": False}
    # A clicker's key posts with fetch: the answer is the state.
    response = client.post(projector(session, "projector_move"), {"action": "prev"}, HTTP_X_REQUESTED_WITH="fetch")
    assert json.loads(response.content)["position"] == 0


def test_the_projector_page_has_no_talk_notice_and_no_link_to_staff_pages(client, leader, session, pupils):
    services.talk_request_create(pupil=pupils[0], adult_id=leader.pk, urgent=True)
    client.force_login(leader)
    # Signed in, the staff home shows the notice: the projector's link must not.
    assert "Nguyễn Văn An wants to talk to you" in client.get("/en/schools/").content.decode()
    for who in ("teacher", "nobody"):
        if who == "nobody":
            client.logout()
        page = client.get(projector(session)).content.decode()
        assert "wants to talk" not in page and "Nguyễn Văn An" not in page
        assert "site-header" not in page and "site-nav" not in page
        # No roster, no staff pages: its only address is the projector's own.
        assert not re.search(r'(href|action)="/(vi|en)/(?!projector/)', page)
        assert "Cần giúp đỡ? Gọi 111" in page  # the helpline, discreetly, in the bar (the session's language)


def test_the_projector_link_gives_only_its_session(client, leader, session, school, classroom, course):
    other_class = services.classroom_create(school=school, teacher=leader, name="5C", grade=5, sign_in_kind="pin")
    other = services.teaching_start(
        assignment=services.course_assign(classroom=other_class, course=course, due_on=None, by=leader),
        by=leader,
        language="vi",
    )
    client.get(projector(session))  # the projector holds session's code, not signed in
    assert client.get(reverse("schools:teach_screen", args=[other_class.pk, other.pk])).status_code == 302
    assert client.get(reverse("schools:teach_screen", args=[classroom.pk, session.pk])).status_code == 302
    assert client.get(reverse("schools:teach_state", args=[other_class.pk, other.pk])).status_code == 302
    assert client.get(reverse("schools:projector_screen", args=["ABCDEFGH23"])).status_code == 404
    client.post(projector(session, "projector_move"), {"action": "next"})
    other.refresh_from_db()
    assert other.position == 0


def test_the_projector_link_cannot_count_reveal_jump_or_end(client, session, assignment, pupils):
    found = urls(session, assignment)
    vote = slides_of(session)[position_of(session, "vote")]
    client.get(projector(session))
    assert client.post(found["counts"], {"key": vote.key, "action": "reveal"}).status_code == 302  # to sign in
    assert client.post(found["end"], {"pupils": [pupils[0].pk], "taught_on": "2026-12-01"}).status_code == 302
    assert client.post(projector(session, "projector_move"), {"action": "goto", "position": "9"}).status_code == 400
    assert client.post(projector(session).replace("/projector/", "/projector/counts/")).status_code == 404
    session.refresh_from_db()
    assert (session.position, session.revealed, session.ended_at) == (0, [], None)
    assert not ClassTaught.objects.exists()


def test_the_projector_link_stops_when_the_session_ends(client, leader, session):
    link, state, move = projector(session), projector(session, "projector_state"), projector(session, "projector_move")
    services.class_taught_record(session=session, taught_on=timezone.localdate(), present=[], others=20, by=leader)
    response = client.get(link)
    assert response.status_code == 404
    assert "This projector link does not work any more" in response.content.decode()
    assert client.get(state).status_code == 404  # the open screen's polling hears it, and reloads
    assert client.post(move, {"action": "next"}).status_code == 404


def test_the_projector_link_expires_12_hours_after_the_last_activity(client, leader, session, assignment):
    link = projector(session)
    assert client.get(link).status_code == 200
    long_ago = timezone.now() - datetime.timedelta(hours=12, minutes=1)
    # Issued long ago, but the lesson moved an hour ago: the link still works.
    TeachingSession.objects.filter(pk=session.pk).update(
        screen_code_at=long_ago, resumed_at=long_ago, moved_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert client.get(link).status_code == 200
    TeachingSession.objects.filter(pk=session.pk).update(moved_at=long_ago)
    response = client.get(link)
    assert response.status_code == 404
    assert "press “New projector link”" in response.content.decode()
    # The presenter no longer shows the dead link, but a button that makes a new one.
    client.force_login(leader)
    presenter = urls(session, assignment)["presenter"].replace("/vi/", "/en/")
    page = client.get(presenter).content.decode()
    assert session.screen_code not in page and 'data-testid="projector-link"' not in page
    assert "New projector link" in page
    response = client.post(reverse("schools:teach_projector_link", args=[session.classroom_id, session.pk]))
    assert response.status_code == 302 and response["Location"].endswith(f"/teach/{session.pk}/")
    session.refresh_from_db()
    assert projector(session) != link
    page = client.get(presenter).content.decode()
    assert f"/vi/projector/{session.screen_code}/" in page and "New projector link" not in page
    client.logout()
    assert client.get(projector(session)).status_code == 200
    assert client.get(link).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_a_new_projector_link_as_every_role(client, people, session, role):
    user = people[role]
    if user:
        client.force_login(user)
    code = session.screen_code
    response = client.post(reverse("schools:teach_projector_link", args=[session.classroom_id, session.pk]))
    session.refresh_from_db()
    if role in ("class_teacher", "leader"):
        assert response.status_code == 302 and session.screen_code != code
    else:
        assert response.status_code in (302, 403, 404) and session.screen_code == code
        if role != "visitor":
            assert response.status_code in (403, 404)


def test_a_restricted_module_has_no_projector_link(client, leader, session, assignment, course):
    from wagtail.models import PageViewRestriction

    link = projector(session)
    PageViewRestriction.objects.create(page=course.get_parent(), restriction_type=PageViewRestriction.LOGIN)
    assert client.get(link).status_code == 404
    assert client.get(projector(session, "projector_state")).status_code == 404
    client.force_login(leader)
    found = urls(session, assignment)
    page = client.get(found["presenter"].replace("/vi/", "/en/")).content.decode()
    assert 'data-testid="projector-link"' not in page and session.screen_code not in page
    assert "no link that opens without signing in" in page and "New projector link" not in page
    # The signed-in projector view still works for the class's staff.
    assert client.get(found["screen"]).status_code == 200


def test_a_restricted_lesson_is_left_out_of_the_slides(client, leader, session, assignment, lessons):
    from wagtail.models import PageViewRestriction

    hidden = lessons[0]
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    kinds = [slide.kind for slide in slides_of(session)]
    assert kinds[:3] == ["lesson", "key_points", "vote"]  # the first lesson is gone
    assert hidden.title not in [slide.title for slide in slides_of(session)]
    client.force_login(leader)
    page = client.get(urls(session, assignment)["presenter"].replace("/vi/", "/en/")).content.decode()
    assert 'data-testid="left-out"' in page and hidden.title in page
    assert "site restricts who may see it" in page
    client.logout()
    # The projector's link still works (the module itself is public) and shows the rest only.
    assert client.get(projector(session)).status_code == 200


def test_starting_again_gives_a_new_projector_link(client, leader, session, assignment):
    old = projector(session)
    client.force_login(leader)
    client.post(urls(session, assignment)["start"], {"action": "again"})
    client.logout()
    assert client.get(old).status_code == 404
    fresh = TeachingSession.objects.get(ended_at__isnull=True)
    assert client.get(projector(fresh)).status_code == 200


def test_resuming_keeps_the_projector_link(client, leader, session, assignment):
    client.force_login(leader)
    client.post(urls(session, assignment)["start"])
    client.logout()
    assert client.get(projector(session)).status_code == 200


# --- Unfinished sessions: start again, stale, the clock -----------------------------------------


def test_an_old_session_says_it_was_not_recorded_and_its_end_page_sends_back(client, leader, session, assignment):
    client.force_login(leader)
    old = {name: url.replace("/vi/", "/en/") for name, url in urls(session, assignment).items()}
    client.post(old["start"], {"action": "again"})
    page = client.get(old["presenter"]).content.decode()
    assert "This lesson was started again or left unfinished; it was not recorded." in page
    assert "recorded as taught in class" not in page
    response = client.get(old["end"])
    assert response.status_code == 302 and response["Location"] == old["start"]
    page = client.get(old["start"]).content.decode()
    assert "This lesson was started again or left unfinished; it was not recorded." in page
    response = client.post(old["end"], {"pupils": [], "others": 20, "taught_on": timezone.localdate().isoformat()})
    assert response.status_code == 302 and not ClassTaught.objects.exists()


def test_a_recorded_session_says_it_was_recorded(client, leader, session, assignment):
    services.class_taught_record(session=session, taught_on=timezone.localdate(), present=[], others=20, by=leader)
    client.force_login(leader)
    page = client.get(urls(session, assignment)["presenter"].replace("/vi/", "/en/")).content.decode()
    assert "This lesson has ended and is recorded as taught in class." in page
    assert "not recorded" not in page
    assert client.get(urls(session, assignment)["end"]).status_code == 200


def test_next_on_the_last_slide_and_previous_on_the_first_reload_nothing(leader, session):
    count = len(slides_of(session))
    version = session.version
    services.teaching_move(session=session, position=-1, slides=count)
    session.refresh_from_db()
    assert (session.position, session.version) == (0, version)
    services.teaching_move(session=session, position=count - 1, slides=count)
    session.refresh_from_db()
    assert session.version == version + 1
    services.teaching_move(session=session, position=count, slides=count)
    session.refresh_from_db()
    assert (session.position, session.version) == (count - 1, version + 1)


def test_counts_reload_the_projector_only_once_revealed(leader, session):
    vote = slides_of(session)[position_of(session, "vote")]
    a, b = (option.id for option in vote.options)
    version = session.version
    services.teaching_counts(session=session, key=vote.key, quiz=False, options=[a, b], counts={a: 3, b: 4})
    session.refresh_from_db()
    assert session.version == version and session.votes == {vote.key: {a: 3, b: 4}}
    services.teaching_reveal(session=session, key=vote.key)
    session.refresh_from_db()
    assert session.version == version + 1
    services.teaching_counts(session=session, key=vote.key, quiz=False, options=[a, b], counts={a: 3, b: 5})
    session.refresh_from_db()
    assert session.version == version + 2  # the tallies on the projector changed
    services.teaching_counts(session=session, key=vote.key, quiz=False, options=[a, b], counts={a: 3, b: 5})
    session.refresh_from_db()
    assert session.version == version + 2  # the same counts again: nothing to reload


def test_a_teacher_removed_from_the_school_ends_their_sessions_unrecorded(client, school, classroom, course, leader):
    from schools.models import Membership

    teacher = AdultFactory()
    joined = services.school_join_request(user=teacher, code=school.staff_join_code)
    services.staff_decide(membership=joined, approve=True)
    Membership.objects.create(user=teacher, school=school, classroom=classroom, role="teacher")
    assignment = services.course_assign(classroom=classroom, course=course, due_on=None, by=leader)
    theirs = services.teaching_start(assignment=assignment, by=teacher, language="vi")
    link = projector(theirs)
    assert client.get(link).status_code == 200
    services.staff_remove(membership=Membership.objects.get(user=teacher, school=school, classroom=None))
    theirs.refresh_from_db()
    assert theirs.ended_at is not None and theirs.screen_code is None
    assert not ClassTaught.objects.exists()
    assert client.get(link).status_code == 404


def test_start_again_from_the_beginning_ends_the_old_session_unrecorded(client, leader, session, assignment):
    question = next(s for s in slides_of(session) if s.kind == "question")
    services.teaching_reveal(session=session, key=question.key)
    go_to_position = position_of(session, "question")
    services.teaching_move(session=session, position=go_to_position, slides=len(slides_of(session)))
    client.force_login(leader)
    start = urls(session, assignment)["start"].replace("/vi/", "/en/")
    assert 'data-testid="start-again"' in client.get(start).content.decode()
    response = client.post(start, {"action": "again"})
    fresh = TeachingSession.objects.get(ended_at__isnull=True)
    assert fresh != session and response["Location"].endswith(f"/teach/{fresh.pk}/")
    assert (fresh.position, fresh.revealed, fresh.quiz_counts) == (0, [], {})
    session.refresh_from_db()
    assert session.ended_at is not None
    assert not ClassTaught.objects.exists()  # ended, not recorded as taught


def test_a_session_left_alone_for_12_hours_is_not_resumed(client, leader, session, assignment):
    TeachingSession.objects.filter(pk=session.pk).update(moved_at=timezone.now() - datetime.timedelta(hours=13))
    client.force_login(leader)
    start = urls(session, assignment)["start"].replace("/vi/", "/en/")
    page = client.get(start).content.decode()
    assert "Start teaching" in page and "Go on where you stopped" not in page
    response = client.post(start)
    fresh = TeachingSession.objects.get(ended_at__isnull=True)
    assert fresh != session and response["Location"].endswith(f"/teach/{fresh.pk}/")


def test_the_clock_counts_from_the_resume(client, leader, session, assignment):
    week_ago = timezone.now() - datetime.timedelta(days=7)
    TeachingSession.objects.filter(pk=session.pk).update(
        started_at=week_ago, resumed_at=week_ago, moved_at=timezone.now() - datetime.timedelta(hours=1)
    )
    client.force_login(leader)
    found = urls(session, assignment)
    client.post(found["start"])
    page = client.get(found["presenter"].replace("/vi/", "/en/")).content.decode()
    assert 'data-testid="elapsed">0 minutes</time>' in page
    assert "10080" not in page


# --- Numbers, ends, archived classes, unassigned and unpublished modules ------------------------


@pytest.mark.parametrize("raw", ["²", "9" * 5000, "501", "-1", "1.5"])
def test_a_count_that_is_not_a_whole_number_up_to_500_is_refused(client, leader, session, assignment, raw):
    client.force_login(leader)
    vote = slides_of(session)[position_of(session, "vote")]
    response = client.post(
        urls(session, assignment)["counts"].replace("/vi/", "/en/"),
        {"key": vote.key, f"count-{vote.options[0].id}": raw},
        follow=True,
    )
    assert response.status_code == 200
    assert "Type each count as a whole number from 0 to 500, then save again." in response.content.decode()
    session.refresh_from_db()
    assert session.votes == {}


@pytest.mark.parametrize("raw", ["²", "9" * 5000, "x"])
def test_a_slide_number_that_is_not_a_number_is_refused(client, leader, session, assignment, raw):
    client.force_login(leader)
    response = client.post(urls(session, assignment)["move"], {"action": "goto", "position": raw})
    assert response.status_code == 400
    session.refresh_from_db()
    assert session.position == 0


def test_an_ended_session_cannot_be_recorded_again_for_another_day(client, leader, session, assignment, pupils):
    client.force_login(leader)
    end = urls(session, assignment)["end"].replace("/vi/", "/en/")
    today = timezone.localdate()
    ids = [p.pk for p in pupils]
    assert client.post(end, {"pupils": ids, "taught_on": today.isoformat(), "others": 0}).status_code == 302
    # Back, and sent again for another day: refused, with what to do.
    earlier = (today - datetime.timedelta(days=3)).isoformat()
    response = client.post(end, {"pupils": ids[:1], "taught_on": earlier, "others": 0})
    assert response.status_code == 400
    assert "This lesson is already recorded as taught." in response.content.decode()
    # The same day again corrects who was there.
    assert client.post(end, {"pupils": ids[:2], "taught_on": today.isoformat(), "others": 0}).status_code == 302
    assert list(ClassTaught.objects.values_list("present_count", flat=True)) == [2]


def test_an_archived_class_cannot_be_moved_nor_recorded(client, leader, session, assignment, classroom, pupils):
    services.classroom_set_active(classroom=classroom, active=False)
    client.force_login(leader)
    found = {name: url.replace("/vi/", "/en/") for name, url in urls(session, assignment).items()}
    response = client.post(found["move"], {"action": "next"}, follow=True)
    assert "This class is archived: make it active again before teaching it." in response.content.decode()
    response = client.post(found["end"], {"pupils": [p.pk for p in pupils], "taught_on": timezone.localdate()})
    assert response.status_code == 400
    session.refresh_from_db()
    assert session.position == 0 and not ClassTaught.objects.exists()


def test_an_unassigned_module_says_so_and_cannot_be_recorded(client, leader, session, assignment, pupils):
    found = {name: url.replace("/vi/", "/en/") for name, url in urls(session, assignment).items()}
    services.course_unassign(assignment=assignment)
    client.force_login(leader)
    message = "This module is no longer assigned to the class: assign it again from the class&#x27;s page to teach it."
    assert message in client.get(found["presenter"]).content.decode()
    response = client.post(found["end"], {"pupils": [p.pk for p in pupils], "taught_on": timezone.localdate()})
    assert response.status_code == 400 and message in response.content.decode()
    assert not ClassTaught.objects.exists()


def test_an_unpublished_module_says_so_on_both_screens(client, leader, session, assignment, course, en_course):
    en_course.unpublish()
    course.unpublish()
    client.force_login(leader)
    found = urls(session, assignment)
    presenter = client.get(found["presenter"].replace("/vi/", "/en/")).content.decode()
    assert "This module has been unpublished on the site, so its slides cannot be shown." in presenter
    TeachingSession.objects.filter(pk=session.pk).update(language="en")
    screen = client.get(found["screen"]).content.decode()
    assert "This lesson cannot be shown at the moment." in screen
    assert 'data-testid="slide-number"' not in screen


# --- Languages, videos without JavaScript -------------------------------------------------------


def test_both_screens_show_the_sessions_language_and_the_same_slides(client, leader, assignment, en_course):
    session = services.teaching_start(assignment=assignment, by=leader, language="vi")
    client.force_login(leader)
    found = urls(session, assignment)
    total = len(slides_of(session))
    presenter = client.get(found["presenter"].replace("/vi/", "/en/")).content.decode()
    screen = client.get(found["screen"].replace("/vi/", "/en/")).content.decode()
    assert f"Slide 1 of {total}" in presenter
    assert f"1 / {total}" in screen and '<html lang="vi">' in screen
    assert session.course.title in screen  # the Vietnamese module, not its translation
    assert en_course.title not in screen


def test_a_video_slide_does_not_reload_itself_without_javascript(client, leader, session, assignment, lessons):
    from unittest import mock

    from wagtail.embeds.exceptions import EmbedNotFoundException

    lesson = lessons[0]
    lesson.body.append(
        ("video", {"video": "https://www.youtube.com/watch?v=abc", "title": "Một đoạn phim", "transcript": "<p>t</p>"})
    )
    lesson.save_revision().publish()
    client.force_login(leader)
    found = urls(session, assignment)
    with mock.patch("wagtail.embeds.embeds.get_embed", side_effect=EmbedNotFoundException):
        on_text = client.get(found["screen"].replace("/vi/", "/en/")).content.decode()
        go_to(client, session, position_of(session, "video"))
        on_video = client.get(found["screen"].replace("/vi/", "/en/")).content.decode()
    assert 'http-equiv="refresh"' in on_text
    assert "slide--video" in on_video and 'http-equiv="refresh"' not in on_video
    # The screens speak the session's language (Vietnamese here), whatever the address says.
    assert 'data-testid="refresh"' in on_video and ">Tải lại</a>" in on_video


# --- The pupil's page ---------------------------------------------------------------------------


def test_the_pupils_page_says_not_taught_yet_and_speaks_of_the_pupil(client, leader, classroom, pupils):
    an, binh, _chau = pupils
    consent_all([an], leader)
    client.force_login(leader)
    page = client.get(f"/en/classes/{classroom.pk}/pupils/{an.pk}/").content.decode()
    assert 'data-testid="pupil-detail-not-taught"' in page and "Not taught in class yet." in page
    page = client.get(f"/en/classes/{classroom.pk}/pupils/{binh.pk}/").content.decode()
    assert "Nothing is recorded about this pupil until their consent is recorded" in page


def test_a_pupil_moved_to_another_class_brings_no_record_of_the_old_one(client, leader, session, school, pupils):
    from schools.models import Membership

    an = pupils[0]
    consent_all([an], leader)
    services.class_taught_record(session=session, taught_on=timezone.localdate(), present=[an], others=0, by=leader)
    other = services.classroom_create(school=school, teacher=leader, name="4D", grade=4, sign_in_kind="pin")
    Membership.objects.filter(user=an, classroom=session.classroom).update(classroom=other)
    client.force_login(leader)
    page = client.get(f"/en/classes/{other.pk}/pupils/{an.pk}/").content.decode()
    assert 'data-testid="pupil-detail-taught"' not in page and "Not taught in class yet." in page


def test_vietnamese_wording_of_the_slide_buttons_and_the_pupils_page(client, leader, session, assignment, pupils):
    """Needs the Vietnamese catalog with this change's translations (.vi-teachfix.json)."""
    consent_all(pupils[:1], leader)
    client.force_login(leader)
    presenter = client.get(urls(session, assignment)["presenter"]).content.decode()
    assert "Trang trước" in presenter and "Trang tiếp" in presenter
    assert "Bài trước" not in presenter and "Bài tiếp" not in presenter
    classroom = session.classroom
    page = client.get(reverse("schools:pupil_detail", args=[classroom.pk, pupils[0].pk])).content.decode()
    assert "Chưa được dạy trên lớp." in page and "Chưa có lớp nào." not in page
    page = client.get(reverse("schools:pupil_detail", args=[classroom.pk, pupils[1].pk])).content.decode()
    assert "học sinh này" in page
