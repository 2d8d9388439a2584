import datetime

import pytest

from accounts import credentials
from schools import services
from schools.roster import plan_from_text
from tests.factories import AdultFactory
from tests.quizzes.conftest import en_quiz, quiz  # noqa: F401  (the fixture module's quiz, for these tests too)


def consent_all(pupils, by) -> None:
    """Paper consent slips (pupil and parent) recorded for each pupil, as a teacher does."""
    for pupil in pupils:
        services.consent_record(
            pupil=pupil,
            pupil_assent=True,
            guardian_consent=True,
            method="paper",
            given_on=datetime.date(2026, 11, 1),
            by=by,
        )
        pupil.refresh_from_db()


@pytest.fixture
def leader(db):
    return AdultFactory(display_name="Cô Lan")


@pytest.fixture
def school(leader):
    return services.school_create(founder=leader, name="Trường Tiểu học Hoa Sen", province="ha-noi", kind="school")


@pytest.fixture
def classroom(school, leader):
    return services.classroom_create(school=school, teacher=leader, name="3A", grade=3, sign_in_kind="pictures")


@pytest.fixture
def pupils(classroom):
    plan = plan_from_text("Nguyễn Văn An\nTrần Thị Bình\nLê Minh Châu", existing_names=set())
    return services.roster_import(classroom=classroom, plan=plan)


@pytest.fixture
def pupil(pupils):
    return pupils[0]


def secret(pupil) -> tuple[str, ...]:
    pupil.refresh_from_db()
    return credentials.secret_of(pupil.pupil_credential)


def picture_post(pupil) -> dict:
    return {f"picture{i}": key for i, key in enumerate(secret(pupil), start=1)}


@pytest.fixture
def other_teacher(school):
    """A second, approved teacher of the same school, with a class of their own."""
    teacher = AdultFactory(display_name="Thầy Nam")
    membership = services.school_join_request(user=teacher, code=school.staff_join_code)
    services.staff_decide(membership=membership, approve=True)
    services.classroom_create(school=school, teacher=teacher, name="7B", grade=7, sign_in_kind="pin")
    return teacher
