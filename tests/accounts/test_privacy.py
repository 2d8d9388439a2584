"""What the site writes about a person only with their consent, and what a browser may keep."""

import pytest
from django.contrib.auth import user_logged_in
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import AdultFactory, PupilFactory


def _sign_in(user):
    request = RequestFactory().get("/")
    user_logged_in.send(sender=type(user), request=request, user=user)
    user.refresh_from_db()


@pytest.mark.django_db
def test_a_pupils_sign_in_time_is_not_stored_without_consent():
    pupil = PupilFactory(learning_data_consent=False)
    _sign_in(pupil)
    assert pupil.last_login is None
    pupil.learning_data_consent = True
    pupil.save()
    _sign_in(pupil)
    assert pupil.last_login is not None
    adult = AdultFactory()
    _sign_in(adult)
    assert adult.last_login is not None


@pytest.mark.django_db
def test_pages_for_someone_signed_in_are_never_stored_by_the_browser(client):
    anonymous = client.get(reverse("help"))
    assert "no-store" not in anonymous.get("Cache-Control", "")
    client.force_login(AdultFactory())
    for url in (reverse("help"), reverse("schools:staff_home")):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], url
