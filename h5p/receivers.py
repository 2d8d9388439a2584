"""File clean-up when an H5P activity is deleted, whichever way (the service, the admin's delete
or bulk-delete views): its package is released after the deletion commits."""

from functools import partial

from django.db import transaction


def release_package_of_deleted_activity(sender, instance, **kwargs):
    from .services import package_release

    if instance.package_id:
        transaction.on_commit(partial(package_release, sha256=instance.package_id))
