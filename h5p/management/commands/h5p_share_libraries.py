"""Move the libraries of packages stored before libraries were kept once for the whole site
(`H5PPackage.shared_libraries` false) into the shared store (`h5p.libraries`), so that their
players, too, load each library from the one address. Idempotent; safe beside uploads (each
package's row is locked meanwhile). The package's own copies are deleted once it is switched."""

from collections.abc import Iterator, Mapping

from django.core.management.base import BaseCommand
from django.db import transaction

from h5p import libraries, packages
from h5p.models import H5PPackage


class StoredFiles(Mapping):
    """A stored package's files, by name inside the package, each read when asked for."""

    def __init__(self, storage, base: str):
        self._storage = storage
        self._base = base
        self._names = sorted(name.removeprefix(f"{base}/") for name in packages.walk(storage, base))

    def __getitem__(self, name: str) -> bytes:
        if name not in self._names:
            raise KeyError(name)
        with self._storage.open(f"{self._base}/{name}", "rb") as handle:
            return handle.read()

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


class Command(BaseCommand):
    help = "Move the libraries of H5P packages stored before libraries were shared into the shared store."

    def handle(self, *args, **options):
        storage = packages.storage()
        switched = new = 0
        for sha256 in H5PPackage.objects.filter(shared_libraries=False).values_list("sha256", flat=True):
            with transaction.atomic():
                package = H5PPackage.objects.select_for_update().filter(sha256=sha256, shared_libraries=False).first()
                if package is None or not packages.is_stored(sha256):
                    continue
                base = packages.folder(sha256)
                files = StoredFiles(storage, base)
                new += libraries.store(files, storage, package=package)
                package.shared_libraries = True
                package.save(update_fields=["shared_libraries"])
            # Once the player loads them from the shared store, the package's copies can go.
            for name in files:
                if name != "h5p.json" and not name.startswith("content/"):
                    storage.delete(f"{base}/{name}")
            switched += 1
        self.stdout.write(f"{switched} package(s) now load their libraries from the shared store ({new} new).")
