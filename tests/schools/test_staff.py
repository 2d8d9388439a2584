"""Teachers create or join a school, leaders approve them, classes are created, archived and
given modules."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from schools import services
from schools.models import Classroom, CourseAssignment, Membership, School
from tests.factories import AdultFactory


def test_a_teacher_creates_a_school_and_leads_it(client, db):
    teacher = AdultFactory()
    client.force_login(teacher)
    response = client.post(
        reverse("schools:school_create"), {"name": "Trường THCS Ba Đình", "province": "ha-noi", "kind": "school"}
    )
    school = School.objects.get()
    assert response["Location"] == reverse("schools:classroom_create", args=[school.pk])
    assert Membership.objects.get(user=teacher).role == "leader"
    teacher.refresh_from_db()
    assert teacher.role == Role.SCHOOL_LEADER
    assert len(school.staff_join_code) == 8


def test_a_school_needs_a_province_from_the_list(client, db):
    client.force_login(AdultFactory())
    response = client.post(reverse("schools:school_create"), {"name": "X", "province": "atlantis", "kind": "school"})
    assert response.status_code == 400
    assert not School.objects.exists()


def test_joining_with_a_code_waits_for_the_leader(client, school, leader):
    teacher = AdultFactory()
    client.force_login(teacher)
    wrong = client.post(reverse("schools:school_join"), {"code": "NOPE2345"})
    assert wrong.status_code == 400
    assert "No school has this code" in wrong.content.decode() or "Không có trường" in wrong.content.decode()
    client.post(reverse("schools:school_join"), {"code": school.staff_join_code.lower()})
    membership = Membership.objects.get(user=teacher)
    assert not membership.approved
    assert client.get(reverse("schools:school_detail", args=[school.pk])).status_code == 404
    client.force_login(leader)
    client.post(reverse("schools:school_staff_action", args=[school.pk, membership.pk, "approve"]))
    client.force_login(teacher)
    assert client.get(reverse("schools:school_detail", args=[school.pk])).status_code == 200


def test_the_last_leader_cannot_leave(school, leader):
    membership = Membership.objects.get(user=leader, classroom=None)
    with translation.override("en"), pytest.raises(services.SchoolError, match="at least one leader"):
        services.staff_remove(membership=membership)
    assert Membership.objects.filter(user=leader).exists()


def test_class_codes_are_unique_and_names_unique_among_active_classes(school, leader, client):
    client.force_login(leader)
    url = reverse("schools:classroom_create", args=[school.pk])
    client.post(url, {"name": "5A", "grade": 5, "sign_in_kind": "pictures"})
    again = client.post(url, {"name": "5a", "grade": 5, "sign_in_kind": "pictures"})
    assert again.status_code == 400
    classroom = Classroom.objects.get(name="5A")
    assert classroom.age_band == "9-11" and len(classroom.class_code) == 8
    client.post(reverse("schools:classroom_archive", args=[classroom.pk]), {"active": "0"})
    classroom.refresh_from_db()
    assert not classroom.active
    # Archived: the name is free again, and the class is still listed for its teacher.
    assert client.post(url, {"name": "5A", "grade": 5, "sign_in_kind": "pin"}).status_code == 302


def test_assigning_outside_the_age_band_asks_first(client, leader, classroom, course, en_course):
    """The fixture course is for ages 6-8; grade 3 fits, so make the class grade 7."""
    services.classroom_update(classroom=classroom, name="7A", grade=7, sign_in_kind="pictures")
    client.force_login(leader)
    url = reverse("schools:assign", args=[classroom.pk])
    listing = client.get(url).content.decode()
    assert course.title not in listing  # filtered to the class's age band by default
    assert course.title in client.get(url + "?all=1").content.decode()
    warned = client.post(url, {"course": course.pk, "all": "1"})
    assert warned.status_code == 200 and "6-8" in warned.content.decode()  # a question, not an error
    assert not CourseAssignment.objects.exists()
    client.post(url, {"course": course.pk, "all": "1", "outside_ok": "1", "due_on": "2030-01-31"})
    assignment = CourseAssignment.objects.get()
    assert assignment.due_on == datetime.date(2030, 1, 31)
    # Assigning the English version again changes the due date, not a second assignment.
    services.course_assign(classroom=classroom, course=en_course, due_on=None, by=leader)
    assert CourseAssignment.objects.count() == 1


def test_a_due_date_in_the_past_is_refused(client, leader, classroom, course):
    client.force_login(leader)
    response = client.post(
        reverse("schools:assign", args=[classroom.pk]), {"course": course.pk, "due_on": "2020-01-01"}
    )
    assert response.status_code == 400
    assert not CourseAssignment.objects.exists()


def test_teacher_resets_a_locked_out_pupil(client, leader, classroom, pupil):
    from accounts import credentials

    pupil.refresh_from_db()
    for _ in range(5):
        credentials.check(credential=pupil.pupil_credential, answer=("x", "y", "z"))
    pupil.pupil_credential.refresh_from_db()
    assert pupil.pupil_credential.is_locked
    client.force_login(leader)
    url = reverse("schools:pupil_detail", args=[classroom.pk, pupil.pk])
    assert "locked out" in client.get(url).content.decode() or "khóa" in client.get(url).content.decode()
    client.post(url, {"action": "unlock"})
    pupil.pupil_credential.refresh_from_db()
    assert not pupil.pupil_credential.is_locked


def test_a_decided_request_cannot_be_declined_later(client, school, leader, other_teacher):
    """A stale "Decline" button must not take an approved teacher off the staff while they keep
    their classes: members leave through "Remove from the school"."""
    membership = Membership.objects.get(user=other_teacher, classroom=None)
    client.force_login(leader)
    client.post(reverse("schools:school_staff_action", args=[school.pk, membership.pk, "decline"]))
    assert Membership.objects.filter(pk=membership.pk).exists()
    client.post(reverse("schools:school_staff_action", args=[school.pk, membership.pk, "remove"]))
    client.force_login(other_teacher)
    seven_b = Classroom.objects.get(name="7B")
    assert client.get(reverse("schools:classroom_detail", args=[seven_b.pk])).status_code == 404


def test_renaming_a_pupil_checks_the_name_like_adding_one(school, classroom, pupils):
    for bad in ("", "An 0912 345 678", "x" * 101, "trần thị bình"):
        with pytest.raises(services.SchoolError):
            services.pupil_rename(pupil=pupils[0], classroom=classroom, name=bad)
    services.pupil_rename(pupil=pupils[0], classroom=classroom, name="  Nguyễn  Văn  An B ")
    pupils[0].refresh_from_db()
    assert pupils[0].display_name == "Nguyễn Văn An B"
