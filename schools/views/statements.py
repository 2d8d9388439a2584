"""The Wagtail admin's export of H5P statements, as xAPI, one JSON statement per line, for those
who keep results in a file rather than a Learning Record Store: filtered by course, class and
dates. For anyone who may view H5P statements (superusers; a group given "Can view H5P
statement"); each export is written to the audit log of the class, or of every school whose
pupils it holds."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from courses.models import CoursePage
from h5p import xapi
from h5p.selectors import statements_for_export

from .. import audit
from ..models import Classroom, Membership, MembershipRole, School

PERMISSION = "h5p.view_h5pstatement"
BATCH = 500


class StatementExportForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=CoursePage.objects.none(),
        required=False,
        empty_label=_("Every course"),
        help_text=_("In both languages."),
    )
    classroom = forms.ModelChoiceField(
        label=_("Class"),
        queryset=Classroom.objects.select_related("school").order_by("school__name", "name"),
        required=False,
        empty_label=_("Every class"),
    )
    since = forms.DateField(label=_("From (date)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To (date)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One entry per course: its source language's page (its translations come with it).
        self.fields["course"].queryset = CoursePage.objects.filter(
            alias_of__isnull=True, locale__language_code="vi"
        ).order_by("title")

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The first date comes after the last one: swap them."))
        return cleaned


def _lines(statements):
    batch = []
    for record in statements.iterator(chunk_size=BATCH):
        batch.append(record)
        if len(batch) == BATCH:
            yield from _batch(batch)
            batch = []
    yield from _batch(batch)


def _batch(records):
    keys = xapi.course_keys_of(records)
    for record in records:
        yield json.dumps(xapi.exported(record, course_keys=keys), ensure_ascii=False) + "\n"


@require_GET
def h5p_statements_export(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    form = StatementExportForm(request.GET if "download" in request.GET else None)
    if form.is_bound and form.is_valid():
        course, classroom = form.cleaned_data["course"], form.cleaned_data["classroom"]
        pupils = None
        if classroom is not None:
            pupils = Membership.objects.filter(classroom=classroom, role=MembershipRole.PUPIL).values("user_id")
        statements = statements_for_export(
            courses=list(CoursePage.objects.filter(translation_key=course.translation_key)) if course else (),
            learner_ids=pupils,
            since=form.cleaned_data["since"],
            until=form.cleaned_data["until"],
        )
        details = {"what": "h5p_statements", "course": course.pk if course else None}
        if classroom is not None:
            audit.record(action="schools.statements_exported", by=request.user, classroom=classroom, **details)
        else:
            learners = statements.values("learner_id")
            for school in School.objects.filter(memberships__user_id__in=learners).distinct():
                audit.record(action="schools.statements_exported", by=request.user, school=school, **details)
        response = StreamingHttpResponse(_lines(statements), content_type="application/x-ndjson; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="h5p-statements.jsonl"'
        return response
    return TemplateResponse(request, "schools/admin/h5p_statements_export.html", {"form": form})
