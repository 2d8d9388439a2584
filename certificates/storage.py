"""Where certificate PDFs and exports are kept: the "private" storage (settings.STORAGES),
never served as public media. Holders get their PDF through their download view, staff through
the admin; nothing has a URL of its own."""

from django.core.files.storage import FileSystemStorage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    """Files on a local (or shared) disk outside MEDIA_ROOT, with no URL."""

    def url(self, name):
        raise ValueError("private files have no public URL; serve them through a view that checks who asks")


def private_storage():
    return storages["private"]
