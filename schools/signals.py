"""Receivers: whatever deletes a pupil's account (pupil_delete, the Wagtail admin, a script), the
talk requests already handled go with it; those still open stay (TalkRequest.pupil is SET_NULL)."""

from . import services


def forget_handled_talk_requests(sender, instance, **kwargs):
    services.talk_requests_forget_handled(pupil=instance)
