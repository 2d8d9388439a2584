import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def backfill_pupil_name(apps, schema_editor):
    TalkRequest = apps.get_model("schools", "TalkRequest")
    for item in TalkRequest.objects.filter(pupil__isnull=False).select_related("pupil"):
        pupil = item.pupil
        full_name = f"{pupil.first_name} {pupil.last_name}".strip()
        item.pupil_name = (pupil.display_name or full_name or pupil.username)[:150]
        item.save(update_fields=["pupil_name"])


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("schools", "0006_add_language_and_projector_code_to_teachingsession"),
    ]

    operations = [
        migrations.AddField(
            model_name="talkrequest",
            name="pupil_name",
            field=models.CharField(blank=True, max_length=150, verbose_name="pupil's name when they asked"),
        ),
        migrations.AlterField(
            model_name="talkrequest",
            name="pupil",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="talk_requests",
                to=settings.AUTH_USER_MODEL,
                verbose_name="pupil",
            ),
        ),
        migrations.RunPython(backfill_pupil_name, migrations.RunPython.noop),
    ]
