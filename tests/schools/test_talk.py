"""“Em muốn nói chuyện / I want to talk”: a pupil asks a teacher of their class, or the school's
counsellor, to talk. Only the pupil, the adult asked and the school's leaders see the request;
it works without consent, is in the audit log without what it is about, in no export, and is
deleted TALK_REQUEST_DAYS after it was handled."""

import datetime
import html
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from accounts.models import User
from schools import selectors, services
from schools.models import Membership, MembershipRole, School, TalkAbout, TalkRequest, TalkStatus
from schools.roster import plan_from_text
from tests.factories import AdultFactory


def en(name, **kwargs) -> str:
    with translation.override("en"):
        return reverse(f"schools:{name}", kwargs=kwargs or None)


def join(school, teacher):
    services.staff_decide(
        membership=services.school_join_request(user=teacher, code=school.staff_join_code), approve=True
    )
    return teacher


@pytest.fixture
def world(db):
    """School A: a leader, the class 4A's teacher and its co-teacher, a colleague with class 4B, a
    counsellor; pupils An and Bình in 4A (no consent), Tú in 4B. School B, led by a stranger. A
    caregiver, and a superuser who edits the content."""
    leader = AdultFactory(display_name="Cô Hiệu trưởng")
    school = services.school_create(founder=leader, name="Trường A", province="hue", kind="school")
    teacher = join(school, AdultFactory(display_name="Thầy Minh"))
    co_teacher = join(school, AdultFactory(display_name="Cô Thu"))
    colleague = join(school, AdultFactory(display_name="Thầy Nam"))
    counsellor = join(school, AdultFactory(display_name="Cô Hoa"))
    classroom = services.classroom_create(school=school, teacher=teacher, name="4A", grade=4, sign_in_kind="pin")
    Membership.objects.create(user=co_teacher, school=school, classroom=classroom, role=MembershipRole.TEACHER)
    other_class = services.classroom_create(school=school, teacher=colleague, name="4B", grade=4, sign_in_kind="pin")
    an, binh = services.roster_import(
        classroom=classroom, plan=plan_from_text("Nguyễn Văn An\nTrần Thị Bình", existing_names=set())
    )
    (tu,) = services.roster_import(classroom=other_class, plan=plan_from_text("Lê Văn Tú", existing_names=set()))
    services.school_set_counsellor(school=school, counsellor_id=counsellor.pk, by=leader)
    stranger = AdultFactory(display_name="Thầy Lạ")
    services.school_create(founder=stranger, name="Trường B", province="hue", kind="school")
    return {
        "school": school,
        "classroom": classroom,
        "pupil": an,
        "classmate": binh,
        "other_pupil": tu,
        "teacher": teacher,
        "co_teacher": co_teacher,
        "colleague": colleague,
        "counsellor": counsellor,
        "leader": leader,
        "stranger": stranger,
        "caregiver": AdultFactory(role="caregiver"),
        "superuser": AdultFactory(
            role="editor", is_staff=True, is_superuser=True
        ),  # edits content, not children's data
    }


def ask(world, adult="teacher", **kwargs) -> TalkRequest:
    return services.talk_request_create(pupil=world["pupil"], adult_id=world[adult].pk, **kwargs)


# --- Who sees what ------------------------------------------------------------------------------

ROLES = [
    "visitor",
    "pupil",
    "classmate",
    "other_pupil",
    "teacher",
    "co_teacher",
    "colleague",
    "counsellor",
    "leader",
    "stranger",
    "caregiver",
    "superuser",
]
OK, DENIED, LOGIN = "ok", "denied", "login"


def outcome(response) -> str:
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return LOGIN
    if response.status_code == 302 and response["Location"].endswith("/class/"):
        return LOGIN  # a pupil's page sends a visitor to the class sign-in
    if response.status_code in (200, 302):
        return OK
    if response.status_code in (403, 404):
        return DENIED
    return f"status {response.status_code}"


@pytest.mark.parametrize("role", ROLES)
def test_every_talk_url_as_every_role(client, world, role):
    """A request to the class teacher: the teacher and the leader open it; the pupil has their own
    page; everyone else, the co-teacher and the counsellor included, gets 403/404."""
    talk = ask(world, about=TalkAbout.SECRET, urgent=True)
    if role != "visitor":
        client.force_login(world[role])
    school_id = world["school"].pk
    staff_who_may = {"teacher", "leader"}
    cases = {
        "talk page": (client.get(en("talk")), OK if role in {"pupil", "classmate", "other_pupil"} else DENIED),
        "request": (client.get(en("talk_request", request_id=talk.pk)), OK if role in staff_who_may else DENIED),
        "school list": (
            client.get(en("school_talk_requests", school_id=school_id)),
            OK if role == "leader" else DENIED,
        ),
        "counsellor": (
            client.post(en("school_counsellor", school_id=school_id), {"counsellor": ""}),
            OK if role == "leader" else DENIED,
        ),
        "mark": (
            client.post(en("talk_request", request_id=talk.pk), {"status": "closed"}),
            OK if role in staff_who_may else DENIED,
        ),
    }
    if role == "visitor":
        cases = {name: (response, LOGIN) for name, (response, _want) in cases.items()}
    wrong = {name: outcome(response) for name, (response, want) in cases.items() if outcome(response) != want}
    assert not wrong, f"{role}: {wrong}"
    talk.refresh_from_db()
    assert talk.status == (TalkStatus.CLOSED if role in staff_who_may else TalkStatus.NEW)
    assert School.objects.get(pk=school_id).counsellor_id == (None if role == "leader" else world["counsellor"].pk)


