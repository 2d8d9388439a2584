# H5P libraries kept once for the whole site (h5p.libraries), each linked to the packages that use it; packages stored before keep their own copies (Django 5.2).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("h5p", "0005_add_lrs_forwarding"),
    ]

    operations = [
        migrations.AddField(
            model_name="h5ppackage",
            name="shared_libraries",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="Stored since libraries are kept once for the whole site; older packages keep their own copies.",
                verbose_name="libraries in the shared store",
            ),
        ),
        migrations.CreateModel(
            name="H5PLibrary",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("machine_name", models.CharField(max_length=255, verbose_name="machine name")),
                ("major", models.PositiveIntegerField(verbose_name="major version")),
                ("minor", models.PositiveIntegerField(verbose_name="minor version")),
                ("patch", models.PositiveIntegerField(default=0, verbose_name="patch version")),
                ("digest", models.CharField(max_length=64, unique=True, verbose_name="SHA-256 of its files")),
                ("stored", models.BooleanField(default=False, verbose_name="stored")),
                ("stored_at", models.DateTimeField(auto_now_add=True, verbose_name="stored at")),
            ],
            options={
                "verbose_name": "H5P library",
                "verbose_name_plural": "H5P libraries",
                "indexes": [models.Index(fields=["machine_name", "major", "minor"], name="h5p_library_version_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("digest__regex", "^[0-9a-f]{64}$")), name="h5p_library_digest_is_sha256"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="h5ppackage",
            name="libraries",
            field=models.ManyToManyField(
                blank=True, editable=False, related_name="packages", to="h5p.h5plibrary", verbose_name="libraries"
            ),
        ),
    ]
