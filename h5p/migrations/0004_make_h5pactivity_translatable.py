"""Locale and translation key required, once per pair; the former `language` goes (the locale
says it)."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("h5p", "0003_fill_h5pactivity_locales")]

    operations = [
        migrations.AlterField(
            model_name="h5pactivity",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="h5pactivity",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AlterUniqueTogether(name="h5pactivity", unique_together={("translation_key", "locale")}),
        migrations.RemoveField(model_name="h5pactivity", name="language"),
    ]
