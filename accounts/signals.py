"""Receivers for Django's authentication signals."""

from django.contrib.auth.models import update_last_login


def update_last_login_with_consent(sender, user, **kwargs):
    """Django's own `update_last_login`, except for a pupil whose data may not be stored."""
    if user.is_pupil and not user.may_store_learning_data:
        return
    update_last_login(sender, user, **kwargs)
