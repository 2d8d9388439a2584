"""An e-mail backend that hands each message to a task, so a slow or unreachable mail server
never holds up a request once tasks run on workers. The task delivers through
settings.EMAIL_DELIVERY_BACKEND (SMTP, console, ... from EMAIL_URL)."""

import base64
import logging

from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)


def message_to_dict(message) -> dict:
    attachments = []
    for attachment in message.attachments:
        name, content, mimetype = attachment
        if isinstance(content, str):
            content = content.encode()
        attachments.append([name, base64.b64encode(content).decode("ascii"), mimetype])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [[str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])],
        "content_subtype": message.content_subtype,
        "attachments": attachments,
    }


class TaskEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        from .tasks import send_email_message

        for message in email_messages:
            data = message_to_dict(message)
            try:
                send_email_message.enqueue(data)
            except Exception as error:
                # The queue (Redis) is away: a slower page beats a lost verification e-mail.
                logger.warning("The task queue did not take an e-mail (%s): sending it in the request.", error)
                send_email_message.call(data)
        return len(email_messages)
