"""Every URL of the project that takes an id, walked as every role: who gets the page and who
gets 403/404 (a visitor is sent to log in)."""

import datetime
import random
import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from quizzes.demo import simulated_answers
from quizzes.services import attempt_submit, questions_of
from schools import services
from schools.models import Classroom, Membership
from schools.roster import plan_from_text
from schools.teaching import module_slides
from tests.factories import AdultFactory
from tests.h5p.conftest import embed, h5p_activity  # noqa: F401

ROLES = [
    "visitor",
    "pupil",  # a pupil of the class
    "other_pupil",  # a pupil of another class of the same school
    "class_teacher",
    "colleague",  # a teacher of the same school who does not teach the class
    "leader",
    "stranger_teacher",  # leads another school
    "caregiver",
    "superuser",  # an editor of the content: no access to children's data
]


@pytest.fixture
def world(course, quiz):
    leader = AdultFactory(display_name="Hiệu trưởng")
    school = services.school_create(founder=leader, name="Trường A", province="hue", kind="school")

    def teacher_of(school):
        teacher = AdultFactory()
        services.staff_decide(
            membership=services.school_join_request(user=teacher, code=school.staff_join_code), approve=True
        )
        return teacher

    class_teacher, colleague = teacher_of(school), teacher_of(school)
    classroom = services.classroom_create(
        school=school, teacher=class_teacher, name="4A", grade=4, sign_in_kind="pictures"
    )
    other_class = services.classroom_create(school=school, teacher=colleague, name="4B", grade=4, sign_in_kind="pin")
    pupil, pupil2 = services.roster_import(classroom=classroom, plan=plan_from_text("Hà\nLinh", existing_names=set()))
    (other_pupil,) = services.roster_import(classroom=other_class, plan=plan_from_text("Tú", existing_names=set()))
    for p in (pupil, pupil2, other_pupil):
        services.consent_record(
            pupil=p,
            pupil_assent=True,
            guardian_consent=True,
            method="paper",
            given_on=datetime.date(2026, 11, 1),
            by=leader,
        )
        p.refresh_from_db()
    assignment = services.course_assign(classroom=classroom, course=course, due_on=None, by=class_teacher)
    session = services.teaching_start(assignment=assignment, by=class_teacher)
    vote_key = next(slide.key for slide in module_slides(course, draw_key="walk") if slide.kind == "vote")
    stranger_teacher = AdultFactory()
    services.school_create(founder=stranger_teacher, name="Trường B", province="hue", kind="school")
    answers = simulated_answers(questions_of(quiz), rng=random.Random(3), skill=0.8)
    attempt, _new = attempt_submit(learner=pupil, quiz=quiz, submission_key=uuid.uuid4(), answers=answers)
    staff_membership = Membership.objects.get(user=colleague, school=school, classroom=None)
    users = {
        "visitor": None,
        "pupil": pupil,
        "other_pupil": other_pupil,
        "class_teacher": class_teacher,
        "colleague": colleague,
        "leader": leader,
        "stranger_teacher": stranger_teacher,
        "caregiver": AdultFactory(role="caregiver"),
        "superuser": AdultFactory(role="editor", is_staff=True, is_superuser=True),
    }
    ids = {
        "school_id": school.pk,
        "classroom_id": classroom.pk,
        "pupil_id": pupil2.pk,
        "assignment_id": assignment.pk,
        "membership_id": staff_membership.pk,
        "session_id": session.pk,
        "vote_key": vote_key,  # not in a URL: posted to the teaching session's counts
    }
    return users, ids, attempt, quiz


OK, DENIED, LOGIN, NOT_ALLOWED = "ok", "denied", "login", "method"
CLASS_STAFF = {"class_teacher", "leader"}
SCHOOL_STAFF = {"class_teacher", "colleague", "leader"}

