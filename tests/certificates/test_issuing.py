"""Issuing: a certificate when the course's rule is met (every step, the assessment passed on
the server, the minimum time), once per holder and course, with what it certifies frozen."""

from datetime import timedelta

import pytest
from django.utils import timezone

from certificates import selectors, services
from certificates.models import CODE_ALPHABET, Certificate, format_code, normalise_code
from courses.models import CoursePage
from progress.services import step_score
from quizzes.models import QuizPage
from tests.factories import AdultFactory, PupilFactory

from .conftest import HOLDER, finish

pytestmark = pytest.mark.django_db


def test_passing_the_final_assessment_issues_the_certificate(cert_course, worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        finish(worker, cert_course)
    certificate = Certificate.objects.get(holder=worker)
    assert certificate.holder_name == HOLDER
    assert certificate.course_title == cert_course.title
    assert certificate.language == "vi"
    assert certificate.status == "valid"
    assert certificate.expires_on == timezone.localdate(certificate.issued_at).replace(
        year=timezone.localdate(certificate.issued_at).year + 2
    )
    assert certificate.pdf.name.endswith(".pdf") and certificate.pdf_rendered_at is not None


def test_the_code_is_60_random_bits_grouped_for_reading_aloud(cert_course, worker):
    finish(worker, cert_course)
    certificate = Certificate.objects.get(holder=worker)
    assert len(certificate.code) == 12 and set(certificate.code) <= set(CODE_ALPHABET)
    assert len(CODE_ALPHABET) ** 12 == 2**60
    assert certificate.display_code == "-".join([certificate.code[:4], certificate.code[4:8], certificate.code[8:]])


def test_codes_typed_by_hand_are_read_generously_and_anything_else_is_no_code():
    assert normalise_code("7kq2 m9xd 4tqh") == "7KQ2M9XD4TQH"
    assert normalise_code("OIL0-0000-0000") == "0110" + "0" * 8  # O, I and L read as 0, 1, 1
    assert normalise_code("7KQ2-M9XD") == ""
    assert normalise_code("7KQ2-M9XD-4TQ#") == ""
    assert format_code("7KQ2M9XD4TQH") == "7KQ2-M9XD-4TQH"


def test_a_missing_lesson_means_no_certificate(cert_course, worker):
    finish(worker, cert_course, skip_lessons=1)
    assert not Certificate.objects.exists()
    with pytest.raises(services.NotEligible) as refused:
        services.certificate_issue(learner=worker, course=cert_course)
    assert not refused.value.completion.all_steps_done
    assert refused.value.completion.assessment_passed


def test_a_failed_assessment_means_no_certificate(cert_course, worker):
    finish(worker, cert_course, skill=0.0)
    assert not Certificate.objects.exists()
    completion = selectors.completion_of(learner=worker, course=cert_course)
    assert completion.quizzes_total == 1 and completion.quizzes_passed == 0


def test_a_quiz_step_completed_without_a_graded_attempt_does_not_count(cert_course, worker):
    """A score reported by the browser (an H5P result, say) never decides a certificate alone."""
    finish(worker, cert_course, skill=0.0)
    quiz_page = QuizPage.objects.child_of(cert_course).get()
    step_score(learner=worker, page=quiz_page, fraction=1.0, completed=True)
    completion = selectors.completion_of(learner=worker, course=cert_course)
    assert completion.all_steps_done and not completion.assessment_passed
    assert not Certificate.objects.exists()


def test_a_course_without_certificates_issues_none(cert_course, worker):
    CoursePage.objects.filter(pk=cert_course.pk).update(issues_certificate=False)
    cert_course.refresh_from_db()
    finish(worker, cert_course)
    assert not Certificate.objects.exists()
    with pytest.raises(services.NotEligible):
        services.certificate_issue(learner=worker, course=cert_course)


def test_pupils_never_get_certificates(cert_course):
    pupil = PupilFactory(learning_data_consent=True)
    finish(pupil, cert_course)
    assert not Certificate.objects.exists()
    with pytest.raises(services.NotEligible):
        services.certificate_issue(learner=pupil, course=cert_course)


def test_the_minimum_time_holds_the_certificate_until_it_has_passed(cert_course, worker, client):
    CoursePage.objects.filter(pk=cert_course.pk).update(certificate_minimum_minutes=60)
    cert_course.refresh_from_db()
    finish(worker, cert_course, started_ago=timedelta(minutes=20))
    assert not Certificate.objects.exists()

    [(course, completion)] = selectors.courses_ready_to_claim(learner=worker, language="vi")
    assert course == cert_course
    assert timedelta(minutes=39) < completion.ready_at - timezone.now() <= timedelta(minutes=40)
    client.force_login(worker)
    page = client.get("/vi/certificates/").content.decode()
    assert cert_course.title in page and "/certificates/claim/" not in page  # not yet: a time is shown

    response = client.post(f"/vi/certificates/claim/{cert_course.pk}/", follow=True)
    assert not Certificate.objects.exists()
    assert "60" in response.content.decode()

    # Later: the course was started more than an hour ago.
    from progress.models import StepRecord

    StepRecord.objects.filter(learner=worker).update(started_at=timezone.now() - timedelta(minutes=61))
    client.post(f"/vi/certificates/claim/{cert_course.pk}/")
    assert Certificate.objects.filter(holder=worker).count() == 1


def test_issuing_twice_returns_the_same_certificate(cert_course, worker):
    finish(worker, cert_course)
    first = Certificate.objects.get(holder=worker)
    again, created = services.certificate_issue(learner=worker, course=cert_course)
    assert again == first and not created


def test_the_english_course_of_a_holder_returns_the_vietnamese_certificate(cert_course, en_cert_course, worker):
    finish(worker, cert_course)
    finish(worker, en_cert_course)
    certificate, created = services.certificate_issue(learner=worker, course=en_cert_course)
    assert not created and certificate.language == "vi"
    assert Certificate.objects.count() == 1


def test_a_certificate_earned_in_english_is_in_english(en_cert_course, worker):
    finish(worker, en_cert_course)
    certificate = Certificate.objects.get(holder=worker)
    assert certificate.language == "en" and certificate.course_title == en_cert_course.title


def test_the_name_on_a_certificate_is_the_name_at_issue(cert_course, worker):
    finish(worker, cert_course)
    worker.display_name = "Tên Mới"
    worker.save()
    assert Certificate.objects.get(holder=worker).holder_name == HOLDER


def test_a_revoked_certificate_stays_revoked_when_the_course_is_finished_again(cert_course, worker):
    finish(worker, cert_course)
    certificate = Certificate.objects.get(holder=worker)
    admin = AdultFactory(is_staff=True)
    services.certificate_revoke(certificate=certificate, by=admin, reason="Cấp nhầm")
    services.certificate_revoke(certificate=certificate, by=admin, reason="Another reason")
    finish(worker, cert_course)
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and certificate.revoked_reason == "Cấp nhầm"
    assert Certificate.objects.count() == 1
    from wagtail.models import ModelLogEntry

    logged = ModelLogEntry.objects.get(action="certificates.revoke")  # once: the second revoke changed nothing
    assert logged.user == admin and logged.object_id == str(certificate.pk) and logged.data == {"reason": "Cấp nhầm"}


def test_revoking_needs_a_reason(cert_course, worker):
    finish(worker, cert_course)
    with pytest.raises(ValueError):
        services.certificate_revoke(certificate=Certificate.objects.get(), by=None, reason="  ")


def test_expired_and_revoked_statuses(cert_course, worker):
    finish(worker, cert_course)
    certificate = Certificate.objects.get()
    certificate.expires_on = timezone.localdate() - timedelta(days=1)
    assert certificate.status == "expired"
    certificate.revoked_at = timezone.now()
    assert certificate.status == "revoked"  # revocation outranks expiry


def test_an_error_while_issuing_never_loses_the_quiz_attempt(cert_course, worker, monkeypatch):
    """Issuing runs inside the quiz submission's transaction; its failure stays its own."""
    from django.db import connection

    from quizzes.models import QuizAttempt

    def broken(**kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr(services, "issue_if_earned", broken)
    finish(worker, cert_course)
    assert QuizAttempt.objects.filter(learner=worker, passed=True).count() == 1
    assert not Certificate.objects.exists()
    # Nothing lost: the certificate can be asked for afterwards.
    monkeypatch.undo()
    assert services.certificate_issue(learner=worker, course=cert_course)[1]


def test_dates_are_viet_nam_dates_whatever_the_active_time_zone(cert_course, worker):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    finish(worker, cert_course)
    late_evening_utc = datetime(2026, 11, 23, 20, 0, tzinfo=ZoneInfo("UTC"))  # 24 November in Viet Nam
    Certificate.objects.update(issued_at=late_evening_utc)
    with timezone.override(ZoneInfo("UTC")):
        assert Certificate.objects.get().issued_on.isoformat() == "2026-11-24"


def test_h5p_score_alone_never_earns_a_certificate(cert_course, quiz, worker, client):
    """A course whose only test is an H5P activity issues no certificate, even when every lesson
    is done and the score the browser reported is perfect: H5P scores are client-reported."""
    from h5p import packages
    from h5p import services as h5p_services
    from h5p.models import H5PActivity
    from progress.steps import step_pages
    from tests.h5p.builders import valid_package
    from tests.h5p.conftest import embed
    from tests.h5p.test_h5p_results import statement

    quiz.unpublish()
    activity = h5p_services.activity_save(
        activity=H5PActivity(title="Spot the risk"), package=packages.check_bytes(valid_package())
    )
    lesson = embed(step_pages(cert_course).specific().first(), activity, required=True, pass_mark_percent=100)
    recorded = h5p_services.statement_read(statement(raw=4, maximum=4))
    h5p_services.statement_record(learner=worker, activity=activity, page=lesson, statement=recorded)
    finish(worker, cert_course)
    completion = selectors.completion_of(learner=worker, course=cert_course)
    assert completion.all_steps_done and completion.quizzes_total == 0
    assert not completion.eligible(timezone.now())
    assert services.issue_if_earned(learner=worker, page=lesson) is None
    assert not Certificate.objects.exists()
