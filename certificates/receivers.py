"""Issuing on completion: progress says a step was completed; if that finished a course that
issues certificates, the learner gets theirs at once (the rule is checked again in full)."""

from . import services


def issue_on_step_completed(sender, *, learner, page, **kwargs):
    services.issue_if_earned(learner=learner, page=page)
