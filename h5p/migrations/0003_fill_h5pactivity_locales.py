"""Each existing activity's locale is the one of its former `language` (made if the site has no
such locale yet); each gets a translation key of its own (none was a translation of another)."""

import uuid

from django.conf import settings
from django.db import migrations


def fill(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    H5PActivity = apps.get_model("h5p", "H5PActivity")
    for activity in H5PActivity.objects.filter(locale__isnull=True):
        language = activity.language or settings.LANGUAGE_CODE
        activity.locale, _ = Locale.objects.get_or_create(language_code=language)
        activity.translation_key = uuid.uuid4()
        activity.save(update_fields=["locale", "translation_key"])


def empty(apps, schema_editor):
    H5PActivity = apps.get_model("h5p", "H5PActivity")
    for activity in H5PActivity.objects.select_related("locale"):
        activity.language = activity.locale.language_code
        activity.save(update_fields=["language"])


class Migration(migrations.Migration):
    dependencies = [("h5p", "0002_add_locale_and_translation_key_to_h5pactivity")]

    operations = [migrations.RunPython(fill, empty)]
