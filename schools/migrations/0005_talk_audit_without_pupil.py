"""The audit entries of "I want to talk" hold the request's id and status only, against the school
(docs/security.md): strip the pupil's id from the entries written before, and move them from the
class to its school. An entry outlives the request by far (AUDIT_LOG_DAYS), so it must not lead
back to the child."""

from django.db import migrations

TALK_ACTIONS = ["schools.talk_requested", "schools.talk_status_changed"]


def forwards(apps, schema_editor):
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Classroom = apps.get_model("schools", "Classroom")
    School = apps.get_model("schools", "School")
    classroom_type = ContentType.objects.filter(app_label="schools", model="classroom").first()
    school_type, _created = ContentType.objects.get_or_create(app_label="schools", model="school")
    schools = {str(pk): school_id for pk, school_id in Classroom.objects.values_list("pk", "school_id")}
    names = dict(School.objects.values_list("pk", "name"))
    for entry in ModelLogEntry.objects.filter(action__in=TALK_ACTIONS).iterator():
        data = entry.data if isinstance(entry.data, dict) else {}
        entry.data = {key: value for key, value in data.items() if key != "pupil"}
        fields = ["data"]
        school_id = schools.get(entry.object_id)
        if classroom_type is not None and entry.content_type_id == classroom_type.pk and school_id is not None:
            entry.content_type_id, entry.object_id = school_type.pk, str(school_id)
            entry.label = names.get(school_id, "")
            fields += ["content_type", "object_id", "label"]
        entry.save(update_fields=fields)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("schools", "0004_add_teaching_session_and_class_taught"),
        ("wagtailcore", "0063_modellogentry"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
