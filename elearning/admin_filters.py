"""Admin filters that join two sibling apps, so that neither names the other: the certificates'
list filtered by the school or agency their holders belong to."""

import django_filters
from django.utils.translation import gettext_lazy as _

from schools.models import School


def _school_choices():
    return [(school.pk, str(school)) for school in School.objects.order_by("name")]


def _holders_in_school(queryset, name, value):
    return queryset.filter(holder__memberships__school_id=value, holder__memberships__approved=True).distinct()


def holder_school_filter() -> django_filters.Filter:
    return django_filters.ChoiceFilter(
        label=_("School or agency of the holder"), choices=_school_choices, method=_holders_in_school
    )
