from django.db import migrations

# The fixed topics of the catalogue, in the order its filter lists them. Their names live in
# the message catalog (courses.models.TopicCode), not in the database.
TOPICS = [
    "privacy",
    "screen_time",
    "reporting",
    "cyberbullying",
    "grooming",
    "image_sharing",
    "scams",
    "wellbeing",
]


def add_topics(apps, schema_editor):
    Topic = apps.get_model("courses", "Topic")
    for order, code in enumerate(TOPICS):
        Topic.objects.update_or_create(code=code, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_course_and_lesson_pages")]

    operations = [migrations.RunPython(add_topics, migrations.RunPython.noop)]
