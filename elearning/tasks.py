"""Background work of the site shell. Tasks run in the request with the immediate backend and
on RQ workers at scale (settings.TASKS_BACKEND), so their arguments are plain JSON."""

import base64

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django_tasks import task


@task(queue_name="interactive")
def send_email_message(message: dict) -> int:
    """Send one e-mail built by `elearning.mail.message_to_dict`; returns the number sent."""
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=message["from_email"],
        to=message["to"],
        cc=message["cc"],
        bcc=message["bcc"],
        reply_to=message["reply_to"],
        headers=message["headers"],
        alternatives=[tuple(pair) for pair in message["alternatives"]],
        connection=get_connection(settings.EMAIL_DELIVERY_BACKEND),
    )
    email.content_subtype = message["content_subtype"]
    for name, content, mimetype in message["attachments"]:
        email.attach(name, base64.b64decode(content), mimetype)
    return email.send()
