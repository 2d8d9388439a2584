"""What an H5P platform checks of a package's content (`content/content.json`) against its
content type's `semantics.json`, and nothing more.

Modelled on h5p-php-library's content validator and Lumi's h5p-server, which *accept* a package
and clean its content rather than refuse it for what the H5P editor itself writes: a group of one
field stored without its wrapper (`validateGroup`), a file without a `mime`, an `originalImage`
path ending in `#tmp` (an editor leftover H5P strips), a video or audio source that is an
`http(s)` address (YouTube, say), a text longer than its `maxLength`, a number off its `steps`, a
`select` value that is not an option (H5P falls back to the default). The player copes with all
of these. What is refused is what breaks the content or reaches outside the package:

- a value of the wrong JSON kind for its field (a number where the field is text, a string where
  it is a list), which the content type's script would trip over;
- a file whose path leaves `content/` (`../`, an absolute path, a `javascript:` or other address
  that is not `http(s)`);
- a nested content type (a `library` field) that names no library, or one that is not inside the
  package (the player could not load it).

pyh5p's own validation is stricter than H5P in each of the ways above, and its semantics reader
fails on list items without a `name` (H5P.DragQuestion 1.13/1.14): this module replaces it, and
reads semantics as plain JSON.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote

EXTERNAL = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
FILE_KINDS = {"image", "file", "video", "audio"}
KINDS = {"text": str, "number": (int, float), "boolean": bool, "select": None}
LIBRARY_NAME = re.compile(r"^(?P<name>[\w.-]+) (?P<major>\d+)\.(?P<minor>\d+)$")


@dataclass(frozen=True)
class ContentProblem:
    """Where in content.json (a JSON path like `$.questions[2].params.media`) and what is wrong:
    `kind` is one of "type", "path", "library"; `detail` the offending value or name."""

    path: str
    kind: str
    detail: str


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def safe_content_path(path: str) -> bool:
    """A file reference inside content/: relative, no `..`, no scheme (an editor's `#tmp` is
    stripped first, as H5P does). Read as a browser reads it: tabs and line breaks dropped and
    %-escapes decoded (`%2e%2e` is `..` to a URL parser)."""
    path = path.removesuffix("#tmp")
    for _ in range(5):
        decoded = unquote(re.sub(r"[\t\n\r]", "", path))
        if decoded == path:
            break
        path = decoded
    else:
        return False  # escaped again and again: no real file is named like that
    if not path or path.startswith(("/", "\\")) or SCHEME.match(path) or "\\" in path:
        return False
    return ".." not in PurePosixPath(path).parts


class ContentChecker:
    """Walks a content value along its semantics. `semantics_of("H5P.MultiChoice 1.14")` returns
    the semantics list of a library inside the package, or None when it is not there."""

    def __init__(self, semantics_of: Callable[[str], list | None]):
        self.semantics_of = semantics_of
        self.problems: list[ContentProblem] = []

    def check(self, semantics: list, content: Any) -> list[ContentProblem]:
        self._group_fields(semantics, content if isinstance(content, Mapping) else {}, "$")
        if not isinstance(content, Mapping):
            self.problems.append(ContentProblem("$", "type", type(content).__name__))
        return self.problems

    def _group_fields(self, fields: list, value: Mapping, path: str) -> None:
        for field in fields:
            if not isinstance(field, Mapping) or not isinstance(field.get("name"), str):
                continue  # a field H5P could not address either
            if field["name"] in value:
                self._value(field, value[field["name"]], f"{path}.{field['name']}")

    def _value(self, field: Mapping, value: Any, path: str) -> None:
        kind = field.get("type")
        if value is None:
            return  # an optional field left empty
        if kind in KINDS:
            expected = KINDS[kind]
            wrong = (
                not _is_number(value) if kind == "number" else expected is not None and not isinstance(value, expected)
            )
            if wrong:
                self.problems.append(ContentProblem(path, "type", repr(value)[:60]))
        elif kind == "group":
            fields = [f for f in field.get("fields") or [] if isinstance(f, Mapping)]
            if len(fields) == 1 and not isinstance(value, Mapping):
                # H5P stores a group of one field as that field's value alone.
                self._value(fields[0], value, path)
            elif isinstance(value, Mapping):
                self._group_fields(fields, value, path)
            else:
                self.problems.append(ContentProblem(path, "type", repr(value)[:60]))
        elif kind == "list":
            item = field.get("field")
            if not isinstance(value, list):
                self.problems.append(ContentProblem(path, "type", repr(value)[:60]))
            elif isinstance(item, Mapping):
                for index, element in enumerate(value):
                    self._value(item, element, f"{path}[{index}]")
        elif kind == "library":
            self._library(value, path)
        elif kind in FILE_KINDS:
            files = [value] if kind == "image" or isinstance(value, Mapping) else value
            if not isinstance(files, list):
                self.problems.append(ContentProblem(path, "type", repr(value)[:60]))
                return
            for index, file in enumerate(files):
                where = path if kind == "image" or isinstance(value, Mapping) else f"{path}[{index}]"
                self._file(file, where, external_allowed=kind in {"video", "audio"})
        # Any other type (H5P adds some from time to time) is left as it is, as H5P leaves it.

    def _file(self, file: Any, path: str, *, external_allowed: bool) -> None:
        if not isinstance(file, Mapping) or not isinstance(file.get("path"), str):
            self.problems.append(ContentProblem(path, "type", repr(file)[:60]))
            return
        target = file["path"]
        if EXTERNAL.match(target):
            if not external_allowed:
                self.problems.append(ContentProblem(f"{path}.path", "path", target[:120]))
        elif not safe_content_path(target):
            self.problems.append(ContentProblem(f"{path}.path", "path", target[:120]))
        original = file.get("originalImage")
        original_path = original.get("path") if isinstance(original, Mapping) else None
        if isinstance(original_path, str) and not safe_content_path(original_path):
            self.problems.append(ContentProblem(f"{path}.originalImage.path", "path", original_path[:120]))

    def _library(self, value: Any, path: str) -> None:
        if not isinstance(value, Mapping):
            self.problems.append(ContentProblem(path, "type", repr(value)[:60]))
            return
        name = value.get("library")
        if name in (None, ""):
            return  # an empty slot the editor left: H5P skips it
        if not isinstance(name, str) or not LIBRARY_NAME.match(name):
            self.problems.append(ContentProblem(f"{path}.library", "library", str(name)[:80]))
            return
        semantics = self.semantics_of(name)
        if semantics is None:
            self.problems.append(ContentProblem(f"{path}.library", "library", name))
            return
        params = value.get("params")
        if params is None:
            return
        if not isinstance(params, Mapping):
            self.problems.append(ContentProblem(f"{path}.params", "type", repr(params)[:60]))
            return
        self._group_fields(semantics, params, f"{path}.params")