# (url name, extra kwargs, method, roles that may): every schools URL that takes an id.
CASES = [
    ("school_detail", {}, "get", SCHOOL_STAFF),
    ("school_export", {}, "get", {"leader"}),
    ("school_audit", {}, "get", {"leader"}),
    ("school_gains", {}, "get", {"leader"}),
    ("school_gains_export", {}, "get", {"leader"}),
    ("classroom_create", {}, "get", SCHOOL_STAFF),
    ("school_staff_action", {"action": "make_leader"}, "post", {"leader"}),
    ("classroom_detail", {}, "get", CLASS_STAFF),
    ("classroom_offline", {}, "get", CLASS_STAFF),
    # A pupil's own class's list, no id: every pupil gets theirs; 404 for adults and visitors.
    ("my_modules_offline", {}, "get", {"pupil", "other_pupil"}),
    ("classroom_edit", {}, "get", CLASS_STAFF),
    ("classroom_export", {}, "get", CLASS_STAFF),
    ("classroom_pupils", {}, "get", CLASS_STAFF),
    ("roster_add", {}, "get", CLASS_STAFF),
    ("pupil_detail", {}, "get", CLASS_STAFF),
    ("login_cards", {}, "get", CLASS_STAFF),
    ("consent_bulk", {}, "get", CLASS_STAFF),
    ("assign", {}, "get", CLASS_STAFF),
    # Teaching in class: before the archive and the unassign below, which would take its class and module away.
    ("teach_start", {}, "get", CLASS_STAFF),
    ("teach_presenter", {}, "get", CLASS_STAFF),
    ("teach_screen", {}, "get", CLASS_STAFF),
    ("teach_state", {}, "get", CLASS_STAFF),
    ("teach_end", {}, "get", CLASS_STAFF),
    ("teach_move", {}, "post", CLASS_STAFF),
    ("teach_counts", {}, "post", CLASS_STAFF),
    ("teach_projector_link", {}, "post", CLASS_STAFF),
    ("classroom_archive", {}, "post", CLASS_STAFF),
    ("unassign", {}, "post", CLASS_STAFF),
    ("pupil_report", {}, "get", CLASS_STAFF),
    ("class_reports", {}, "get", CLASS_STAFF),
]


def _post_data(name, ids) -> dict:
    """What a form of these pages posts (a post without it is refused as a bad request)."""
    return {
        "teach_move": {"action": "next"},
        "teach_counts": {"key": ids["vote_key"], "action": "reveal"},
    }.get(name, {})


# The pupil's own list (no id, walked with the rest): JSON that a page's script fetches, so a
# visitor gets 404, not a login page.
VISITOR_NOT_FOUND = {"my_modules_offline"}

# Taking an id, but reached only through the pupil sign-in (tested in test_signin.py), or a
# signed token rather than an id (the family's consent link, tested in test_consent.py).
SIGN_IN_ONLY = {"signin_secret", "consent_online"}
# A pupil's request to talk, and the leader's pages for it: walked as every role in test_talk.py.
TALK = {"talk_request", "school_talk_requests", "school_counsellor"}
# The projector's link: a teaching session's code, not an id, and no sign-in; test_teach.py checks
# that it opens its own session only, and nothing but its slides, state and moves.
PROJECTOR = {"projector_screen", "projector_state", "projector_move"}


def _kwargs(name, ids, extra):
    pattern = next(p for p in _schools_patterns() if p.name == name)
    wanted = set(pattern.pattern.converters)
    return {key: ids[key] for key in wanted if key in ids} | extra


def _schools_patterns():
    resolver = get_resolver()
    found = []

    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and namespace == "schools":
                found.append(p)

    walk(resolver.url_patterns)
    return found


def test_every_schools_url_with_an_id_is_in_the_walk():
    with_ids = {p.name for p in _schools_patterns() if p.pattern.converters}
    assert with_ids == {name for name, *_ in CASES} - VISITOR_NOT_FOUND | SIGN_IN_ONLY | TALK | PROJECTOR


def _expected(role, allowed, name=None):
    if role == "visitor":
        return DENIED if name in VISITOR_NOT_FOUND else LOGIN
    return OK if role in allowed else DENIED


def _outcome(response):
    if response.status_code in (200, 302) and not (
        response.status_code == 302 and "/accounts/login/" in response.get("Location", "")
    ):
        return OK
    if response.status_code == 302:
        return LOGIN
    if response.status_code in (403, 404):
        return DENIED
    return f"status {response.status_code}"


