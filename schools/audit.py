"""The audit log of what staff do to children's data: Wagtail's own log (`wagtail.log_actions`,
stored as `wagtail.models.ModelLogEntry`), one entry an action, logged against the class.

Each entry holds who (the staff member), what (the action), when, and which record: the class,
and the pupil's id where the action is about one pupil. Never a secret (no pictures, no PIN), and
not the pupil's name: a pupil deleted at the family's request stays deleted, and the entry still
says that a pupil of that class was deleted, by whom and when.

School leaders read their school's entries on its page (`schools.views.staff.school_audit`);
superusers read every entry in the Wagtail admin (Reports > Site history). Entries are kept
`AUDIT_LOG_DAYS` days, then deleted by `manage.py purge_audit_log` (run it daily).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

# action -> what a leader reads
ACTIONS = {
    "schools.pupils_added": _("Pupils added"),
    "schools.pupil_renamed": _("Pupil renamed"),
    "schools.pupil_deleted": _("Pupil and their data deleted"),
    "schools.new_secret": _("New sign-in card or PIN"),
    "schools.pupil_unlocked": _("Pupil unlocked"),
    "schools.class_unlocked": _("Whole class unlocked"),
    "schools.consent_recorded": _("Consent recorded"),
    "schools.consent_withdrawn": _("Consent withdrawn, data deleted"),
    "schools.class_exported": _("Class results exported (CSV)"),
    "schools.school_exported": _("School results exported (CSV)"),
    "schools.gains_exported": _("Learning gains exported (CSV, no pupil named)"),
    "schools.statements_exported": _("H5P statements exported (xAPI)"),
    "schools.class_taught": _("Module recorded as taught in class"),
    # A pupil's "I want to talk": against the school, the request's id and status only; never
    # the pupil, the class or what it is about (the entry outlives the request by far).
    "schools.talk_requested": _("A pupil asked to talk"),
    "schools.talk_status_changed": _("Talk request marked"),
    "schools.talk_requests_purged": _("Handled talk requests deleted after their time"),
    "schools.counsellor_set": _("School counsellor chosen"),
    "schools.parent_report_printed": _("Progress report for the family printed (PDF)"),
    "schools.parent_reports_printed": _("Progress reports for the class's families printed (PDF)"),
}


def record(*, action: str, by=None, classroom=None, school=None, pupil=None, **details) -> None:
    """Log `action` on `classroom` (or, for the whole school, `school`) by `by` (None: the family,
    online), about `pupil` if one."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    data = {key: value for key, value in details.items() if value is not None}
    if pupil is not None:
        data["pupil"] = pupil.pk
    log(instance=classroom if classroom is not None else school, action=action, user=by, data=data)


def entries_for_school(school):
    """The school's entries (its own and its classes'), newest first, with who did each."""
    from .models import Classroom, School

    classroom_ids = [str(pk) for pk in Classroom.objects.filter(school=school).values_list("pk", flat=True)]
    types = ContentType.objects.get_for_models(Classroom, School)
    return (
        ModelLogEntry.objects.filter(action__in=list(ACTIONS))
        .filter(
            Q(content_type=types[Classroom], object_id__in=classroom_ids)
            | Q(content_type=types[School], object_id=str(school.pk))
        )
        .select_related("user")
        .order_by("-timestamp", "-pk")
    )


def purge(*, now=None) -> int:
    """Delete entries older than AUDIT_LOG_DAYS; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_LOG_DAYS)
    deleted, _by_model = ModelLogEntry.objects.filter(action__in=list(ACTIONS), timestamp__lt=cutoff).delete()
    return deleted
