from wagtail import hooks
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
