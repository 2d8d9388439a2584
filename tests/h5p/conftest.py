"""Fixtures of H5P tests, also used by the tests of the apps above (schools, certificates)."""

import pytest


@pytest.fixture(autouse=True)
def fresh_h5p_storage(h5p_storage):
    """Each test its own H5P storage folder (see tests/conftest.py)."""


@pytest.fixture
def h5p_activity(db):
    """An uploaded H5P activity (the tests' own content type), its files in storage."""
    from h5p import packages, services
    from h5p.models import H5PActivity
    from tests.h5p.builders import valid_package

    checked = packages.check_bytes(valid_package())
    return services.activity_save(activity=H5PActivity(title="Spot the risk"), package=checked, filename="test.h5p")


def embed(lesson, activity, *, required=False, pass_mark_percent=0):
    """Put `activity` at the end of `lesson`'s body, and publish."""
    lesson.body.append(
        ("h5p_activity", {"activity": activity, "required": required, "pass_mark_percent": pass_mark_percent})
    )
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    return lesson


@pytest.fixture
def h5p_lesson(lessons, h5p_activity):
    """The fixture module's first lesson (for pupils), embedding the activity."""
    return embed(lessons[0], h5p_activity)


@pytest.fixture
def learner(db):
    """An adult learner (a caregiver), whose H5P results are stored."""
    from accounts.models import Role
    from tests.factories import AdultFactory

    return AdultFactory(role=Role.CAREGIVER)


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client
