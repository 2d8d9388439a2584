"""Background work of H5P: forwarding kept statements to a Learning Record Store (`h5p.lrs`).
Immediate by default (then it runs in the learner's request, after the statement is committed:
it never raises, and waits at most LRS_TIMEOUT_SECONDS for each step of one exchange), RQ
workers at scale; any number of them may run it at once."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)

# POSTs one run makes at most (100 statements each): a run queued by a learner's statement
# sends a backlog in steps; `manage.py lrs_forward` sends all of it. With immediate tasks the run
# is part of the learner's request: one POST, so that a slow LRS costs it one exchange at most.
BATCHES_PER_RUN = 5
BATCHES_PER_RUN_IN_A_REQUEST = 1


def _batches_per_run() -> int:
    from django.conf import settings

    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    return BATCHES_PER_RUN_IN_A_REQUEST if backend.endswith("ImmediateBackend") else BATCHES_PER_RUN


@task()
def forward_to_lrs() -> dict:
    """Send the pending statements that are due to the LRS, oldest first; returns the counts."""
    from .lrs import forward

    return forward(max_batches=_batches_per_run()).as_dict()


def enqueue_forwarding() -> bool:
    """Queue a forwarding run (called on commit, after a statement is kept or a dead letter put
    back); False, with a warning, when the queue (Redis at scale) does not take it. Nothing is
    lost then: the next statement queues another run, and `manage.py lrs_forward` sends what is
    due."""
    try:
        forward_to_lrs.enqueue()
    except Exception as error:
        logger.warning("The task queue did not take the forwarding of statements to the LRS (%s).", error)
        return False
    return True