@pytest.mark.parametrize("role", ["classmate", "other_pupil", "co_teacher", "colleague", "counsellor", "stranger"])
def test_nobody_else_sees_the_pupils_name_on_their_pages(client, world, role):
    ask(world, urgent=True)
    client.force_login(world[role])
    pages = (
        [en("talk")]
        if world[role].is_pupil
        else [en("staff_home"), en("classroom_detail", classroom_id=world["classroom"].pk)]
    )
    for url in pages:
        response = client.get(url)
        assert "Nguyễn Văn An" not in response.content.decode(), url
        assert 'data-testid="talk-notice"' not in response.content.decode(), url


# --- The pupil's page -----------------------------------------------------------------------


def test_a_pupil_without_consent_asks_without_javascript_and_sees_it_received_with_111(client, world):
    pupil = world["pupil"]
    assert not pupil.learning_data_consent  # a safeguarding channel, not learning data
    client.force_login(pupil)
    page = client.get(en("talk")).content.decode()
    assert "Thầy Minh" in page and "Cô Thu" in page and "Cô Hoa (school counsellor)" in page
    assert "Thầy Nam" not in page  # not a teacher of the class
    assert 'href="tel:111"' in page and 'href="tel:113"' in page
    response = client.post(en("talk"), {"adult": world["teacher"].pk, "about": "", "urgent": "no"}, follow=True)
    page = response.content.decode()
    assert "Your message is sent to Thầy Minh" in page
    assert "Received. Thầy Minh will see it soon." in page
    assert 'href="tel:111"' in page
    talk = TalkRequest.objects.get()
    assert (talk.pupil, talk.adult, talk.about, talk.urgent, talk.status) == (pupil, world["teacher"], "", False, "new")
    assert (talk.school, talk.classroom) == (world["school"], world["classroom"])


def test_the_header_offers_the_talk_link_to_pupils_only(client, world):
    client.force_login(world["pupil"])
    assert 'data-testid="talk-link"' in client.get(en("my_modules")).content.decode()
    client.force_login(world["teacher"])
    assert 'data-testid="talk-link"' not in client.get(en("staff_home")).content.decode()


def test_one_open_request_per_adult_and_the_second_still_offers_111(client, world):
    client.force_login(world["pupil"])
    data = {"adult": world["teacher"].pk, "about": TalkAbout.MEAN, "urgent": "yes"}
    client.post(en("talk"), data)
    page = client.post(en("talk"), data, follow=True).content.decode()
    assert "You already asked Thầy Minh. They will see it. If you need help now, call 111." in page
    assert 'href="tel:111"' in page
    assert TalkRequest.objects.count() == 1
    # Another adult may be asked meanwhile; the same one again once the first is handled.
    client.post(en("talk"), data | {"adult": world["counsellor"].pk})
    services.talk_request_mark(
        talk_request=TalkRequest.objects.get(adult=world["teacher"]), status="talked", by=world["teacher"]
    )
    client.post(en("talk"), data)
    assert TalkRequest.objects.filter(adult=world["teacher"]).count() == 2


def test_a_pupil_can_ask_only_the_adults_offered(client, world):
    client.force_login(world["pupil"])
    for adult in ("colleague", "stranger"):
        response = client.post(en("talk"), {"adult": world[adult].pk, "about": "", "urgent": "no"})
        assert response.status_code == 400
    assert not TalkRequest.objects.exists()


