"""Nothing a pupil does is stored before consent; withdrawal deletes it, is logged, and stays."""

import random
import uuid

import pytest
from django.urls import reverse

from progress.models import StepRecord
from progress.services import ProgressNotRecorded, step_complete
from quizzes.demo import simulated_answers
from quizzes.models import QuizAttempt
from quizzes.services import attempt_submit, questions_of
from schools import services
from schools.models import ConsentEvent, ConsentRecord
from tests.h5p.conftest import embed, h5p_activity  # noqa: F401


def _consent(pupil, by):
    import datetime

    return services.consent_record(
        pupil=pupil,
        pupil_assent=True,
        guardian_consent=True,
        method="paper",
        given_on=datetime.date(2026, 11, 2),
        by=by,
    )


def test_without_consent_a_pupil_reads_but_nothing_is_stored(client, pupil, lessons):
    client.force_login(pupil)
    response = client.post(lessons[0].url)
    assert response.status_code in (200, 302)
    assert not StepRecord.objects.filter(learner=pupil).exists()
    with pytest.raises(ProgressNotRecorded):
        step_complete(learner=pupil, page=lessons[0])


def test_consent_needs_both_the_pupil_and_a_guardian(pupil, leader):
    import datetime

    with pytest.raises(services.SchoolError):
        services.consent_record(
            pupil=pupil,
            pupil_assent=True,
            guardian_consent=False,
            method="paper",
            given_on=datetime.date.today(),
            by=leader,
        )
    assert not ConsentRecord.objects.exists()


def test_after_consent_progress_is_stored(pupil, leader, lessons):
    _consent(pupil, leader)
    pupil.refresh_from_db()
    assert pupil.may_store_learning_data
    step_complete(learner=pupil, page=lessons[0])
    assert StepRecord.objects.filter(learner=pupil).count() == 1


def test_withdrawal_deletes_progress_and_attempts_and_is_logged(client, pupil, leader, lessons, quiz):
    _consent(pupil, leader)
    pupil.refresh_from_db()
    step_complete(learner=pupil, page=lessons[0])
    answers = simulated_answers(questions_of(quiz), rng=random.Random(1), skill=1)
    attempt_submit(learner=pupil, quiz=quiz, submission_key=uuid.uuid4(), answers=answers)

    client.force_login(leader)
    url = reverse("schools:pupil_detail", args=[pupil.memberships.get().classroom_id, pupil.pk])
    not_sure = client.post(url, {"action": "withdraw"})
    assert not_sure.status_code == 302 and StepRecord.objects.filter(learner=pupil).exists()
    client.post(url, {"action": "withdraw", "sure": "yes"})
    pupil.refresh_from_db()
    assert not pupil.learning_data_consent
    assert not StepRecord.objects.filter(learner=pupil).exists()
    assert not QuizAttempt.objects.filter(learner=pupil).exists()
    assert not ConsentRecord.objects.filter(pupil=pupil).exists()
    event = ConsentEvent.objects.filter(pupil=pupil).first()
    assert event.action == "withdrawn" and event.by == leader
    assert event.details == {
        "steps": 2,
        "attempts": 1,
        "activities": 0,
        "taught_in_class": 0,
    }  # the lesson and the quiz's step
    with pytest.raises(ProgressNotRecorded):
        step_complete(learner=pupil, page=lessons[0])


def test_bulk_consent_from_paper_slips(client, leader, classroom, pupils):
    client.force_login(leader)
    url = reverse("schools:consent_bulk", args=[classroom.pk])
    refused = client.post(
        url, {"pupils": [pupils[0].pk], "pupil_assent": "on", "method": "paper", "given_on": "2026-11-20"}
    )
    assert refused.status_code == 400
    assert "both" in refused.content.decode().lower() or "cả hai" in refused.content.decode().lower()
    client.post(
        url,
        {
            "pupils": [p.pk for p in pupils[:2]],
            "pupil_assent": "on",
            "guardian_consent": "on",
            "method": "paper",
            "given_on": "2026-11-20",
        },
    )
    assert ConsentRecord.objects.count() == 2
    dashboard = client.get(reverse("schools:classroom_detail", args=[classroom.pk]))
    assert dashboard.context["dashboard"].consent_missing == 1


def test_a_family_gives_consent_online_with_the_teachers_link(client, leader, classroom, pupil):
    client.force_login(leader)
    page = client.get(reverse("schools:pupil_detail", args=[classroom.pk, pupil.pk]))
    link = page.context["consent_link"]
    client.logout()
    path = link.removeprefix("http://testserver")
    form = client.get(path)
    assert form.status_code == 200 and pupil.display_name in form.content.decode()
    only_parent = client.post(path, {"guardian_consent": "on"})
    assert only_parent.status_code == 400
    assert not ConsentRecord.objects.exists()
    done = client.post(path, {"guardian_consent": "on", "pupil_assent": "on"})
    assert done.status_code == 200
    record = ConsentRecord.objects.get(pupil=pupil)
    assert record.method == "online" and record.recorded_by is None
    pupil.refresh_from_db()
    assert pupil.may_store_learning_data


