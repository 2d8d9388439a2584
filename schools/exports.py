"""CSV exports of the dashboards, in UTF-8 with a byte-order mark so that spreadsheet programs
show Vietnamese names correctly."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import selectors


def status_label(status: str) -> str:
    labels = {
        selectors.Status.NOT_STARTED: _("not started"),
        selectors.Status.IN_PROGRESS: _("in progress"),
        selectors.Status.DONE: _("done"),
        selectors.Status.NEEDS_HELP: _("needs help"),
    }
    return labels[status]


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _day(value) -> str:
    return date_format(value, "Y-m-d") if value else ""


def classroom_rows(classroom) -> list[list[str]]:
    dashboard = selectors.class_dashboard(classroom=classroom)
    header = [_("Pupil"), _("Consent"), _("Last activity")]
    status, taught = _("status"), _("taught in class, pupil present")
    for column in dashboard.columns:
        # What the pupil did alone, then apart from it the day they were there when it was taught to the class.
        title = column.course.title
        header += [f"{title} ({status})", f"{title} (%)", f"{title} ({taught})"]
    h5p = selectors.h5p_columns(dashboard=dashboard)
    # Beside the modules: each H5P activity's best score, as the pupil's device reported it.
    reported = _("H5P, best %, reported by the device")
    header += [f"{activity.title} ({reported})" for activity in h5p.activities]
    rows = [header]
    for row in dashboard.rows:
        line = [row.pupil.get_display_name(), _("yes") if row.consent else _("missing"), _when(row.last_activity)]
        for cell in row.cells:
            if row.consent:
                line += [status_label(cell.status), str(cell.progress.percent), _day(cell.taught_on)]
            else:
                line += ["", "", ""]
        for activity in h5p.activities:
            result = h5p.results.get((row.pupil.pk, activity.pk)) if row.consent else None
            line.append(f"{result.best_percent:.0f}" if result and result.best_percent is not None else "")
        rows.append(line)
    return rows


def school_rows(school) -> list[list[str]]:
    rows = [
        [
            _("Class"),
            _("Grade"),
            _("Pupils"),
            _("Consent missing"),
            _("Module"),
            _("Due on"),
            _("Done"),
            "%",
            _("Last taught in class on"),
            _("Pupils present then"),
        ]
    ]
    for row in selectors.school_dashboard(school=school):
        base = [row.classroom.name, str(row.classroom.grade), str(row.pupils), str(row.consent_missing)]
        if not row.cells:
            rows.append([*base, "", "", "", "", "", ""])
        for cell in row.cells:
            due = date_format(cell.due_on, "Y-m-d") if cell.due_on else ""
            taught = [_day(cell.taught.taught_on), str(cell.taught.present)] if cell.taught else ["", ""]
            rows.append([*base, cell.course.title, due, str(cell.done), str(cell.percent), *taught])
    return rows


# A cell that starts with one of these is a formula to a spreadsheet program: a class or pupil
# named "=HYPERLINK(...)" would run when the leader opens the file.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def csv_response(rows: list[list[str]], *, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer).writerows([[safe_cell(str(cell)) for cell in row] for row in rows])
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