def test_more_than_five_requests_a_day_are_refused_with_111(client, world):
    for _ in range(services.TALK_REQUESTS_PER_DAY):
        services.talk_request_mark(talk_request=ask(world), status="closed", by=world["teacher"])
    client.force_login(world["pupil"])
    response = client.post(en("talk"), {"adult": world["teacher"].pk, "about": "", "urgent": "no"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "You have sent many requests today. Go and tell your teacher in person, or call 111" in page
    assert 'href="tel:111"' in page
    assert TalkRequest.objects.count() == services.TALK_REQUESTS_PER_DAY


def test_the_pupil_sees_when_the_adult_has_seen_it_but_not_when_a_leader_has(client, world):
    talk = ask(world)
    client.force_login(world["leader"])
    client.get(en("talk_request", request_id=talk.pk))
    talk.refresh_from_db()
    assert talk.seen_at is None
    client.force_login(world["teacher"])
    client.get(en("talk_request", request_id=talk.pk))
    talk.refresh_from_db()
    assert talk.seen_at is not None
    client.force_login(world["pupil"])
    page = client.get(en("talk")).content.decode()
    assert "Thầy Minh has seen it." in page
    assert "referred" not in page.lower()  # what the adult did is not the pupil's page's to say


# --- The adult's notice, guide and buttons ----------------------------------------------------


def test_the_adult_asked_sees_a_notice_on_their_home_and_dashboard_urgent_first(client, world):
    binh = world["classmate"]
    ask(world)
    services.talk_request_create(pupil=binh, adult_id=world["teacher"].pk, urgent=True)
    client.force_login(world["teacher"])
    for url in (en("staff_home"), en("classroom_detail", classroom_id=world["classroom"].pk)):
        page = client.get(url).content.decode()
        notices = re.findall(r'data-testid="talk-notice">\s*<a href="[^"]+">([^<]+)</a>', page)
        assert notices == ["Trần Thị Bình wants to talk to you", "Nguyễn Văn An wants to talk to you"], url
        assert "callout--urgent" in page


def test_the_leader_sees_urgent_and_waiting_requests_flagged_not_the_others(client, world):
    quiet = ask(world)
    client.force_login(world["leader"])
    assert 'data-testid="talk-notice"' not in client.get(en("staff_home")).content.decode()
    TalkRequest.objects.filter(pk=quiet.pk).update(created_at=timezone.now() - datetime.timedelta(days=4))
    page = client.get(en("staff_home")).content.decode()
    assert "Nguyễn Văn An asked Thầy Minh to talk" in page
    assert "not handled for more than 3 days" in page
    listing = client.get(en("school_talk_requests", school_id=world["school"].pk)).content.decode()
    assert "Nguyễn Văn An" in listing and "Thầy Minh" in listing and "not handled for more than 3 days" in listing


def test_the_guide_says_listen_do_not_investigate_what_to_call_and_what_to_write(client, world):
    talk = ask(world, about=TalkAbout.SECRET, urgent=True)
    client.force_login(world["teacher"])
    page = client.get(en("talk_request", request_id=talk.pk)).content.decode()
    assert "Nguyễn Văn An wants to talk to you" in page
    assert "“Someone asked me for pictures or to keep a secret”" in page
    assert "talk to them today" in page
    for words in (
        "Listen.",
        "Do not investigate",
        "Do not promise to keep it secret",
        "not their fault",
        "113, the police",
        "(111)",
        "People's Committee of the commune or ward",
        "What to write down, not on this site",
    ):
        assert words in page, words
    assert page.count('href="tel:111"') >= 1


def test_marking_it_hides_the_notice_logs_ids_only_and_says_when_it_is_deleted(client, world, settings):
    talk = ask(world, about=TalkAbout.SECRET)
    client.force_login(world["teacher"])
    page = client.post(en("talk_request", request_id=talk.pk), {"status": "referred"}, follow=True).content.decode()
    delete_on = timezone.localdate() + datetime.timedelta(days=settings.TALK_REQUEST_DAYS)
    assert "Marked “Referred (111, the commune or ward, the police)”" in page
    assert delete_on.strftime("%m/%d/%Y") in page
    talk.refresh_from_db()
    assert (talk.status, talk.handled_by) == ("referred", world["teacher"]) and talk.handled_at and talk.seen_at
    assert 'data-testid="talk-notice"' not in client.get(en("staff_home")).content.decode()
    entries = ModelLogEntry.objects.filter(action__startswith="schools.talk_").order_by("pk")
    assert [e.action for e in entries] == ["schools.talk_requested", "schools.talk_status_changed"]
    for entry in entries:
        # The entry outlives the request by far: the request's id and the status, against the
        # school; not the pupil, not the class (docs/security.md, the consent letter).
        assert set(entry.data) <= {"request", "status"} and entry.data["request"] == talk.pk
        assert entry.content_type.model == "school" and entry.object_id == str(world["school"].pk)
        assert "secret" not in json.dumps(entry.data) and "Nguyễn" not in json.dumps(entry.data)


def test_an_unknown_status_changes_nothing(client, world):
    talk = ask(world)
    client.force_login(world["teacher"])
    page = client.post(en("talk_request", request_id=talk.pk), {"status": "new"}, follow=True).content.decode()
    assert "Choose one of the buttons: talked, referred or closed." in page
    talk.refresh_from_db()
    assert talk.status == "new" and talk.handled_at is None


def test_an_adult_who_leaves_the_school_no_longer_sees_it_the_leader_still_does(client, world):
    talk = ask(world)
    services.staff_remove(membership=Membership.objects.get(user=world["teacher"], classroom=None))
    client.force_login(world["teacher"])
    assert client.get(en("talk_request", request_id=talk.pk)).status_code == 404
    client.force_login(world["leader"])
    assert client.get(en("talk_request", request_id=talk.pk)).status_code == 200


# --- The counsellor ---------------------------------------------------------------------------


def test_the_leader_names_a_counsellor_from_the_schools_staff_only(client, world):
    client.force_login(world["leader"])
    url = en("school_counsellor", school_id=world["school"].pk)
    page = html.unescape(client.post(url, {"counsellor": world["colleague"].pk}, follow=True).content.decode())
    assert "Thầy Nam is the school's counsellor" in page
    assert School.objects.get(pk=world["school"].pk).counsellor == world["colleague"]
    for outsider in (world["stranger"], world["pupil"], join_pending(world["school"])):
        page = client.post(url, {"counsellor": outsider.pk}, follow=True).content.decode()
        assert "only its staff can be its counsellor" in page
    assert School.objects.get(pk=world["school"].pk).counsellor == world["colleague"]
    assert ModelLogEntry.objects.filter(action="schools.counsellor_set").count() == 2  # the fixture's and this one
    # The pupils of every class are now offered the new counsellor.
    client.force_login(world["other_pupil"])
    assert "Thầy Nam (school counsellor)" in client.get(en("talk")).content.decode()


def test_a_counsellor_who_leaves_the_school_is_no_longer_offered(client, world):
    services.staff_remove(membership=Membership.objects.get(user=world["counsellor"], classroom=None))
    assert School.objects.get(pk=world["school"].pk).counsellor is None
    client.force_login(world["pupil"])
    assert "Cô Hoa" not in client.get(en("talk")).content.decode()


def test_a_request_a_leader_handled_reads_seen_to_the_pupil(client, world):
    services.talk_request_mark(talk_request=ask(world), status="talked", by=world["leader"])
    client.force_login(world["pupil"])
    page = client.get(en("talk")).content.decode()
    assert "A grown-up at your school has seen it." in page and "will see it soon" not in page


def join_pending(school) -> User:
    teacher = AdultFactory(display_name="Cô Chờ")
    services.school_join_request(user=teacher, code=school.staff_join_code)
    return teacher


def test_the_counsellor_sees_what_is_sent_to_them(client, world):
    talk = ask(world, adult="counsellor")
    client.force_login(world["counsellor"])
    assert "Nguyễn Văn An wants to talk to you" in client.get(en("staff_home")).content.decode()
    assert client.get(en("talk_request", request_id=talk.pk)).status_code == 200
    client.force_login(world["teacher"])
    assert client.get(en("talk_request", request_id=talk.pk)).status_code == 404


# --- Keeping and deleting -------------------------------------------------------------------


def handled_days_ago(talk, days):
    TalkRequest.objects.filter(pk=talk.pk).update(
        status=TalkStatus.CLOSED, handled_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_the_command_deletes_what_was_handled_more_than_talk_request_days_ago(world, settings, capsys):
    old, recent = ask(world), ask(world, adult="counsellor")
    waiting = services.talk_request_create(pupil=world["classmate"], adult_id=world["teacher"].pk)
    TalkRequest.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - datetime.timedelta(days=90))
    handled_days_ago(old, settings.TALK_REQUEST_DAYS + 1)
    handled_days_ago(recent, settings.TALK_REQUEST_DAYS - 1)
    call_command("purge_talk_requests")
    assert "Deleted 1 talk requests" in capsys.readouterr().out
    assert set(TalkRequest.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}  # never handled: kept
    entry = ModelLogEntry.objects.get(action="schools.talk_requests_purged")
    assert entry.data == {"count": 1}


def test_without_cron_opening_the_pages_deletes_and_nothing_is_shown_past_its_time(client, world, settings):
    talk = ask(world)
    handled_days_ago(talk, settings.TALK_REQUEST_DAYS + 1)
    # Even before any purge, it is not shown...
    with pytest.raises(Http404):
        selectors.talk_request_for_staff(user=world["leader"], request_id=talk.pk)
    assert selectors.talk_requests_of_pupil(pupil=world["pupil"]) == []
    # ...and opening a page that lists requests deletes it.
    client.force_login(world["leader"])
    client.get(en("school_talk_requests", school_id=world["school"].pk))
    assert not TalkRequest.objects.exists()


def test_the_retention_follows_the_setting(world, settings):
    settings.TALK_REQUEST_DAYS = 7
    talk = ask(world)
    handled_days_ago(talk, 8)
    assert services.talk_requests_purge() == 1


def test_withdrawing_consent_keeps_the_request_deleting_the_pupil_keeps_it_while_open(world):
    pupil = world["pupil"]
    services.consent_record(
        pupil=pupil,
        pupil_assent=True,
        guardian_consent=True,
        method="paper",
        given_on=datetime.date(2026, 11, 1),
        by=world["teacher"],
    )
    talk = ask(world)
    services.consent_withdraw(pupil=pupil, by=world["teacher"])
    assert TalkRequest.objects.filter(pupil=pupil).count() == 1
    services.pupil_delete(pupil=pupil, by=world["teacher"])
    kept = TalkRequest.objects.get()
    assert kept.pk == talk.pk and kept.pupil is None and kept.pupil_name == "Nguyễn Văn An"


# --- Never in an export -----------------------------------------------------------------------


def test_no_export_holds_a_talk_request(client, world):
    services.consent_record(
        pupil=world["pupil"],
        pupil_assent=True,
        guardian_consent=True,
        method="paper",
        given_on=datetime.date(2026, 11, 1),
        by=world["teacher"],
    )
    ask(world, about=TalkAbout.SECRET, urgent=True)
    words = [label for _value, label in TalkAbout.choices] + [label for _value, label in TalkStatus.choices]
    words += ["talk", "urgent"]
    client.force_login(world["leader"])
    school_id, classroom_id = world["school"].pk, world["classroom"].pk
    exports = {
        "class CSV": client.get(en("classroom_export", classroom_id=classroom_id)),
        "school CSV": client.get(en("school_export", school_id=school_id)),
        "learning gains CSV": client.get(en("school_gains_export", school_id=school_id)),
    }
    client.force_login(AdultFactory(is_staff=True, is_superuser=True))
    exports["xAPI statements"] = client.get("/admin/h5p-statements/?download=1")
    for name, response in exports.items():
        assert response.status_code == 200, name
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8-sig").lower()
        for word in words:
            assert str(word).lower() not in text, (name, word)
    assert "Nguyễn Văn An" in exports["class CSV"].content.decode("utf-8-sig")  # the export itself works


# --- The consent letter, and the cost of the notice ------------------------------------------


def test_the_consent_letter_says_the_talk_button_works_without_consent(client, world, settings):
    from django.test import RequestFactory

    from schools.views.consent import consent_link

    request = RequestFactory().get("/")
    link = consent_link(request, pupil=world["pupil"], classroom=world["classroom"])
    page = client.get(link.replace("/vi/", "/en/", 1)).content.decode()
    paragraph = re.search(r'data-testid="consent-talk">(.*?)</p>', page, re.S).group(1)
    assert "works with or without this consent" in paragraph
    assert f"deleted {settings.TALK_REQUEST_DAYS} days after" in paragraph
    assert "Law on Personal Data Protection" in paragraph
    # What the audit log keeps, and for how long: true of what services log (the test above).
    assert f"keeps, for {settings.AUDIT_LOG_DAYS} days, only that a request was sent" in html.unescape(paragraph)
    assert "never the child's name or number, the class, or what it was about" in html.unescape(paragraph)


def test_the_notice_costs_one_query_however_many_requests(client, world):
    client.force_login(world["teacher"])
    url = en("staff_home")

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    ask(world)
    services.talk_request_create(pupil=world["classmate"], adult_id=world["teacher"].pk, urgent=True)
    assert count() == before


def test_the_demo_schools_counsellor_is_thay_nam(db):
    from schools.demo import DEMO_SCHOOL, load_school

    call_command("load_demo", without_curriculum=True)  # the demo adults
    load_school()
    school = School.objects.get(name=DEMO_SCHOOL)
    assert school.counsellor.email == "teacher2@example.com"
    class_3a = school.classrooms.get(name="3A")
    assert [(choice.adult.email, choice.counsellor) for choice in selectors.talk_adults_for(classroom=class_3a)] == [
        ("teacher@example.com", False),
        ("teacher2@example.com", True),
    ]


def test_an_about_outside_the_list_is_refused(world):
    with pytest.raises(services.SchoolError):
        ask(world, about="whatever the child typed")
    assert not TalkRequest.objects.exists()


# --- Review fixes (issue 18): an adult who leaves, a pupil deleted, marking again, bad input ----


def test_a_request_to_an_adult_who_left_goes_to_the_leaders_at_once_and_the_pupil_is_told(client, world):
    talk = ask(world)  # to the class teacher, not urgent, sent just now
    services.staff_remove(membership=Membership.objects.get(user=world["teacher"], classroom=None))
    client.force_login(world["leader"])
    page = client.get(en("staff_home")).content.decode()
    notices = re.findall(r'data-testid="talk-notice">\s*<a href="[^"]+">([^<]+)</a>', page)
    assert notices == ["Nguyễn Văn An asked Thầy Minh to talk"]
    assert "the adult asked has left the school" in page
    page = html.unescape(client.get(en("talk_request", request_id=talk.pk)).content.decode())
    assert "Thầy Minh is no longer on the school's staff, so only the school's leaders see this request." in page
    listing = client.get(en("school_talk_requests", school_id=world["school"].pk)).content.decode()
    assert "the adult asked has left the school" in listing
    client.force_login(world["pupil"])
    page = client.get(en("talk")).content.decode()
    assert "Thầy Minh is no longer at your school." in page
    assert "A leader of your school will see your message. You can also choose someone else below." in page
    assert "will see it soon" not in page
    assert f'value="{world["teacher"].pk}"' not in page  # no longer offered
    assert f'value="{world["co_teacher"].pk}"' in page  # the others are
    # With nobody left to choose, the page does not offer a choice.
    services.school_set_counsellor(school=world["school"], counsellor_id=None, by=world["leader"])
    services.staff_remove(membership=Membership.objects.get(user=world["co_teacher"], classroom=None))
    page = client.get(en("talk")).content.decode()
    assert "A leader of your school will see your message." in page
    assert "choose someone else" not in page and 'data-testid="talk-no-adult"' in page
    # Once a leader has handled it, the flag goes.
    services.talk_request_mark(talk_request=talk, status="talked", by=world["leader"])
    client.force_login(world["leader"])
    assert 'data-testid="talk-notice"' not in client.get(en("staff_home")).content.decode()


def test_a_request_whose_adult_account_was_deleted_goes_to_the_leaders_at_once(client, world):
    ask(world, adult="counsellor")
    world["counsellor"].delete()
    client.force_login(world["leader"])
    page = client.get(en("staff_home")).content.decode()
    assert "Nguyễn Văn An asked — to talk" in page and "the adult asked has left the school" in page
    client.force_login(world["pupil"])
    page = client.get(en("talk")).content.decode()
    assert "The grown-up you asked is no longer at your school." in page


def test_the_leaders_are_not_flagged_a_quiet_request_to_an_adult_still_there(client, world):
    ask(world)
    client.force_login(world["leader"])
    assert 'data-testid="talk-notice"' not in client.get(en("staff_home")).content.decode()


def _delete_from_the_pupil_page(client, world, pupil, by):
    url = en("pupil_detail", classroom_id=world["classroom"].pk, pupil_id=pupil.pk)
    client.force_login(world[by])
    response = client.post(url, {"action": "delete", "sure": "yes"})
    page = client.get(response["Location"]).content.decode()
    messages = re.findall(r'class="message message--[^"]*" role="[a-z]+">([^<]+)<', page)
    return response.status_code, response["Location"], messages


@pytest.mark.parametrize("by", ["teacher", "leader"])
def test_deleting_a_pupil_who_asked_to_talk_looks_the_same_as_one_who_did_not(client, world, by):
    talk = ask(world, adult="counsellor", urgent=True)  # the class teacher cannot see it
    asked = _delete_from_the_pupil_page(client, world, world["pupil"], by)
    did_not = _delete_from_the_pupil_page(client, world, world["classmate"], by)
    assert asked == did_not and asked[0] == 302
    assert "The pupil and everything stored about them are deleted." in asked[2][0]
    assert not User.objects.filter(pk__in=[world["pupil"].pk, world["classmate"].pk]).exists()
    kept = TalkRequest.objects.get()
    assert kept.pk == talk.pk and kept.pupil_id is None and kept.pupil_name == "Nguyễn Văn An"
    assert kept.classroom == world["classroom"] and kept.status == TalkStatus.NEW


def test_a_request_whose_pupil_was_deleted_goes_to_every_leader_at_once_and_stays_with_the_adult(client, world):
    talk = ask(world)  # to the class teacher, not urgent, sent just now: no leader is flagged yet
    second_leader = AdultFactory(display_name="Thầy Phó")
    Membership.objects.create(user=second_leader, school=world["school"], role=MembershipRole.LEADER, approved=True)
    services.pupil_delete(pupil=world["pupil"], by=world["teacher"])
    for leader in (world["leader"], second_leader):
        client.force_login(leader)
        page = html.unescape(client.get(en("staff_home")).content.decode())
        notices = re.findall(r'data-testid="talk-notice">\s*<a href="[^"]+">([^<]+)</a>', page)
        assert notices == ["Nguyễn Văn An asked Thầy Minh to talk"]
        assert "the pupil's account was deleted" in page
        listing = html.unescape(client.get(en("school_talk_requests", school_id=world["school"].pk)).content.decode())
        assert "Nguyễn Văn An" in listing and "the pupil's account was deleted" in listing
        page = html.unescape(client.get(en("talk_request", request_id=talk.pk)).content.decode())
        assert "Nguyễn Văn An asked Thầy Minh to talk" in page
        assert "The pupil's account was deleted after they asked, so all the school's leaders see this request." in page
        assert "Listen. Let the pupil tell it in their own words and at their own pace." in page  # the guide
    client.force_login(world["teacher"])
    page = html.unescape(client.get(en("staff_home")).content.decode())
    assert "Nguyễn Văn An wants to talk to you" in page and "the pupil's account was deleted" in page
    page = html.unescape(client.get(en("talk_request", request_id=talk.pk)).content.decode())
    assert "Nguyễn Văn An wants to talk to you" in page
    client.post(en("talk_request", request_id=talk.pk), {"status": "talked"})
    assert TalkRequest.objects.get().status == TalkStatus.TALKED
    for other in ("co_teacher", "colleague", "counsellor", "stranger"):
        client.force_login(world[other])
        assert client.get(en("talk_request", request_id=talk.pk)).status_code == 404
        assert "Nguyễn Văn An" not in client.get(en("staff_home")).content.decode()


@pytest.mark.parametrize("how", ["pupil_delete", "user.delete"])
def test_handled_requests_go_with_the_pupil_open_ones_stay_whatever_deletes_the_account(world, how):
    handled = ask(world, adult="counsellor")
    services.talk_request_mark(talk_request=handled, status="talked", by=world["counsellor"])
    still_open = ask(world, adult="teacher")
    if how == "pupil_delete":
        services.pupil_delete(pupil=world["pupil"], by=world["teacher"])
    else:
        User.objects.get(pk=world["pupil"].pk).delete()  # as the Wagtail admin does
    assert list(TalkRequest.objects.values_list("pk", "pupil_id", "pupil_name")) == [
        (still_open.pk, None, "Nguyễn Văn An")
    ]


def test_the_deletion_s_audit_entries_say_nothing_about_a_request(world):
    talk = ask(world, adult="counsellor")
    before = set(ModelLogEntry.objects.values_list("pk", flat=True))
    services.pupil_delete(pupil=world["pupil"], by=world["leader"])
    entries = list(ModelLogEntry.objects.exclude(pk__in=before))
    assert [entry.action for entry in entries] == ["schools.pupil_deleted"]
    assert "request" not in json.dumps(entries[0].data) and str(talk.pk) not in json.dumps(entries[0].data)
    assert not ModelLogEntry.objects.filter(action="schools.talk_request_deleted").exists()


def test_a_request_of_a_deleted_pupil_is_purged_talk_request_days_after_it_is_handled(world, settings):
    talk = ask(world)
    services.pupil_delete(pupil=world["pupil"], by=world["teacher"])
    assert services.talk_requests_purge() == 0  # never handled: kept
    services.talk_request_mark(talk_request=TalkRequest.objects.get(), status="referred", by=world["leader"])
    assert services.talk_requests_purge() == 0
    later = timezone.now() + datetime.timedelta(days=settings.TALK_REQUEST_DAYS, hours=1)
    assert services.talk_requests_purge(now=later) == 1
    assert not TalkRequest.objects.filter(pk=talk.pk).exists()


def test_a_teacher_may_delete_a_pupil_whose_requests_were_handled(client, world):
    services.talk_request_mark(talk_request=ask(world, adult="counsellor"), status="talked", by=world["counsellor"])
    services.pupil_delete(pupil=world["pupil"], by=world["teacher"])
    assert not TalkRequest.objects.exists()


def test_marking_again_changes_the_status_but_keeps_who_when_and_the_date_of_deletion(client, world, settings):
    talk = ask(world)
    services.talk_request_mark(talk_request=talk, status="closed", by=world["leader"])
    first = timezone.now() - datetime.timedelta(days=settings.TALK_REQUEST_DAYS - 1)
    TalkRequest.objects.filter(pk=talk.pk).update(handled_at=first)
    delete_on = timezone.localdate(first + datetime.timedelta(days=settings.TALK_REQUEST_DAYS))
    client.force_login(world["teacher"])
    page = html.unescape(client.get(en("talk_request", request_id=talk.pk)).content.decode())
    assert "Change what was done" in page
    still = "Changing it does not keep the request longer: it is still deleted on " + delete_on.strftime("%m/%d/%Y")
    assert still in page
    buttons = re.findall(r'name="status" value="(\w+)"', page)
    assert buttons == ["talked", "referred"]  # not the one it already has
    page = html.unescape(
        client.post(en("talk_request", request_id=talk.pk), {"status": "referred"}, follow=True).content.decode()
    )
    assert "Marked “Referred (111, the commune or ward, the police)”" in page
    assert delete_on.strftime("%m/%d/%Y") in page
    talk.refresh_from_db()
    assert (talk.status, talk.handled_at, talk.handled_by) == ("referred", first, world["leader"])
    assert "by Cô Hiệu trưởng" in page
    # Marking it again and again never keeps it past its time.
    client.post(en("talk_request", request_id=talk.pk), {"status": "talked"})
    assert services.talk_requests_purge(now=first + datetime.timedelta(days=settings.TALK_REQUEST_DAYS, minutes=1)) == 1
    assert [e.data for e in ModelLogEntry.objects.filter(action="schools.talk_status_changed").order_by("pk")] == [
        {"request": talk.pk, "status": status} for status in ("closed", "referred", "talked")
    ]


def test_marking_the_status_it_already_has_changes_and_logs_nothing(world):
    talk = services.talk_request_mark(talk_request=ask(world), status="talked", by=world["teacher"])
    services.talk_request_mark(talk_request=talk, status="talked", by=world["leader"])
    talk.refresh_from_db()
    assert talk.handled_by == world["teacher"]
    assert ModelLogEntry.objects.filter(action="schools.talk_status_changed").count() == 1


@pytest.mark.parametrize("chosen", ["abc", "²", "9" * 5000, "-3", "1.0"])
def test_a_counsellor_that_is_not_a_number_from_the_list_is_refused_and_changes_nothing(client, world, chosen):
    client.force_login(world["leader"])
    response = client.post(en("school_counsellor", school_id=world["school"].pk), {"counsellor": chosen}, follow=True)
    assert response.status_code == 200
    assert "Choose a member of staff from the list, or “Nobody”, then save again." in html.unescape(
        response.content.decode()
    )
    assert School.objects.get(pk=world["school"].pk).counsellor == world["counsellor"]


def test_an_adult_that_is_not_a_number_is_a_form_error_not_a_crash(client, world):
    client.force_login(world["pupil"])
    for adult in ("²", "9" * 5000, "abc"):
        response = client.post(en("talk"), {"adult": adult, "about": "", "urgent": "no"})
        assert response.status_code == 400, adult
    assert not TalkRequest.objects.exists()


def test_the_pupils_page_is_discreet_on_a_shared_device(client, world):
    """Open requests: whom, and whether they have seen it; never "urgent". Handled ones: a week
    without a name or a date, then nothing."""
    open_one = ask(world, urgent=True)
    handled = ask(world, adult="counsellor", urgent=True)
    services.talk_request_mark(talk_request=handled, status="talked", by=world["counsellor"])
    client.force_login(world["pupil"])
    page = client.get(en("talk")).content.decode()
    statuses = re.findall(r'data-testid="talk-status">(.*?)</li>', page, re.S)
    assert len(statuses) == 2
    assert "Received. Thầy Minh will see it soon." in statuses[0]
    assert "A grown-up at your school has seen it." in statuses[1]
    assert "Cô Hoa" not in statuses[1] and "Sent" not in statuses[1]
    assert "urgent" not in "".join(statuses).lower()
    assert "Ask a grown-up to talk with you" in page
    TalkRequest.objects.filter(pk=handled.pk).update(handled_at=timezone.now() - datetime.timedelta(days=8))
    page = client.get(en("talk")).content.decode()
    assert page.count('data-testid="talk-status"') == 1
    assert TalkRequest.objects.filter(pk=open_one.pk).exists()


def test_a_pupil_of_an_archived_class_can_still_ask(client, world):
    """A safeguarding channel: archiving the class does not close it (only pupils already signed
    in reach it), and the pupil is not told that they are in no class."""
    services.classroom_set_active(classroom=world["classroom"], active=False)
    client.force_login(world["pupil"])
    response = client.post(en("talk"), {"adult": world["teacher"].pk, "about": "", "urgent": "yes"}, follow=True)
    page = response.content.decode()
    assert "You are not in a class on this site" not in page
    assert "Received. Thầy Minh will see it soon." in page
    client.force_login(world["teacher"])
    assert "Nguyễn Văn An wants to talk to you" in client.get(en("staff_home")).content.decode()


def test_the_migration_strips_the_pupil_from_talk_entries_written_before(world):
    """Entries written before the fix held the pupil's id, against the class: 0005 makes them like
    the new ones; other actions' entries keep theirs."""
    import importlib

    from django.apps import apps
    from wagtail.log_actions import log

    talk = ask(world)
    old = log(instance=world["classroom"], action="schools.talk_requested", data={"pupil": 7, "request": talk.pk})
    other = log(instance=world["classroom"], action="schools.pupil_renamed", data={"pupil": 7})
    migration = importlib.import_module("schools.migrations.0005_talk_audit_without_pupil")
    migration.forwards(apps, None)
    old.refresh_from_db()
    other.refresh_from_db()
    assert old.data == {"request": talk.pk}
    assert (old.content_type.model, old.object_id, old.label) == ("school", str(world["school"].pk), "Trường A")
    assert other.data == {"pupil": 7} and other.content_type.model == "classroom"


def test_the_migration_fills_in_the_name_of_the_pupil_of_existing_requests(world):
    import importlib

    from django.apps import apps

    talk = ask(world)
    TalkRequest.objects.filter(pk=talk.pk).update(pupil_name="")
    migration = importlib.import_module("schools.migrations.0007_talkrequest_survives_pupil_deletion")
    migration.backfill_pupil_name(apps, None)
    talk.refresh_from_db()
    assert talk.pupil_name == "Nguyễn Văn An"
