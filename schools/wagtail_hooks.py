from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import ModelLogEntry

from . import audit
from .models import Classroom, School


@hooks.register("register_log_actions")
def register_audit_actions(actions):
    """What staff do to children's data, in Wagtail's audit log (schools.audit)."""
    actions.register_model(Classroom, ModelLogEntry)
    actions.register_model(School, ModelLogEntry)
    for action, label in audit.ACTIONS.items():
        actions.register_action(action, label, label)


@hooks.register("register_admin_urls")
def register_statement_export_url():
    from .views.statements import h5p_statements_export

    return [path("h5p-statements/", h5p_statements_export, name="schools_h5p_statements_export")]


class StatementExportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("h5p.view_h5pstatement")


@hooks.register("register_reports_menu_item")
def register_statement_export_menu_item():
    return StatementExportMenuItem(
        _("H5P statements (xAPI)"), reverse("schools_h5p_statements_export"), icon_name="download", order=900
    )
