"""The H5P models leave for their own app, `h5p` (see its migration 0001), keeping their rows:
their tables are renamed here, and Django's state forgets them in this app."""

from django.db import migrations

MOVED = ("H5PState", "H5PStatement", "H5PResult", "H5PActivity", "H5PPackage")  # dependants first


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0003_h5p_activity_editor_permissions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name=name.lower(), table=f"h5p_{name.lower()}") for name in MOVED
            ],
            state_operations=[migrations.DeleteModel(name=name) for name in MOVED],
        ),
    ]
