"""Small H5P packages for the tests, built byte by byte so that each can be broken in one way.

`H5P.TestQuestion 1.2` is a content type made for these tests (no registry ships content types):
a question text and a number of points."""

from __future__ import annotations

import io
import json
import zipfile

LIBRARY = {
    "title": "Test question",
    "machineName": "H5P.TestQuestion",
    "majorVersion": 1,
    "minorVersion": 2,
    "patchVersion": 3,
    "runnable": 1,
    "embedTypes": ["iframe"],
    "coreApi": {"majorVersion": 1, "minorVersion": 24},
    "preloadedJs": [{"path": "question.js"}],
    "preloadedCss": [{"path": "question.css"}],
}
SEMANTICS = [
    {"name": "question", "type": "text", "label": "Question"},
    {"name": "points", "type": "number", "label": "Points", "min": 1, "max": 10, "default": 1},
]
CONTENT = {"question": "Có nên gửi ảnh cho người lạ không?", "points": 2}
H5P_JSON = {
    "title": "Câu hỏi thử",
    "language": "vi",
    "mainLibrary": "H5P.TestQuestion",
    "embedTypes": ["iframe"],
    "preloadedDependencies": [{"machineName": "H5P.TestQuestion", "majorVersion": 1, "minorVersion": 2}],
}


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def package_files(*, content=None, library=None, h5p=None) -> dict[str, bytes]:
    """The files of a valid package, as a dict that a test may change before zipping."""
    return {
        "h5p.json": _json(h5p or H5P_JSON),
        "content/content.json": _json(CONTENT if content is None else content),
        "content/images/picture.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 32,
        "H5P.TestQuestion-1.2/library.json": _json(library or LIBRARY),
        "H5P.TestQuestion-1.2/semantics.json": _json(SEMANTICS),
        "H5P.TestQuestion-1.2/question.js": b"H5P.TestQuestion = function () {};",
        "H5P.TestQuestion-1.2/question.css": b".h5p-test-question { color: #000; }",
    }


def zipped(files: dict[str, bytes], *, compresslevel: int = 6) -> bytes:
    """The same files always make the same bytes: each entry has a fixed date, not the clock's
    (two packages built a second apart would otherwise differ, and so would their digests)."""
    memory = io.BytesIO()
    with zipfile.ZipFile(memory, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=compresslevel)
    return memory.getvalue()


def valid_package(**kwargs) -> bytes:
    return zipped(package_files(**kwargs))
