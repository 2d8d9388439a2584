"""What progress tells the layers above it, without importing them.

`step_completed` is sent (with `learner` and `page`, the step page in the language it was
used in) after `progress.services` records a step as complete, including when a step that was
already complete is passed again. Receivers must be idempotent and cheap for pupils; they run
in the writing request, so errors are logged by `send_robust`, never shown to the learner.
"""

import logging

from django.dispatch import Signal

step_completed = Signal()

logger = logging.getLogger(__name__)


def send_step_completed(*, learner, page) -> None:
    for receiver, result in step_completed.send_robust(sender=page.specific_class, learner=learner, page=page):
        if isinstance(result, Exception):
            logger.error("step_completed receiver %r failed", receiver, exc_info=result)
