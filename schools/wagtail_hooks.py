from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import ModelLogEntry

from courses.catalogue import CATALOGUE_READER_HOOK, ReaderFit

from . import audit, selectors
from .models import Classroom, CourseAssignment, School


@hooks.register(CATALOGUE_READER_HOOK)
def pupil_catalogue_fit(request):
    """A signed-in pupil's catalogue opens on their class's age band and the modules assigned to
    it, and holds back older bands' modules on sexual images and grooming (courses.catalogue)."""
    user = request.user
    if not (user.is_authenticated and user.is_pupil):
        return None
    classroom = selectors.classroom_of_pupil(user, with_school=False)
    if classroom is None:
        return None
    keys = CourseAssignment.objects.filter(classroom=classroom, visible=True).values_list(
        "course__translation_key", flat=True
    )
    return ReaderFit(age_band=classroom.age_band, assigned=frozenset(str(key) for key in keys))


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