def test_a_changed_or_expired_consent_link_records_nothing(client, leader, classroom, pupil, settings):
    from django.core import signing

    from schools.views import consent

    token = signing.dumps({"pupil": pupil.pk, "class": classroom.pk}, salt=consent.SALT, compress=True)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert (
        client.post(
            reverse("schools:consent_online", args=[tampered]), {"guardian_consent": "on", "pupil_assent": "on"}
        ).status_code
        == 404
    )
    other_salt = signing.dumps({"pupil": pupil.pk, "class": classroom.pk}, compress=True)
    assert client.get(reverse("schools:consent_online", args=[other_salt])).status_code == 404
    import time
    from unittest import mock

    with mock.patch.object(time, "time", return_value=time.time() + consent.MAX_AGE_SECONDS + 60):
        assert client.get(reverse("schools:consent_online", args=[token])).status_code == 410
    assert not ConsentRecord.objects.exists()


def test_a_consent_link_made_before_a_withdrawal_no_longer_works(client, leader, classroom, pupil):
    client.force_login(leader)
    link = client.get(reverse("schools:pupil_detail", args=[classroom.pk, pupil.pk])).context["consent_link"]
    _consent(pupil, leader)
    services.consent_withdraw(pupil=pupil, by=leader)
    client.logout()
    path = link.removeprefix("http://testserver")
    response = client.post(path, {"guardian_consent": "on", "pupil_assent": "on"})
    assert response.status_code == 410
    assert not ConsentRecord.objects.filter(pupil=pupil).exists()


def test_a_step_finished_as_consent_is_withdrawn_is_not_stored(pupil, leader, lessons):
    """The request loaded the pupil (with consent) before the withdrawal committed."""
    _consent(pupil, leader)
    pupil.refresh_from_db()
    stale = type(pupil).objects.get(pk=pupil.pk)
    services.consent_withdraw(pupil=pupil, by=leader)
    assert stale.learning_data_consent  # what the request still believes
    with pytest.raises(ProgressNotRecorded):
        step_complete(learner=stale, page=lessons[0])
    assert not StepRecord.objects.filter(learner=pupil).exists()


def test_h5p_results_show_on_the_pupils_page_and_go_with_withdrawal(client, pupil, leader, lessons, h5p_activity):  # noqa: F811
    from h5p.models import H5PResult, H5PState, H5PStatement
    from h5p.services import state_save, statement_read, statement_record
    from tests.h5p.test_h5p_results import statement

    _consent(pupil, leader)
    pupil.refresh_from_db()
    lesson = embed(lessons[0], h5p_activity)
    statement_record(
        learner=pupil, activity=h5p_activity, page=lesson, statement=statement_read(statement(raw=3, maximum=4))
    )
    state_save(learner=pupil, activity=h5p_activity, data="{}")
    client.force_login(leader)
    url = reverse("schools:pupil_detail", args=[pupil.memberships.get().classroom_id, pupil.pk])
    page = client.get(url).content.decode()
    assert "Spot the risk" in page and "75%" in page
    client.post(url, {"action": "withdraw", "sure": "yes"})
    assert ConsentEvent.objects.filter(pupil=pupil).first().details["activities"] == 1
    assert not H5PResult.objects.filter(learner=pupil).exists()
    assert not H5PStatement.objects.filter(learner=pupil).exists()
    assert not H5PState.objects.filter(learner=pupil).exists()
    assert "Spot the risk" not in client.get(url).content.decode()


def test_only_the_family_gives_consent_online_not_staff_nor_the_pupil(client, leader, classroom, pupil):
    client.force_login(leader)
    link = client.get(reverse("schools:pupil_detail", args=[classroom.pk, pupil.pk])).context["consent_link"]
    path = link.removeprefix("http://testserver")
    page = client.get(path)
    assert page.status_code == 200 and 'data-testid="consent-staff"' in page.content.decode()
    assert "I agree" not in page.content.decode() and "Tôi đồng ý" not in page.content.decode()
    refused = client.post(path, {"guardian_consent": "on", "pupil_assent": "on"})
    assert refused.status_code == 403 and "Chỉ gia đình" in refused.content.decode()
    client.force_login(pupil)
    assert client.post(path, {"guardian_consent": "on", "pupil_assent": "on"}).status_code == 403
    assert not ConsentRecord.objects.exists()
    pupil.refresh_from_db()
    assert not pupil.may_store_learning_data
