"""An H5P activity is a translatable snippet: "Translate" in the admin (wagtail-localize) makes
its English activity, and a lesson's English translation then embeds that one, the normal way,
without anyone choosing it again."""

from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.models import TranslationSource

from h5p.models import H5PActivity
from tests.factories import AdultFactory
from tests.h5p.builders import valid_package
from tests.h5p.conftest import embed


def test_h5p_activity_translated_in_the_admin_keeps_its_package_until_the_editor_replaces_it(
    client, course, h5p_activity
):
    client.force_login(AdultFactory(is_staff=True, is_superuser=True))
    english = Locale.objects.get(language_code="en")
    response = client.post(
        f"/admin/localize/submit/snippet/h5p/h5pactivity/{h5p_activity.pk}/", {"locales": [english.pk]}
    )
    assert response.status_code == 302
    translated = h5p_activity.get_translation(english)
    assert (translated.title, translated.package_id, translated.language) == (
        h5p_activity.title,
        h5p_activity.package_id,
        "en",
    )
    # "Stop synced translation" in the translation editor: from now on the English activity is
    # edited like any other, and its package replaced with the English export.
    synced = TranslationSource.objects.get(object_id=h5p_activity.translation_key).translations.get(
        target_locale=english
    )
    assert client.post(reverse("wagtail_localize:stop_translation", args=[synced.pk])).status_code == 302
    edit = f"/admin/snippets/h5p/h5pactivity/edit/{translated.pk}/"
    response = client.post(
        edit,
        {
            "title": "Spot the risk",
            "package_file": _upload(valid_package(content={"question": "Is this safe?", "points": 1})),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    translated.refresh_from_db()
    assert translated.title == "Spot the risk" and translated.package_id != h5p_activity.package_id
    assert H5PActivity.objects.get(pk=h5p_activity.pk).package_id == h5p_activity.package_id


def test_h5p_lessons_translation_embeds_the_activitys_translation(client, lessons, h5p_activity):
    english = Locale.objects.get(language_code="en")
    translated = h5p_activity.copy_for_translation(english)
    translated.title = "Spot the risk"
    translated.save()
    lesson = embed(lessons[0], h5p_activity)
    source, _ = TranslationSource.update_or_create_from_instance(lesson)
    source.create_or_update_translation(english, fallback=True)
    english_lesson = lesson.get_translation(english)
    english_lesson.latest_revision.publish()
    english_lesson.refresh_from_db()
    assert english_lesson.embedded_h5p_activity_ids() == {translated.pk}
    player = reverse("h5p_player", kwargs={"page_id": english_lesson.pk, "activity_id": translated.pk})
    response = client.get(player.replace("/vi/", "/en/"))
    assert response.status_code == 200
    assert "Spot the risk" in response.content.decode()


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("activity.en.h5p", data)
