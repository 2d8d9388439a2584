"""H5P activities in the Wagtail admin, under Snippets: only editors (the "Editors" and
"Moderators" groups, see quizzes' migration 0003, where the activities began) may upload them.
An activity is translatable: "Translate" (wagtail-localize) makes the English activity of a
Vietnamese one, whose package the editor then replaces with the English export."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .forms import H5PActivityForm
from .models import H5PActivity


class H5PActivityViewSet(SnippetViewSet):
    model = H5PActivity
    icon = "pick"
    menu_label = _("H5P activities")
    list_display = ["title", "main_library", "updated_at"]
    search_fields = ["title"]
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("package_file"),
            FieldPanel("max_score"),
            HelpPanel(
                content=_(
                    "<p>Export the activity from H5P with its libraries, then upload the .h5p file here. "
                    "The site checks the package and refuses anything unsafe or incomplete, with the "
                    "reason. Scores from H5P are reported by the learner's browser: they show on progress "
                    "but never alone earn a certificate.</p>"
                )
            ),
        ],
        base_form_class=H5PActivityForm,
    )


register_snippet(H5PActivityViewSet)