@pytest.mark.parametrize("role", ROLES)
def test_walk_every_id_url_as_every_role(client, world, role):
    users, ids, attempt, quiz = world
    if users[role]:
        client.force_login(users[role])
    outcomes = {}
    # A quiz result belongs to the learner alone: 404 for everyone else, visitors and teachers too.
    result = client.get(f"{quiz.url}results/{attempt.pk}/")
    outcomes["quiz result"] = (_outcome(result), OK if role == "pupil" else DENIED)
    for name, extra, method, allowed in CASES:
        url = reverse(f"schools:{name}", kwargs=_kwargs(name, ids, extra))
        response = client.post(url, _post_data(name, ids)) if method == "post" else client.get(url)
        outcomes[name] = (_outcome(response), _expected(role, allowed, name))
    wrong = {name: got for name, (got, want) in outcomes.items() if got != want}
    assert not wrong, f"{role}: {wrong}"


def test_pupils_get_403_on_staff_pages_and_visitors_are_sent_to_log_in(client, world):
    users, ids, *_ = world
    url = reverse("schools:classroom_detail", args=[ids["classroom_id"]])
    assert client.get(url)["Location"].startswith("/vi/accounts/login/")
    client.force_login(users["pupil"])
    assert client.get(url).status_code == 403
    assert client.get(reverse("schools:staff_home")).status_code == 403


def test_a_leader_sees_every_class_of_the_school_a_teacher_only_theirs(client, world):
    users, ids, *_ = world
    client.force_login(users["leader"])
    assert Classroom.objects.count() == 2
    school_page = client.get(reverse("schools:school_detail", args=[ids["school_id"]])).content.decode()
    assert "4A" in school_page and "4B" in school_page
    client.force_login(users["class_teacher"])
    # Without the random CSRF token, which may happen to contain "4B".
    home = re.sub(r'value="[^"]*"', "", client.get(reverse("schools:staff_home")).content.decode())
    assert "4A" in home and "4B" not in home


# --- H5P: the player's reports take a page id and an activity id --------------------------------

H5P_URLS = {"h5p_player", "h5p_statement", "h5p_state"}
# Takes a package's SHA-256, not an id: the files are content, public like the lessons that embed them.
H5P_PUBLIC = {"h5p_file", "h5p_library_file"}  # the same files for everyone, no one's data


def test_every_h5p_url_with_an_id_is_in_the_walk():
    from h5p.urls import learner_urlpatterns, urlpatterns

    with_ids = {
        p.name for p in [*urlpatterns, *learner_urlpatterns] if p.pattern.converters or "(?P<" in str(p.pattern)
    }
    assert with_ids == H5P_URLS | H5P_PUBLIC


@pytest.mark.parametrize("role", ROLES)
def test_h5p_reports_as_every_role(client, world, role, lessons, h5p_activity):  # noqa: F811
    """Everyone who may read the lesson opens the activity's player; every signed-in learner
    reports for themselves only (the learner is the session's), and an activity that the page
    does not embed is not found; a visitor's reports are refused before any look-up."""
    import json

    from h5p.models import H5PResult
    from tests.h5p.test_h5p_results import statement

    users, *_ = world
    lesson, other_lesson = embed(lessons[0], h5p_activity), lessons[1]
    if users[role]:
        client.force_login(users[role])

    def kwargs(page):
        return {"page_id": page.pk, "activity_id": h5p_activity.pk}

    # Whoever may read the lesson may open its player; not on a page that does not embed it.
    assert client.get(reverse("h5p_player", kwargs=kwargs(lesson))).status_code == 200
    assert client.get(reverse("h5p_player", kwargs=kwargs(other_lesson))).status_code == 404
    state = client.get(reverse("h5p_state", kwargs=kwargs(lesson)))
    posted = client.post(
        reverse("h5p_statement", kwargs=kwargs(lesson)), json.dumps(statement()), content_type="application/json"
    )
    elsewhere = client.post(
        reverse("h5p_statement", kwargs=kwargs(other_lesson)), json.dumps(statement()), content_type="application/json"
    )
    if role == "visitor":
        assert (state.status_code, posted.status_code, elsewhere.status_code) == (403, 403, 403)
        assert not H5PResult.objects.exists()
    else:
        assert (state.status_code, posted.status_code, elsewhere.status_code) == (200, 201, 404)
        assert list(H5PResult.objects.values_list("learner", flat=True)) == [users[role].pk]
