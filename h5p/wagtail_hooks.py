"""H5P activities in the Wagtail admin, under Snippets: only editors (the "Editors" and
"Moderators" groups, see quizzes' migration 0003, where the activities began) may upload them.
An activity is translatable: "Translate" (wagtail-localize) makes the English activity of a
Vietnamese one, whose package the editor then replaces with the English export.

Statements the Learning Record Store did not take are listed under Reports (`h5p.admin_views`)."""

from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, HelpPanel, ObjectList
from wagtail.models import ModelLogEntry
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .forms import H5PActivityForm
from .models import H5PActivity, LRSDelivery, LRSForwarding


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


@hooks.register("register_admin_urls")
def register_lrs_admin_urls():
    from .admin_views import lrs_dead_letters, lrs_retry

    return [
        path("h5p-lrs/", lrs_dead_letters, name="h5p_lrs_dead_letters"),
        path("h5p-lrs/retry/", lrs_retry, name="h5p_lrs_retry"),
    ]


class LRSDeadLettersMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("h5p.view_lrsdelivery")


@hooks.register("register_reports_menu_item")
def register_lrs_dead_letters_menu_item():
    return LRSDeadLettersMenuItem(
        _("LRS: statements not sent"), reverse("h5p_lrs_dead_letters"), icon_name="warning", order=910
    )


@hooks.register("register_permissions")
def register_lrs_permissions():
    """So that a group can be given the list (view) and its "send again" (change) in the admin."""
    return Permission.objects.filter(
        content_type__app_label=LRSDelivery._meta.app_label, codename__in=["view_lrsdelivery", "change_lrsdelivery"]
    )


@hooks.register("register_log_actions")
def register_lrs_audit_actions(actions):
    actions.register_model(LRSForwarding, ModelLogEntry)
    label = _("Statements put back in the queue for the LRS")
    actions.register_action("h5p.lrs_retry", label, label)
