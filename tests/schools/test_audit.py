"""Staff actions on children's data are logged (schools.audit): who, what, when, which record,
never a secret or a pupil's name; leaders read their school's, and entries expire."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accounts import credentials
from schools import audit, services

from .conftest import consent_all


def _actions(school) -> list[str]:
    return [entry.action for entry in audit.entries_for_school(school)]


def test_each_staff_action_is_logged_with_who_and_which_pupil(client, leader, school, classroom, pupils):
    client.force_login(leader)
    pupil = pupils[0]
    detail = reverse("schools:pupil_detail", args=[classroom.pk, pupil.pk])
    client.post(detail, {"action": "new_secret"})
    client.post(detail, {"action": "unlock"})
    client.post(detail, {"action": "rename", "name": "Nguyễn Văn Anh"})
    consent_all([pupil], leader)
    services.consent_withdraw(pupil=pupil, by=leader)
    client.post(reverse("schools:classroom_pupils", args=[classroom.pk]), {"action": "unlock_all"})
    client.get(reverse("schools:classroom_export", args=[classroom.pk]))
    client.get(reverse("schools:school_export", args=[school.pk]))
    client.post(detail, {"action": "delete", "sure": "yes"})
    actions = _actions(school)
    for action in (
        "schools.pupils_added",
        "schools.new_secret",
        "schools.pupil_unlocked",
        "schools.pupil_renamed",
        "schools.consent_recorded",
        "schools.consent_withdrawn",
        "schools.class_unlocked",
        "schools.class_exported",
        "schools.school_exported",
        "schools.pupil_deleted",
    ):
        assert action in actions, action
    deleted = audit.entries_for_school(school).get(action="schools.pupil_deleted")
    assert deleted.user == leader and deleted.data["pupil"] == pupil.pk and deleted.label == classroom.name


def test_the_log_never_holds_a_secret_or_a_pupils_name(leader, school, classroom, pupils):
    pupil = pupils[0]
    services.pupil_new_secret(pupil=pupil, classroom=classroom, kind="pin", by=leader)
    pupil.refresh_from_db()
    pin = "".join(credentials.secret_of(pupil.pupil_credential))
    stored = " ".join(f"{entry.label} {entry.data}" for entry in ModelLogEntry.objects.all())
    assert pin not in stored.replace(str(pupil.pk), "")
    assert all(p.display_name not in stored for p in pupils)


def test_leaders_read_their_schools_log_and_no_one_else_does(client, leader, school, classroom, pupils, other_teacher):
    url = reverse("schools:school_audit", args=[school.pk])
    client.force_login(leader)
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="audit-log"' in page.content.decode()
    assert leader.get_display_name() in page.content.decode()
    assert 'data-testid="audit-link"' in client.get(reverse("schools:school_detail", args=[school.pk])).content.decode()
    teacher = Client()
    teacher.force_login(other_teacher)
    assert teacher.get(url).status_code in (403, 404)


@pytest.mark.django_db
def test_entries_are_deleted_after_the_documented_time(leader, school, classroom, pupils, settings):
    settings.AUDIT_LOG_DAYS = 30
    ModelLogEntry.objects.filter(action__startswith="schools.").update(timestamp=timezone.now() - timedelta(days=31))
    services.class_unlock_all(classroom=classroom, by=leader)
    assert audit.purge() >= 1
    assert _actions(school) == ["schools.class_unlocked"]
