"""The helpline's defaults no longer say that the call is free or answered at every hour (none of
our sources says so), and name it by its official name. A site whose setting still holds an old
default gets the new one; a text an editor wrote is left as it is."""

import wagtail.fields
from django.db import migrations, models

WHAT_HAPPENS_VI = (
    "<p>Một người lớn được đào tạo để lắng nghe trẻ em sẽ nghe máy. "
    "Em có thể gọi cho dù chuyện xảy ra trên mạng hay ngoài đời.</p>"
    "<ul>"
    "<li>Em kể chuyện theo cách của em, chậm rãi cũng được.</li>"
    "<li>Người nghe máy không trách em và không cười em. "
    "Chuyện xấu xảy ra không bao giờ là lỗi của em.</li>"
    "<li>Họ cùng em nghĩ xem bước tiếp theo là gì. Khi cần, họ báo cho những người có trách nhiệm "
    "bảo vệ trẻ em ở nơi em sống để đến giúp em.</li>"
)
WHAT_HAPPENS_EN = (
    "<p>An adult trained to listen to children answers. "
    "You can call whether it happened online or offline.</p>"
    "<ul>"
    "<li>You tell it your way, and you can take your time.</li>"
    "<li>The person who answers will not blame you or laugh at you. "
    "When something bad happens, it is never your fault.</li>"
    "<li>Together you work out what to do next. When needed, they tell the people responsible "
    "for protecting children where you live, so that someone comes to help you.</li>"
)

# field: (old default, new default)
DEFAULTS = {
    "name_vi": ("Tổng đài quốc gia bảo vệ trẻ em", "Tổng đài điện thoại quốc gia bảo vệ trẻ em"),
    "availability_vi": ("Miễn phí, 24 giờ mỗi ngày, 7 ngày mỗi tuần", "Gọi để được tư vấn, hỗ trợ."),
    "availability_en": ("Free of charge, 24 hours a day, 7 days a week", "Call for advice and support."),
    "what_happens_vi": (
        WHAT_HAPPENS_VI + "<li>Cuộc gọi không mất tiền.</li></ul>",
        WHAT_HAPPENS_VI + "</ul>",
    ),
    "what_happens_en": (
        WHAT_HAPPENS_EN + "<li>The call costs nothing.</li></ul>",
        WHAT_HAPPENS_EN + "</ul>",
    ),
}


def _replace(apps, old: int, new: int):
    HelplineSettings = apps.get_model("elearning", "HelplineSettings")
    for setting in HelplineSettings.objects.all():
        changed = [field for field, values in DEFAULTS.items() if getattr(setting, field) == values[old]]
        for field in changed:
            setattr(setting, field, DEFAULTS[field][new])
        if changed:
            setting.save(update_fields=changed)


def forwards(apps, schema_editor):
    _replace(apps, 0, 1)


def backwards(apps, schema_editor):
    _replace(apps, 1, 0)


class Migration(migrations.Migration):
    dependencies = [("elearning", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="helplinesettings",
            name="name_vi",
            field=models.CharField(
                default=DEFAULTS["name_vi"][1], max_length=120, verbose_name="helpline name (Vietnamese)"
            ),
        ),
        migrations.AlterField(
            model_name="helplinesettings",
            name="availability_vi",
            field=models.CharField(
                default=DEFAULTS["availability_vi"][1], max_length=200, verbose_name="when it answers (Vietnamese)"
            ),
        ),
        migrations.AlterField(
            model_name="helplinesettings",
            name="availability_en",
            field=models.CharField(
                blank=True,
                default=DEFAULTS["availability_en"][1],
                max_length=200,
                verbose_name="when it answers (English)",
            ),
        ),
        migrations.AlterField(
            model_name="helplinesettings",
            name="what_happens_vi",
            field=wagtail.fields.RichTextField(
                default=DEFAULTS["what_happens_vi"][1], verbose_name="what happens when you call (Vietnamese)"
            ),
        ),
        migrations.AlterField(
            model_name="helplinesettings",
            name="what_happens_en",
            field=wagtail.fields.RichTextField(
                blank=True, default=DEFAULTS["what_happens_en"][1], verbose_name="what happens when you call (English)"
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
