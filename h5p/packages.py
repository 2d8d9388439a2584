"""H5P packages: checking an uploaded `.h5p` file, and keeping its files in storage.

An upload is checked in a fixed order, and the first failure is reported to the editor as one
translated sentence that says what is wrong and what to do; nothing is stored until every check
has passed:

1. its size, before a byte of it is read (`H5P_MAX_UPLOAD_MB`);
2. `pyh5p.read_package` with strict limits (paths, symbolic links, file types, sizes, zip bombs)
   and pyh5p's checks of `h5p.json`; files at the package's top level other than `h5p.json`
   are ignored and not stored, as H5P ignores them;
3. what pyh5p does not check: no scripts, styles, SVG, web pages, hidden or extensionless files
   under `content/`; every library the player will load is inside the package, with the files
   its library.json lists, language files that are JSON, and a core API the player provides;
4. `content/content.json` against the semantics of its content types, as H5P checks it
   (`h5p.content`: what H5P accepts is accepted; pyh5p's own content validation is
   stricter than H5P's, and fails on some real semantics, so it is not used).

Any unforeseen failure while checking refuses the package with a message and logs the detail;
it never becomes a server error.

A checked package is extracted through Django's storage API (storage alias "h5p") to
`h5p/<sha256 of the file>/`: identical uploads are stored once, the files never change under
their URL (so they are cached for a year), and nothing assumes a local disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import re
import shutil
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import BinaryIO

import pyh5p
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils.translation import gettext_lazy as _
from pyh5p.security import DEFAULT_ALLOWED_EXTENSIONS, validate_archive_member

from . import content as h5p_content
from . import libraries

PackagedLibrary = pyh5p.package.PackagedLibrary

logger = logging.getLogger(__name__)

ROOT = "h5p"
SHA256 = re.compile(r"^[0-9a-f]{64}$")

# pyh5p's list without Flash, WebAssembly and opaque binaries, which no content type needs.
ALLOWED_EXTENSIONS = DEFAULT_ALLOWED_EXTENSIONS - {"swf", "wasm", "bin"}
LIMITS = pyh5p.PackageLimits(
    max_files=3000,
    max_file_size=50 * 1024 * 1024,
    max_total_size=200 * 1024 * 1024,
    max_compression_ratio=100.0,
    allowed_extensions=ALLOWED_EXTENSIONS,
)
# Files under content/ are data (pictures, sound, video, documents), never code or markup that a
# browser would run if someone opened its address.
CONTENT_FORBIDDEN_EXTENSIONS = frozenset({"js", "mjs", "css", "svg", "svgz", "html", "htm", "xhtml", "xml", "map"})
# What the player loads; editor libraries (editorDependencies) are never loaded by it.
RUNTIME_DEPENDENCIES = ("preloadedDependencies", "dynamicDependencies")


def storage():
    return storages["h5p"]


def max_upload_bytes() -> int:
    return settings.H5P_MAX_UPLOAD_MB * 1024 * 1024


@dataclass(frozen=True)
class CheckedPackage:
    """An upload that passed every check. Its `files` are read from the zip one at a time when
    asked for (`ZipFiles`), so storing it never holds the package expanded in memory."""

    sha256: str
    title: str
    language: str
    main_library: str  # "H5P.SpotTheRisk 1.1"
    libraries: tuple[str, ...]  # "H5P.SpotTheRisk-1.1", ...
    size_bytes: int
    files: Mapping[str, bytes] = field(repr=False)


def _refuse(message, **params) -> ValidationError:
    return ValidationError(message, code="h5p", params=params)


# pyh5p reports in English; each of its refusals becomes a translated sentence for the editor.
# (pattern of pyh5p's message, message for the editor); "name" is the file inside the package.
_PYH5P_MESSAGES = [
    (
        r"unsafe archive member path: '(?P<name>.*)'",
        _(
            "The package contains a file with an unsafe path (“%(name)s”): it points outside the "
            "package. Export the package again from H5P, and never edit it by hand."
        ),
    ),
    (
        r"symbolic links are not allowed in H5P archives: '(?P<name>.*)'",
        _("The package contains a symbolic link (“%(name)s”). Export the package again from H5P."),
    ),
    (
        r"archive member extension is not allowed: '(?P<name>.*)'",
        _(
            "The package contains a file of a type that is not allowed (“%(name)s”). Remove it, "
            "or export the package again from H5P."
        ),
    ),
    (
        r"archive member has an unsafe compression ratio: '(?P<name>.*)'",
        _(
            "The package contains a file that expands to far more than its compressed size "
            "(“%(name)s”), as a zip bomb does. Export the package again from H5P."
        ),
    ),
    (
        r"archive member exceeds size limit: '(?P<name>.*)'",
        _("One file in the package is larger than 50 MB (“%(name)s”). Make it smaller and export again."),
    ),
    (
        r"package contains more than \d+ members",
        _("The package contains more than 3,000 files. Split the activity into smaller ones."),
    ),
    (
        r"package exceeds total expanded size limit",
        _("The package expands to more than 200 MB. Make its pictures and videos smaller and export again."),
    ),
    (
        r"package contains duplicate member: '(?P<name>.*)'",
        _("The package contains the same file twice (“%(name)s”). Export the package again from H5P."),
    ),
    (
        r"damaged archive member: '(?P<name>.*)'",
        _(
            "A file in the package is damaged (“%(name)s”): it cannot be read back as it was packed. "
            "Download or export the package again."
        ),
    ),
    (
        r"invalid H5P ZIP archive",
        _("This file is not an H5P package (it is not a ZIP archive). Choose the .h5p file that H5P exported."),
    ),
    (
        r"H5P package is missing root h5p.json",
        _("The package has no h5p.json at its top level. Choose the .h5p file that H5P exported."),
    ),
    (
        r"h5p.json (is not valid UTF-8 JSON|must contain an object)",
        _("The package's h5p.json is not valid JSON. Export the package again from H5P."),
    ),
    (
        r"content/content.json (is not valid UTF-8 JSON|must contain an object)",
        _("The package's content/content.json is not valid JSON. Export the package again from H5P."),
    ),
    (
        r"library folder (?P<name>.*) holds (?P<library>.*)",
        _(
            "The folder “%(name)s” in the package holds the library %(library)s, which H5P keeps in a folder "
            "named “%(library)s”. Export the package again from H5P, and never edit it by hand."
        ),
    ),
    (
        r"invalid library definition in (?P<name>.*)",
        _("The library “%(name)s” in the package has an invalid library.json. Export the package again."),
    ),
]


def _translate_pyh5p(error: Exception) -> ValidationError:
    text = str(error)
    for pattern, message in _PYH5P_MESSAGES:
        match = re.fullmatch(pattern, text)
        if match:
            return _refuse(message, **match.groupdict())
    logger.info("H5P package refused by pyh5p: %s", text)
    return _refuse(
        _("The package was refused: %(detail)s. Export it again from H5P with its libraries."),
        detail=text,
    )


def _library_folder(dependency) -> str:
    return f"{dependency.get('machineName')}-{dependency.get('majorVersion')}.{dependency.get('minorVersion')}"


def _missing_library(name: str) -> ValidationError:
    return _refuse(
        _(
            "The package needs the library %(library)s, which is not inside it: export it again "
            "with libraries included (in H5P: “Download”, or “Reuse” → “Download as an .h5p file”)."
        ),
        library=name,
    )


def _validation_issues(error: pyh5p.ValidationError, metadata: dict) -> ValidationError:
    issues = list(error.issues)
    for issue in issues:
        if issue.path == "$.h5p.mainLibrary" and issue.keyword == "dependency":
            main = metadata.get("mainLibrary")
            for dependency in metadata.get("preloadedDependencies") or []:
                if isinstance(dependency, dict) and dependency.get("machineName") == main:
                    return _missing_library(_library_folder(dependency))
            return _missing_library(str(main))
    for issue in issues:
        if issue.path.startswith("$.h5p."):
            return _refuse(
                _("The package's h5p.json is incomplete (%(detail)s). Export the package again from H5P."),
                detail=str(issue),
            )
    shown = "; ".join(str(issue) for issue in issues[:3])
    if len(issues) > 3:
        shown += " …"
    return _refuse(
        _(
            "The package's content (content/content.json) does not follow the rules of its content "
            "type: %(detail)s. Open it in the H5P editor, correct it and export it again."
        ),
        detail=shown,
    )


def _check_content_files(files: dict[str, bytes]) -> None:
    for name in sorted(files):
        if not name.startswith("content/"):
            continue
        path = PurePosixPath(name)
        if any(part.startswith(".") for part in path.parts):
            raise _refuse(
                _("The package contains a hidden file (“%(name)s”) in content/. Remove it and export again."),
                name=name,
            )
        extension = path.suffix.lower().lstrip(".")
        if not extension:
            raise _refuse(
                _(
                    "The package contains a file without an extension (“%(name)s”) in content/. Only "
                    "pictures, sound, video and documents belong there; export the package again."
                ),
                name=name,
            )
        if extension in CONTENT_FORBIDDEN_EXTENSIONS:
            raise _refuse(
                _(
                    "The package contains a script, style sheet, SVG drawing or web page (“%(name)s”) in "
                    "content/, where only pictures, sound, video and documents belong. Remove it; use "
                    "a PNG or JPEG picture instead of an SVG drawing."
                ),
                name=name,
            )


def _check_dependencies(package) -> tuple[str, ...]:
    """Every library the player will load, followed from h5p.json through each library's own
    library.json, must be inside the package (same machine name, major and minor version)."""
    present = {(lib.id.machine_name, lib.id.major, lib.id.minor): lib for lib in package.libraries}
    needed = list(package.metadata.get("preloadedDependencies") or [])
    seen: set[tuple] = set()
    while needed:
        dependency = needed.pop(0)
        if not isinstance(dependency, dict):
            continue
        try:
            key = (dependency["machineName"], int(dependency["majorVersion"]), int(dependency["minorVersion"]))
        except (KeyError, TypeError, ValueError):
            raise _refuse(
                _("A library dependency in the package is incomplete (%(detail)s). Export the package again."),
                detail=json.dumps(dependency)[:200],
            ) from None
        if key in seen:
            continue
        seen.add(key)
        library = present.get(key)
        if library is None:
            raise _missing_library(_library_folder(dependency))
        for kind in RUNTIME_DEPENDENCIES:
            needed.extend(library.metadata.get(kind) or [])
    return tuple(sorted(lib.id.directory_name for lib in package.libraries))


def _too_large() -> ValidationError:
    return _refuse(
        _(
            "The file is larger than %(limit)s MB, the largest H5P package this site accepts. "
            "Make its pictures and videos smaller and export it again."
        ),
        limit=settings.H5P_MAX_UPLOAD_MB,
    )


def check_upload(upload) -> CheckedPackage:
    """Check an uploaded file (a Django `UploadedFile`, or any file with `size`, `name` and
    `read`) and return it as a `CheckedPackage`, or raise `ValidationError` with one translated
    message. Reads nothing before the size is known to be within the limit, then reads the zip
    where it is (on disk for a large upload), never all of it into memory."""
    size = getattr(upload, "size", None)
    if size is None or size > max_upload_bytes():
        raise _too_large()
    upload.seek(0)
    return _checked(upload, size)


def check_bytes(data: bytes) -> CheckedPackage:
    if len(data) > max_upload_bytes():
        raise _too_large()
    return _checked(io.BytesIO(data), len(data))


def _checked(source: BinaryIO, size: int) -> CheckedPackage:
    try:
        return _check(source, size)
    except ValidationError:
        raise
    except RecursionError:
        raise _refuse(
            _("The package's content is nested too deeply to be read. Export the package again from H5P.")
        ) from None
    except Exception:
        # A check that fails in an unforeseen way refuses the package; it never becomes a 500.
        logger.exception("H5P package check failed unexpectedly")
        raise _refuse(
            _(
                "The package could not be checked, so it was not accepted. Try again; if it happens "
                "again, send the .h5p file to the site's administrators."
            )
        ) from None


class ZipFiles(Mapping):
    """The files of a package, by name, each read from the zip (and checked against its CRC)
    only when asked for: checking reads the JSON files, storing reads one file at a time."""

    def __init__(self, archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]):
        self._archive = archive
        self._members = members

    def __getitem__(self, name: str) -> bytes:
        return self._archive.read(self._members[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self._members)

    def __len__(self) -> int:
        return len(self._members)

    def __contains__(self, name: object) -> bool:
        return name in self._members

    def only(self, keep) -> ZipFiles:
        """The files whose names `keep(name)` accepts."""
        return ZipFiles(self._archive, {name: info for name, info in self._members.items() if keep(name)})

    def sub(self, prefix: str) -> ZipFiles:
        """The files under `prefix`, named relative to it (a library's own files)."""
        return ZipFiles(
            self._archive,
            {name.removeprefix(prefix): info for name, info in self._members.items() if name.startswith(prefix)},
        )


def _sha256(source: BinaryIO) -> str:
    digest = hashlib.sha256()
    source.seek(0)
    for chunk in iter(lambda: source.read(1024 * 1024), b""):
        digest.update(chunk)
    source.seek(0)
    return digest.hexdigest()


def _json_member(files: ZipFiles, name: str, what: str):
    try:
        return json.loads(files[name].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise pyh5p.PackageError(f"{what} is not valid UTF-8 JSON") from error


def _read_through(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]) -> None:
    """Read every member once, a megabyte at a time (nothing kept), so that a damaged file (a
    wrong checksum, a truncated stream) refuses the package now rather than failing its storing."""
    for name, info in members.items():
        try:
            with archive.open(info) as member:
                while member.read(1024 * 1024):
                    pass
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
            raise pyh5p.PackageError(f"damaged archive member: {name!r}") from error


def _read_package(source: BinaryIO) -> pyh5p.H5PPackage:
    """pyh5p's reading of a package (the same limits on every member, through pyh5p's own
    `validate_archive_member`; the same errors), but from the zip where it lies: only the JSON
    files are read now, the rest when stored."""
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile as error:
        raise pyh5p.PackageError("invalid H5P ZIP archive") from error
    infos = archive.infolist()
    if len(infos) > LIMITS.max_files:
        raise pyh5p.PackageError(f"package contains more than {LIMITS.max_files} members")
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        validate_archive_member(info.filename, info, LIMITS)
        if info.filename in members:
            raise pyh5p.PackageError(f"package contains duplicate member: {info.filename!r}")
        total += info.file_size
        if total > LIMITS.max_total_size:
            raise pyh5p.PackageError("package exceeds total expanded size limit")
        if not info.is_dir():
            members[info.filename] = info
    files = ZipFiles(archive, members)
    _read_through(archive, members)
    if "h5p.json" not in files:
        raise pyh5p.PackageError("H5P package is missing root h5p.json")
    metadata = _json_member(files, "h5p.json", "h5p.json")
    if not isinstance(metadata, dict):
        raise pyh5p.PackageError("h5p.json must contain an object")
    content = None
    if "content/content.json" in files:
        content = _json_member(files, "content/content.json", "content/content.json")
        if not isinstance(content, dict):
            raise pyh5p.PackageError("content/content.json must contain an object")
    libraries = []
    for directory in sorted({name.split("/", 1)[0] for name in files if "/" in name} - {"content"}):
        if f"{directory}/library.json" not in files:
            continue
        try:
            library_metadata = json.loads(files[f"{directory}/library.json"].decode("utf-8"))
            library_id = pyh5p.LibraryId.parse(library_metadata)
        except (UnicodeDecodeError, ValueError, TypeError) as error:
            raise pyh5p.PackageError(f"invalid library definition in {directory}") from error
        if directory != library_id.directory_name:
            # H5P finds a library by its folder's name: one under another name would be stored,
            # and played for every activity, as the version its library.json claims.
            raise pyh5p.PackageError(f"library folder {directory} holds {library_id.directory_name}")
        libraries.append(PackagedLibrary(library_id, files.sub(f"{directory}/"), library_metadata))
    return pyh5p.H5PPackage(metadata, content, tuple(libraries), files)


def _check(source: BinaryIO, size: int) -> CheckedPackage:
    try:
        package = _read_package(source)
    except pyh5p.PackageError as error:
        raise _translate_pyh5p(error) from None
    issues = [
        issue
        for issue in package.validate(require_content=True)
        # Content is checked below, as H5P checks it; stray files at the package's top level
        # (H5P ignores them, and so does this site: they are not stored) are not refused.
        if not issue.path.startswith(("$.content.", "$.package."))
    ]
    if issues:
        raise _validation_issues(pyh5p.ValidationError(issues), package.metadata)
    files = package.files.only(lambda name: "/" in name or name == "h5p.json")
    _check_content_files(files)
    libraries = _check_dependencies(package)
    _check_libraries(package, files)
    main = package.metadata["mainLibrary"]
    main_id = next(lib.id for lib in package.libraries if lib.id.machine_name == main)
    main_library = f"{main_id.machine_name} {main_id.major}.{main_id.minor}"
    _check_content(package, files, main_library=main_library)
    return CheckedPackage(
        sha256=_sha256(source),
        title=str(package.metadata.get("title") or "")[:255],
        language=str(package.metadata.get("language") or ""),
        main_library=main_library,
        libraries=libraries,
        size_bytes=size,
        files=files,
    )


def _check_libraries(package, files: dict[str, bytes]) -> None:
    """What the player needs of each library: the scripts and styles its library.json lists are
    inside it, its language files are JSON, and the core API it asks for is one the pinned
    player provides (`H5P_PLAYER_CORE_API`)."""
    supported = tuple(settings.H5P_PLAYER_CORE_API)
    for library in sorted(package.libraries, key=lambda lib: lib.id.directory_name):
        folder = library.id.directory_name
        metadata = library.metadata
        for kind in ("preloadedJs", "preloadedCss"):
            for entry in metadata.get(kind) or []:
                path = entry.get("path") if isinstance(entry, dict) else None
                if not isinstance(path, str) or f"{folder}/{path}" not in files:
                    raise _refuse(
                        _(
                            "The library %(library)s lists the file “%(name)s” in its library.json, but "
                            "the file is not in the package, so the activity could not run. Export the "
                            "package again with its libraries, from an H5P site where it plays."
                        ),
                        library=folder,
                        name=str(path),
                    )
        core = metadata.get("coreApi")
        if isinstance(core, dict):
            try:
                wanted = (int(core.get("majorVersion", 1)), int(core.get("minorVersion", 0)))
            except (TypeError, ValueError):
                wanted = (0, 0)
            if wanted > supported:
                raise _refuse(
                    _(
                        "The library %(library)s needs version %(wanted)s of H5P's core, and this site's "
                        "player provides %(supported)s. Use an older version of the content type, or ask "
                        "the site's administrators to update the player."
                    ),
                    library=folder,
                    wanted="{}.{}".format(*wanted),
                    supported="{}.{}".format(*supported),
                )
        for name in sorted(files):
            if name.startswith(f"{folder}/language/") and name.endswith(".json"):
                try:
                    json.loads(files[name].decode("utf-8-sig"))
                except (UnicodeDecodeError, ValueError):
                    raise _refuse(
                        _(
                            "The language file “%(name)s” of the library %(library)s is not valid JSON. "
                            "Export the package again from H5P."
                        ),
                        name=name,
                        library=folder,
                    ) from None


def _semantics_reader(package, files: dict[str, bytes]):
    by_name = {
        f"{lib.id.machine_name} {lib.id.major}.{lib.id.minor}": lib.id.directory_name for lib in package.libraries
    }

    def semantics_of(name: str) -> list | None:
        folder = by_name.get(name)
        if folder is None:
            return None
        raw = files.get(f"{folder}/semantics.json")
        if raw is None:
            return []
        try:
            semantics = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            raise _refuse(
                _("The library %(library)s has a semantics.json that is not valid JSON. Export the package again."),
                library=folder,
            ) from None
        return semantics if isinstance(semantics, list) else []

    return semantics_of


def _check_content(package, files: dict[str, bytes], *, main_library: str) -> None:
    semantics_of = _semantics_reader(package, files)
    semantics = semantics_of(main_library) or []
    problems = h5p_content.ContentChecker(semantics_of).check(semantics, package.content)
    if not problems:
        return
    problem = problems[0]
    if problem.kind == "library":
        raise _refuse(
            _(
                "The content uses the content type “%(library)s” (at %(where)s), which is not inside the "
                "package. Export it again with libraries included (in H5P: “Download”, or “Reuse” → "
                "“Download as an .h5p file”)."
            ),
            library=problem.detail,
            where=problem.path,
        )
    if problem.kind == "path":
        raise _refuse(
            _(
                "The content refers to a file outside the package (“%(name)s”, at %(where)s). Only files "
                "inside the package, and web addresses for videos and sound, can be used: replace it in "
                "the H5P editor and export again."
            ),
            name=problem.detail,
            where=problem.path,
        )
    raise _refuse(
        _(
            "The content (content/content.json) has a value of the wrong kind at %(where)s (%(value)s) for "
            "its content type, which could not show it. Open it in the H5P editor, correct it and export it "
            "again."
        ),
        where=problem.path,
        value=problem.detail,
    )


# --- Storage ---------------------------------------------------------------------------------


def folder(sha256: str) -> str:
    if not SHA256.match(sha256 or ""):
        raise ValueError("not a SHA-256 hex digest")
    return f"{ROOT}/{sha256}"


def is_stored(sha256: str) -> bool:
    # h5p.json is written last, so its presence means the whole package is there.
    return storage().exists(f"{folder(sha256)}/h5p.json")


def store(package: CheckedPackage, *, row=None) -> bool:
    """Store the package unless an identical upload is already there; returns whether files were
    written. Its libraries go to the site's shared library store (`h5p.libraries`: each stored
    once, and stored again if an interrupted store left them out), its h5p.json and content/ to
    h5p/<sha256>/, h5p.json last; `row`, the package's `H5PPackage`, is linked to its libraries.
    Safe to repeat after an interrupted store."""
    files = storage()
    libraries.store(package.files, files, package=row)
    if is_stored(package.sha256):
        return False
    base = folder(package.sha256)
    own = [name for name in package.files if name == "h5p.json" or name.startswith("content/")]
    for name in sorted(own, key=lambda n: n == "h5p.json"):
        target = f"{base}/{name}"
        if files.exists(target):  # left by an interrupted earlier extraction
            files.delete(target)
        saved = files.save(target, ContentFile(package.files[name]))
        if saved != target:
            raise RuntimeError(f"storage renamed {target} to {saved}")
    return True


def keeps_own_libraries(sha256: str) -> bool:
    """Whether the stored package holds library folders of its own (stored before libraries were
    shared); its player then loads them from there."""
    try:
        folders, _names = storage().listdir(folder(sha256))
    except FileNotFoundError:
        return False
    return any(name != "content" for name in folders)


def walk(files, directory: str):
    folders, names = files.listdir(directory)
    for name in names:
        yield f"{directory}/{name}"
    for sub in folders:
        yield from walk(files, f"{directory}/{sub}")


def remove(sha256: str) -> int:
    """Delete the stored files of a package; returns how many were deleted."""
    return remove_folder(folder(sha256), marker="h5p.json")


def remove_folder(base: str, *, marker: str) -> int:
    """Delete every stored file under `base`, `marker` first (the file whose presence means the
    folder is whole, so a half-deleted one is never taken for complete); returns how many."""
    files = storage()
    try:
        names = list(walk(files, base))
    except FileNotFoundError:
        return 0
    names.sort(key=lambda n: n != f"{base}/{marker}")
    for name in names:
        files.delete(name)
    with contextlib.suppress(NotImplementedError):  # object stores have no folders to remove
        shutil.rmtree(files.path(base), ignore_errors=True)
    return len(names)


def _open(base: str, name: str):
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in {"", ".", ".."} for part in path.parts) or "\\" in name:
        raise FileNotFoundError(name)
    target = f"{base}/{path}"
    files = storage()
    if not files.exists(target):
        raise FileNotFoundError(name)
    return files.open(target, "rb")


def open_file(sha256: str, name: str):
    """The stored file `name` of a package, opened for reading; FileNotFoundError if absent."""
    return _open(folder(sha256), name)


def open_library_file(library_digest: str, name: str):
    """The stored file `name` of a shared library (`h5p.libraries`); FileNotFoundError if absent."""
    if not SHA256.match(library_digest or ""):
        raise ValueError("not a SHA-256 hex digest")
    return _open(libraries.folder_of(library_digest), name)
