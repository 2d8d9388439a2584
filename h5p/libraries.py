"""H5P libraries stored once for the whole site, as H5P platforms keep them.

Most packages carry the same libraries (H5P.JoubelUI, H5P.Question, FontAwesome, jQuery.ui...).
Each library folder of a checked package is stored once, under its content's digest
(`h5p/libraries/<sha256 of its files>/`), and recorded as an `H5PLibrary` (machine name,
major.minor.patch). The player of every activity loads libraries from one address for the
whole site, `/h5p/libraries/<set>/<Machine-major.minor>/...`, where each major.minor is the
highest patch version stored (H5P's own rule: a patch version only fixes bugs, so content
made with an older patch plays with the newest, as on any H5P platform), and `<set>` names the
set of libraries installed, so that the addresses change, and browsers fetch anew, only when a
library is added. A lesson with several activities thus downloads each library once.

Packages stored before libraries were shared (`H5PPackage.shared_libraries` false) keep their
own copies in their folder, and their players load those, as before.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from .models import H5PLibrary

ROOT = "h5p/libraries"


def _folders(files: Mapping[str, bytes]) -> dict[str, list[str]]:
    """Library folders of a package (every top-level folder but content/), with their files."""
    folders: dict[str, list[str]] = {}
    for name in files:
        top, _, rest = name.partition("/")
        if rest and top != "content":
            folders.setdefault(top, []).append(rest)
    return folders


def digest(files: Mapping[str, bytes], folder: str, names: list[str]) -> str:
    """The library's address: a SHA-256 over its files' names and contents, in name order."""
    whole = hashlib.sha256()
    for name in sorted(names):
        whole.update(name.encode() + b"\0" + hashlib.sha256(files[f"{folder}/{name}"]).digest())
    return whole.hexdigest()


def folder_of(library_digest: str) -> str:
    return f"{ROOT}/{library_digest}"


def store(files: Mapping[str, bytes], storage, *, package=None) -> int:
    """Store the package's library folders that the site does not have yet, and link every one
    to `package` (its `H5PPackage` row, when given: a library stays while a package uses it);
    returns how many were new. Each library's row is taken and locked before its files are
    written, so two uploads carrying the same library write it once, and a release cannot
    remove it meanwhile; library.json is written last, and the row marked stored after it."""
    new = 0
    for folder, names in sorted(_folders(files).items()):
        if "library.json" not in names:
            continue  # not a library (the checks refused anything the player would need)
        metadata = json.loads(files[f"{folder}/library.json"].decode("utf-8-sig"))
        named = f"{metadata.get('machineName')}-{metadata.get('majorVersion')}.{metadata.get('minorVersion')}"
        if folder != named:
            continue  # not where H5P looks for that library (new packages are refused for it)
        address = digest(files, folder, names)
        version = {
            "machine_name": str(metadata["machineName"])[:255],
            "major": int(metadata["majorVersion"]),
            "minor": int(metadata["minorVersion"]),
            "patch": int(metadata.get("patchVersion") or 0),
        }
        with transaction.atomic():
            row = _locked_row(address, version)
            if not row.stored:
                base = folder_of(address)
                for name in sorted(names, key=lambda n: n == "library.json"):
                    target = f"{base}/{name}"
                    if storage.exists(target):  # left by an interrupted earlier store
                        storage.delete(target)
                    saved = storage.save(target, ContentFile(files[f"{folder}/{name}"]))
                    if saved != target:
                        raise RuntimeError(f"storage renamed {target} to {saved}")
                row.stored = True
                row.save(update_fields=["stored"])
                new += 1
            if package is not None:
                package.libraries.add(row)
    transaction.on_commit(lambda: cache.delete(INSTALLED_CACHE_KEY))
    return new


def _locked_row(address: str, version: dict) -> H5PLibrary:
    """The library's row, made if need be, locked for this transaction (a release that holds it
    first finishes, and may have removed it: then it is made again)."""
    while True:
        try:
            with transaction.atomic():
                H5PLibrary.objects.get_or_create(digest=address, defaults=version)
        except IntegrityError:  # made meanwhile by another upload
            pass
        locked = H5PLibrary.objects.select_for_update().filter(digest=address).first()
        if locked is not None:
            return locked


def release_unused() -> int:
    """Remove the libraries that no stored package uses any more (a package with a broken
    library is withdrawn by deleting its activities); returns how many went."""
    from . import packages  # which imports this module to store libraries

    removed = 0
    for pk in H5PLibrary.objects.filter(packages__isnull=True).values_list("pk", flat=True):
        with transaction.atomic():
            row = H5PLibrary.objects.select_for_update().filter(pk=pk).first()
            if row is None or row.packages.exists():
                continue  # taken by an upload meanwhile
            packages.remove_folder(folder_of(row.digest), marker="library.json")
            row.delete()
            removed += 1
    if removed:
        transaction.on_commit(lambda: cache.delete(INSTALLED_CACHE_KEY))
    return removed


INSTALLED_CACHE_KEY = "h5p:libraries:installed"
INSTALLED_CACHE_SECONDS = 60


def installed(*, cached: bool = True) -> dict[str, str]:
    """The library the players load for each "Machine-major.minor": the highest patch stored
    (the first stored among equals), as {folder: digest}. One query, kept a minute in the shared
    cache (every library file asks for it; a new library clears it)."""
    if cached:
        chosen = cache.get(INSTALLED_CACHE_KEY)
        if chosen is not None:
            return chosen
    chosen = {}
    # Only libraries a stored package uses: withdrawing the package withdraws its libraries.
    rows = (
        H5PLibrary.objects.filter(stored=True, packages__isnull=False)
        .distinct()
        .order_by("machine_name", "major", "minor", "-patch", "pk")
    )
    for machine_name, major, minor, library_digest in rows.values_list("machine_name", "major", "minor", "digest"):
        chosen.setdefault(f"{machine_name}-{major}.{minor}", library_digest)
    cache.set(INSTALLED_CACHE_KEY, chosen, INSTALLED_CACHE_SECONDS)
    return chosen


def digest_for(folder: str) -> tuple[str | None, dict[str, str]]:
    """The stored library that `folder` ("Machine-major.minor") stands for now, and the set it
    was chosen from; a library the cache does not know yet is looked up again, uncached."""
    chosen = installed()
    if folder not in chosen:
        chosen = installed(cached=False)
    return chosen.get(folder), chosen


def set_name(chosen: dict[str, str]) -> str:
    """A short name for a set of installed libraries: it changes when any library changes."""
    return hashlib.sha256(json.dumps(sorted(chosen.items())).encode()).hexdigest()[:16]


def libraries_path() -> str:
    """Where the players find the site's libraries now (without the content origin)."""
    return reverse("h5p_library_file", kwargs={"set_name": set_name(installed()), "name": "x/x"}).removesuffix("/x/x")
