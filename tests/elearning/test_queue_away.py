"""When the task queue (Redis at scale) does not take a task, nothing the user did is lost."""

import pytest
from django.core import mail
from django_tasks.backends.immediate import ImmediateBackend

from certificates import tasks as certificate_tasks
from elearning.mail import TaskEmailBackend


def refuse(*args, **kwargs):
    raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")


def test_an_email_is_sent_in_the_request_when_the_queue_is_away(monkeypatch, caplog):
    monkeypatch.setattr(ImmediateBackend, "enqueue", refuse)
    message = mail.EmailMessage("Xác nhận", "Mở liên kết", "a@example.vn", ["b@example.vn"])
    assert TaskEmailBackend().send_messages([message]) == 1
    assert [sent.subject for sent in mail.outbox] == ["Xác nhận"]
    assert "sending it in the request" in caplog.text


def test_a_certificate_task_the_queue_refuses_is_reported_not_raised(monkeypatch, caplog):
    monkeypatch.setattr(ImmediateBackend, "enqueue", refuse)
    assert certificate_tasks.enqueue(certificate_tasks.render_certificate_pdf, 1) is False
    assert "did not take" in caplog.text


@pytest.mark.django_db
def test_enqueue_says_true_when_the_queue_takes_it():
    assert certificate_tasks.enqueue(certificate_tasks.render_certificate_pdf, 0) is True
