"""The H5P models move from `quizzes` to their own app with their data: `quizzes` 0004 renamed
their tables; this migration only tells Django's state that they now live here, and moves their
content types (and so the permissions granted on them, and Wagtail's references and logs) along."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("h5ppackage", "h5pactivity", "h5presult", "h5pstatement", "h5pstate")


def _relabel(apps, source: str, target: str) -> None:
    """Give the models' content types (with the permissions granted on them, Wagtail's references
    and logs) the `target` label. A `target` content type that exists already was made empty by
    a post-migrate handler (Wagtail's snippet permissions) before this ran: it goes, so that the
    one holding the grants and the history wins."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        moving = ContentType.objects.filter(app_label=source, model=model).first()
        if moving is None:
            continue
        ContentType.objects.filter(app_label=target, model=model).delete()
        moving.app_label = target
        moving.save(update_fields=["app_label"])


def move_content_types(apps, schema_editor):
    _relabel(apps, "quizzes", "h5p")


def move_content_types_back(apps, schema_editor):
    _relabel(apps, "h5p", "quizzes")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("quizzes", "0004_move_h5p_to_its_own_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="H5PPackage",
                    fields=[
                        (
                            "sha256",
                            models.CharField(max_length=64, primary_key=True, serialize=False, verbose_name="SHA-256"),
                        ),
                        ("size_bytes", models.PositiveBigIntegerField(default=0, verbose_name="size (bytes)")),
                        ("stored_at", models.DateTimeField(auto_now_add=True, verbose_name="stored at")),
                    ],
                    options={
                        "verbose_name": "H5P package",
                        "verbose_name_plural": "H5P packages",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("sha256__regex", "^[0-9a-f]{64}$")), name="h5p_package_is_sha256"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="H5PActivity",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("title", models.CharField(max_length=255, verbose_name="title")),
                        (
                            "language",
                            models.CharField(
                                choices=[("vi", "Tiếng Việt"), ("en", "English")],
                                default="vi",
                                max_length=8,
                                verbose_name="language",
                            ),
                        ),
                        (
                            "max_score",
                            models.PositiveIntegerField(
                                blank=True,
                                help_text="The activity's maximum score, as H5P reports it (for example, the number of questions). When set, a result reported with another maximum is refused. Leave empty if it varies.",
                                null=True,
                                verbose_name="maximum score",
                            ),
                        ),
                        ("main_library", models.CharField(editable=False, max_length=255, verbose_name="content type")),
                        ("libraries", models.JSONField(default=list, editable=False, verbose_name="libraries")),
                        (
                            "original_filename",
                            models.CharField(blank=True, editable=False, max_length=255, verbose_name="file name"),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                blank=True,
                                editable=False,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="uploaded by",
                            ),
                        ),
                        (
                            "package",
                            models.ForeignKey(
                                editable=False,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="activities",
                                to="h5p.h5ppackage",
                                verbose_name="package",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "H5P activity",
                        "verbose_name_plural": "H5P activities",
                        "ordering": ["title"],
                    },
                ),
                migrations.CreateModel(
                    name="H5PResult",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("best_score", models.FloatField(blank=True, null=True, verbose_name="best score")),
                        ("max_score", models.FloatField(blank=True, null=True, verbose_name="maximum score")),
                        ("best_percent", models.FloatField(blank=True, null=True, verbose_name="best percent")),
                        ("completed", models.BooleanField(default=False, verbose_name="completed")),
                        ("completed_at", models.DateTimeField(blank=True, null=True, verbose_name="completed at")),
                        ("attempts", models.PositiveIntegerField(default=0, verbose_name="attempts")),
                        (
                            "client_reported",
                            models.BooleanField(
                                default=True,
                                editable=False,
                                help_text="Scores from H5P are reported by the learner's browser, not graded by the site.",
                                verbose_name="reported by the browser",
                            ),
                        ),
                        ("first_at", models.DateTimeField(auto_now_add=True, verbose_name="first answered at")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                        (
                            "activity",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="results",
                                to="h5p.h5pactivity",
                                verbose_name="activity",
                            ),
                        ),
                        (
                            "learner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="h5p_results",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="learner",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "H5P result",
                        "verbose_name_plural": "H5P results",
                        "constraints": [
                            models.UniqueConstraint(fields=("learner", "activity"), name="h5p_result_once_per_learner"),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("best_score__isnull", True),
                                    models.Q(("best_score__gte", 0), ("best_score__lte", models.F("max_score"))),
                                    _connector="OR",
                                ),
                                name="h5p_result_score_in_range",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("best_percent__isnull", True),
                                    models.Q(("best_percent__gte", 0), ("best_percent__lte", 100)),
                                    _connector="OR",
                                ),
                                name="h5p_result_percent_0_to_100",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="H5PState",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("data", models.TextField(verbose_name="saved state")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                        (
                            "activity",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="h5p.h5pactivity",
                                verbose_name="activity",
                            ),
                        ),
                        (
                            "learner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="learner",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "H5P saved state",
                        "verbose_name_plural": "H5P saved states",
                        "constraints": [
                            models.UniqueConstraint(fields=("learner", "activity"), name="h5p_state_once_per_learner")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="H5PStatement",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("statement_id", models.UUIDField(verbose_name="statement id")),
                        ("verb", models.CharField(max_length=200, verbose_name="verb")),
                        ("top_level", models.BooleanField(verbose_name="about the whole activity")),
                        ("score_raw", models.FloatField(blank=True, null=True, verbose_name="score")),
                        ("score_max", models.FloatField(blank=True, null=True, verbose_name="maximum score")),
                        ("statement", models.JSONField(default=dict, verbose_name="statement")),
                        ("received_at", models.DateTimeField(auto_now_add=True, verbose_name="received at")),
                        (
                            "activity",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="statements",
                                to="h5p.h5pactivity",
                                verbose_name="activity",
                            ),
                        ),
                        (
                            "learner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="learner",
                            ),
                        ),
                        (
                            "page",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.WAGTAIL_PAGE_MODEL,
                                verbose_name="page",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "H5P statement",
                        "verbose_name_plural": "H5P statements",
                        "indexes": [models.Index(fields=["learner", "activity"], name="h5p_statement_learner_idx")],
                        "constraints": [
                            models.UniqueConstraint(fields=("learner", "statement_id"), name="h5p_statement_once")
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
