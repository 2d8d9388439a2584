"""Evidence that learning happens, for a school's leader: per class and for the school, the
share of pupils who moved from wrong to right on each learning outcome (schools.gains)."""

from __future__ import annotations

from django.shortcuts import render

from .. import audit, exports, gains, selectors
from .staff import staff_required


@staff_required
def school_gains(request, school_id: int):
    school = selectors.school_for_leader(user=request.user, school_id=school_id)
    whole, classes = gains.school_gains(school=school)
    return render(
        request,
        "schools/learning_gains.html",
        {"school": school, "whole": whole, "classes": classes, "min_group": gains.MIN_GROUP},
    )


@staff_required
def school_gains_export(request, school_id: int):
    school = selectors.school_for_leader(user=request.user, school_id=school_id)
    whole, classes = gains.school_gains(school=school)
    audit.record(action="schools.gains_exported", school=school, by=request.user)
    rows = gains.csv_rows([(school.name, whole), *((school.name, group) for group in classes)])
    return exports.csv_response(rows, filename=f"school-{school.pk}-learning-gains.csv")
