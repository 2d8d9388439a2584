"""The Wagtail admin's export of H5P statements (xAPI, JSON Lines): who may open it, what each
filter keeps, that every line is valid xAPI, and that the export is in the audit log."""

import datetime
import json

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import ModelLogEntry

from accounts.models import Role
from h5p import services as h5p_services
from schools import services
from schools.models import Membership, MembershipRole
from tests.factories import AdultFactory, PupilFactory
from tests.h5p.conftest import h5p_activity, h5p_lesson  # noqa: F401
from tests.h5p.test_h5p_results import statement
from tests.h5p.test_h5p_xapi import validator_problems

URL = "/admin/h5p-statements/"


@pytest.fixture
def two_classes(db, h5p_storage, h5p_lesson, h5p_activity):  # noqa: F811
    teacher = AdultFactory()
    school = services.school_create(founder=teacher, name="Trường A", province="ha-noi", kind="school")
    classes, pupils = [], []
    for name in ("4A", "4B"):
        classroom = services.classroom_create(
            school=school, teacher=teacher, name=name, grade=4, sign_in_kind="pictures"
        )
        pupil = PupilFactory(learning_data_consent=True)
        Membership.objects.create(user=pupil, school=school, classroom=classroom, role=MembershipRole.PUPIL)
        h5p_services.statement_record(
            learner=pupil, activity=h5p_activity, page=h5p_lesson, statement=h5p_services.statement_read(statement())
        )
        classes.append(classroom)
        pupils.append(pupil)
    return teacher, classes, pupils


def lines(response) -> list[dict]:
    assert response["Content-Type"].startswith("application/x-ndjson")
    assert "attachment" in response["Content-Disposition"]
    return [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]


@pytest.mark.parametrize("who", ["visitor", "teacher", "editor", "pupil"])
def test_statement_export_is_refused_to_whoever_may_not_view_statements(client, two_classes, who):
    users = {
        "visitor": None,
        "teacher": lambda: two_classes[0],
        "pupil": lambda: two_classes[2][0],
        "editor": lambda: AdultFactory(role=Role.EDITOR, is_staff=True),
    }
    if users[who]:
        user = users[who]()
        if who == "editor":
            user.groups.add(Group.objects.get(name="Editors"))
        client.force_login(user)
    response = client.get(URL + "?download=1")
    assert response.status_code in (302, 403), who
    assert not ModelLogEntry.objects.filter(action="schools.statements_exported").exists()


def test_statement_export_for_a_group_given_the_permission(client, two_classes):
    analyst = AdultFactory(role=Role.EDITOR, is_staff=True)
    group = Group.objects.create(name="Data officers")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_h5pstatement")
    )
    analyst.groups.add(group)
    client.force_login(analyst)
    assert client.get(URL).status_code == 200
    assert len(lines(client.get(URL + "?download=1"))) == 2


def test_statement_export_of_one_class_holds_its_pupils_only_and_is_valid_xapi(client, two_classes):
    _teacher, classes, pupils = two_classes
    client.force_login(AdultFactory(is_staff=True, is_superuser=True))
    exported = lines(client.get(URL, {"download": "1", "classroom": classes[0].pk}))
    assert len(exported) == 1
    from h5p.xapi import actor_name

    assert exported[0]["actor"]["account"]["name"] == actor_name(pupils[0].pk)
    assert validator_problems(exported) == [[]]
    entry = ModelLogEntry.objects.get(action="schools.statements_exported")
    assert entry.object_id == str(classes[0].pk)


def test_statement_export_by_course_and_dates(client, two_classes, h5p_lesson):  # noqa: F811
    client.force_login(AdultFactory(is_staff=True, is_superuser=True))
    course = h5p_lesson.get_parent()
    today = datetime.date.today()
    assert len(lines(client.get(URL, {"download": "1", "course": course.pk, "since": today}))) == 2
    assert lines(client.get(URL, {"download": "1", "since": today + datetime.timedelta(days=1)})) == []
    wrong_way = client.get(URL, {"download": "1", "since": today, "until": today - datetime.timedelta(days=1)})
    assert wrong_way.status_code == 200 and wrong_way.context_data["form"].non_field_errors()
    assert not wrong_way.has_header("Content-Disposition")


def test_statement_export_in_the_reports_menu_for_superusers(client, two_classes):
    client.force_login(AdultFactory(is_staff=True, is_superuser=True))
    assert URL in client.get("/admin/").content.decode()
