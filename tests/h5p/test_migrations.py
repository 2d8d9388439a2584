"""Moving H5P out of `quizzes` keeps everything: an activity, its package, a learner's result and
the editors' permissions made before the move are all there after it, now in `h5p`, and the
activity has the locale of its former language."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("quizzes", "0003_h5p_activity_editor_permissions")


def migrate_back():
    """The database as it was before the move (h5p unapplied, quizzes at 0003), and its models."""
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE, ("h5p", None)])
    return executor.loader.project_state([BEFORE]).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_moving_h5p_into_its_own_app_keeps_activities_results_and_permissions():
    from tests.factories import AdultFactory

    learner = AdultFactory(username="caregiver-before-the-move")  # accounts is not part of the move
    old = migrate_back()
    Package = old.get_model("quizzes", "H5PPackage")
    Activity = old.get_model("quizzes", "H5PActivity")
    Result = old.get_model("quizzes", "H5PResult")
    Group = old.get_model("auth", "Group")
    package = Package.objects.create(sha256="a" * 64, size_bytes=10)
    activity = Activity.objects.create(title="Spot the risk", language="en", package=package, main_library="H5P.X 1.0")
    Result.objects.create(
        learner_id=learner.pk, activity=activity, best_score=3, max_score=4, best_percent=75, attempts=2
    )
    editors, _ = Group.objects.get_or_create(name="Editors")
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    editors.permissions.add(Permission.objects.get(content_type__app_label="quizzes", codename="change_h5pactivity"))
    assert ContentType.objects.filter(app_label="quizzes", model="h5pactivity").exists()
    # What Wagtail's post-migrate handler does on any `migrate` with the new code, before h5p's
    # migrations run: an empty h5p content type, with its own permissions.
    made_early = ContentType.objects.create(app_label="h5p", model="h5pactivity")
    Permission.objects.create(content_type=made_early, codename="change_h5pactivity", name="Can change")

    executor = MigrationExecutor(connection)  # a new one: it reads which migrations are applied now
    executor.migrate(executor.loader.graph.leaf_nodes())

    from django.contrib.auth.models import Group as CurrentGroup
    from django.contrib.contenttypes.models import ContentType as CurrentContentType

    from h5p.models import H5PActivity, H5PResult

    moved = H5PActivity.objects.get(pk=activity.pk)
    assert (moved.title, moved.package_id, moved.locale.language_code) == ("Spot the risk", "a" * 64, "en")
    assert moved.translation_key is not None
    result = H5PResult.objects.get(activity=moved)
    assert (result.learner.username, result.best_percent, result.attempts) == ("caregiver-before-the-move", 75, 2)
    assert not CurrentContentType.objects.filter(app_label="quizzes", model__startswith="h5p").exists()
    granted = CurrentGroup.objects.get(name="Editors").permissions.filter(content_type__app_label="h5p")
    assert "change_h5pactivity" in set(granted.values_list("codename", flat=True))
