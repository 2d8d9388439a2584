"""Issuing on completion: progress says a step was completed; if that finished a course that
issues certificates, the learner gets theirs at once (the rule is checked again in full).

This runs inside the writing transaction (a quiz submission's, for one), so it runs in a
savepoint and never lets an error of its own undo or fail the learner's work: the certificate
can still be asked for on "My certificates"."""

import logging

from django.db import transaction

from . import services

logger = logging.getLogger(__name__)


def issue_on_step_completed(sender, *, learner, page, **kwargs):
    try:
        with transaction.atomic():
            services.issue_if_earned(learner=learner, page=page)
    except Exception:
        logger.exception("issuing a certificate after step %s of learner %s failed", page.pk, learner.pk)
