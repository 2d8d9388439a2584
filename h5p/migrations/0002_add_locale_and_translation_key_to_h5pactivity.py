"""An H5P activity becomes a translatable snippet (Wagtail's TranslatableMixin): a locale and a
translation key, added empty here, filled by 0003, then required by 0004 (three steps, as
Wagtail's documentation advises, so that no step mixes data and schema changes)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("h5p", "0001_move_h5p_models_from_quizzes"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [
        migrations.AddField(
            model_name="h5pactivity",
            name="translation_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="h5pactivity",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
    ]
