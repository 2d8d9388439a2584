# The H5P activity block chooses from the h5p app, where the activities now live (Django 5.2).

import wagtail.fields
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0004_add_h5p_activity_block"),
        ("h5p", "0001_move_h5p_models_from_quizzes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="lessonpage",
            name="body",
            field=wagtail.fields.StreamField(
                [
                    ("heading", 0),
                    ("text", 1),
                    ("image", 5),
                    ("video", 9),
                    ("tip", 10),
                    ("key_points", 11),
                    ("scenario", 19),
                    ("helpline", 21),
                    ("discussion", 24),
                    ("h5p_activity", 28),
                ],
                block_lookup={
                    0: ("courses.blocks.HeadingBlock", (), {}),
                    1: ("courses.blocks.TextBlock", (), {}),
                    2: ("wagtail.images.blocks.ImageChooserBlock", (), {"label": "image"}),
                    3: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "Say what the picture shows, for someone who cannot see it.",
                            "label": "alternative text",
                            "max_length": 250,
                        },
                    ),
                    4: ("wagtail.blocks.CharBlock", (), {"label": "caption", "max_length": 250, "required": False}),
                    5: ("wagtail.blocks.StructBlock", [[("image", 2), ("alt", 3), ("caption", 4)]], {}),
                    6: (
                        "wagtail.embeds.blocks.EmbedBlock",
                        (),
                        {"help_text": "A link to the video, e.g. on YouTube.", "label": "video address"},
                    ),
                    7: ("wagtail.blocks.CharBlock", (), {"label": "title", "max_length": 200}),
                    8: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {
                            "features": ["bold", "italic", "link", "ol", "ul"],
                            "help_text": "Everything said and shown, for learners who cannot hear or play the video.",
                            "label": "transcript",
                        },
                    ),
                    9: ("wagtail.blocks.StructBlock", [[("video", 6), ("title", 7), ("transcript", 8)]], {}),
                    10: ("courses.blocks.TipBlock", (), {}),
                    11: ("courses.blocks.KeyPointsBlock", (), {}),
                    12: ("wagtail.blocks.TextBlock", (), {"label": "situation"}),
                    13: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"default": "What would you do?", "label": "question", "max_length": 250},
                    ),
                    14: ("wagtail.blocks.CharBlock", (), {"label": "choice", "max_length": 300}),
                    15: (
                        "wagtail.blocks.TextBlock",
                        (),
                        {"help_text": "Why this choice is or is not a good idea.", "label": "feedback"},
                    ),
                    16: ("wagtail.blocks.BooleanBlock", (), {"label": "the choice we recommend", "required": False}),
                    17: ("wagtail.blocks.StructBlock", [[("text", 14), ("feedback", 15), ("recommended", 16)]], {}),
                    18: ("wagtail.blocks.ListBlock", (17,), {"label": "choices", "max_num": 5, "min_num": 2}),
                    19: ("wagtail.blocks.StructBlock", [[("situation", 12), ("question", 13), ("choices", 18)]], {}),
                    20: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "An optional line above the number. The number comes from the helpline setting.",
                            "label": "message",
                            "max_length": 300,
                            "required": False,
                        },
                    ),
                    21: ("wagtail.blocks.StructBlock", [[("message", 20)]], {}),
                    22: ("wagtail.blocks.TextBlock", (), {"label": "question for the class"}),
                    23: ("wagtail.blocks.TextBlock", (), {"label": "guidance for the teacher", "required": False}),
                    24: ("wagtail.blocks.StructBlock", [[("prompt", 22), ("guidance", 23)]], {}),
                    25: (
                        "wagtail.snippets.blocks.SnippetChooserBlock",
                        ("h5p.H5PActivity",),
                        {"label": "H5P activity"},
                    ),
                    26: (
                        "wagtail.blocks.BooleanBlock",
                        (),
                        {
                            "help_text": "The learner must complete it, at the pass mark, before “I've finished” counts. If the activity cannot be played on the site, it is not required.",
                            "label": "required to finish the lesson",
                            "required": False,
                        },
                    ),
                    27: (
                        "wagtail.blocks.IntegerBlock",
                        (),
                        {
                            "default": 0,
                            "help_text": "0: completing the activity is enough.",
                            "label": "pass mark (%)",
                            "max_value": 100,
                            "min_value": 0,
                        },
                    ),
                    28: (
                        "wagtail.blocks.StructBlock",
                        [[("activity", 25), ("required", 26), ("pass_mark_percent", 27)]],
                        {},
                    ),
                },
                verbose_name="body",
            ),
        ),
    ]
