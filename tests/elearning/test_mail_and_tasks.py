"""E-mail leaves through a task: immediately by default, on RQ workers at scale."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import override_settings

REDIS_URL = "redis://127.0.0.1:6379/15"


@override_settings(EMAIL_BACKEND="elearning.mail.TaskEmailBackend")
def test_mail_is_delivered_by_a_task_with_its_html_part_and_attachments():
    message = EmailMultiAlternatives(
        "Chứng chỉ của bạn", "Xin chào Lan", "no-reply@example.org", ["lan@example.org"], bcc=["audit@example.org"]
    )
    message.attach_alternative("<p>Xin chào Lan</p>", "text/html")
    message.attach("chung-chi.pdf", b"%PDF-1.7 demo", "application/pdf")

    assert message.send() == 1

    [delivered] = mail.outbox
    assert delivered.subject == "Chứng chỉ của bạn"
    assert delivered.to == ["lan@example.org"]
    assert delivered.bcc == ["audit@example.org"]
    assert delivered.alternatives[0][0] == "<p>Xin chào Lan</p>"
    assert delivered.attachments[0][0] == "chung-chi.pdf"
    assert delivered.attachments[0][1] == b"%PDF-1.7 demo"


def redis_answers() -> bool:
    try:
        import redis

        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:
        return False


@pytest.mark.skipif(not redis_answers(), reason="needs Redis on 127.0.0.1:6379 (the at-scale set-up)")
def test_at_scale_an_rq_worker_delivers_the_mail():
    """The web process only enqueues; a separate `rqworker` process sends."""
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "elearning.settings.dev",
        "TASKS_BACKEND": "rq",
        "REDIS_URL": REDIS_URL,
        "EMAIL_URL": "consolemail://",
        "DATABASE_URL": f"sqlite:///{settings.BASE_DIR / '.rq-test.sqlite3'}",
    }
    enqueue = (
        "import django; django.setup(); from django_rq import get_queue; get_queue('interactive').empty();"
        "from django.core.mail import send_mail;"
        "send_mail('Hàng đợi RQ', 'Gửi bởi worker', 'no-reply@example.org', ['lan@example.org'])"
    )
    web = subprocess.run(
        [sys.executable, "-c", enqueue], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert web.returncode == 0, web.stderr
    assert "Gửi bởi worker" not in web.stdout  # not sent by the web process

    worker = subprocess.run(
        [sys.executable, "manage.py", "rqworker", "--burst", "--job-class", "django_tasks_rq.Job", "interactive"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    assert "Gửi bởi worker" in worker.stdout
