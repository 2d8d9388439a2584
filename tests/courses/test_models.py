import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from courses.models import CoursePage


def make(**fields):
    defaults = {"title": "T", "slug": "t", "summary": "S", "audience": "pupil", "age_band": "9-11"}
    return CoursePage(**{**defaults, **fields})


def errors_of(page) -> dict:
    with pytest.raises(ValidationError) as raised:
        page.clean()
    return raised.value.message_dict


def test_a_course_for_children_needs_an_age_band():
    assert "age_band" in errors_of(make(age_band=""))


def test_an_adult_course_has_no_age_band():
    assert "age_band" in errors_of(make(audience="teacher", age_band="9-11"))


def test_only_adult_courses_issue_certificates():
    assert "issues_certificate" in errors_of(make(issues_certificate=True))
    make(audience="frontline", age_band="", issues_certificate=True).clean()


@translation.override("en")
def test_audience_label_names_the_age_band_for_children():
    assert make().audience_label == "Children and young people · Ages 9-11"
    assert make(audience="caregiver", age_band="").audience_label == "Parents and caregivers"
