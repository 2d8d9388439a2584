"""Checking an uploaded .h5p package: every refusal names what is wrong and what to do, in the
editor's language, and nothing is stored."""

import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from h5p import packages
from tests.h5p.builders import H5P_JSON, LIBRARY, package_files, valid_package, zipped


@pytest.fixture(autouse=True)
def in_english():
    """The messages are checked in English here; one test checks the Vietnamese."""
    with translation.override("en"):
        yield


def refusal(data: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        packages.check_bytes(data)
    return caught.value.messages[0]


def with_file(name: str, data: bytes = b"x") -> bytes:
    files = package_files()
    files[name] = data
    return zipped(files)


def test_a_valid_h5p_package_is_accepted_with_what_it_holds():
    checked = packages.check_bytes(valid_package())
    assert checked.main_library == "H5P.TestQuestion 1.2"
    assert checked.libraries == ("H5P.TestQuestion-1.2",)
    assert checked.title == "Câu hỏi thử"
    assert len(checked.sha256) == 64
    assert "content/content.json" in checked.files


def test_h5p_upload_over_the_size_limit_is_refused_before_it_is_read(settings):
    settings.H5P_MAX_UPLOAD_MB = 1

    class Unreadable(io.BytesIO):
        name = "big.h5p"
        size = 2 * 1024 * 1024

        def read(self, *args):
            raise AssertionError("the file was read")

    with pytest.raises(ValidationError) as caught:
        packages.check_upload(Unreadable())
    assert "larger than 1 MB" in caught.value.messages[0]


def test_h5p_path_traversal_is_refused():
    message = refusal(with_file("../../etc/cron.d/evil.json"))
    assert "unsafe path" in message and "../../etc/cron.d/evil.json" in message


def test_h5p_php_file_is_refused_by_name():
    message = refusal(with_file("H5P.TestQuestion-1.2/shell.php", b"<?php system($_GET['c']); ?>"))
    assert "type that is not allowed" in message and "shell.php" in message


def test_h5p_script_in_content_is_refused():
    message = refusal(with_file("content/steal.js", b"fetch('/admin/')"))
    assert "script, style sheet, SVG drawing or web page" in message and "content/steal.js" in message


@pytest.mark.parametrize("name", ["content/images/drawing.svg", "content/theme.css"])
def test_h5p_svg_or_style_in_content_is_refused(name):
    assert name in refusal(with_file(name, b"<svg onload='alert(1)'/>"))


def test_h5p_hidden_file_in_content_is_refused():
    message = refusal(with_file("content/images/.secret.png"))
    assert "hidden file" in message and ".secret.png" in message


def test_h5p_extensionless_file_in_content_is_refused():
    message = refusal(with_file("content/payload"))
    assert "without an extension" in message and "content/payload" in message


def test_h5p_zip_bomb_is_refused():
    # 20 MB of zeros compress to about 20 kB: a ratio no real content has.
    message = refusal(with_file("content/images/bomb.png", b"\0" * (20 * 1024 * 1024)))
    assert "zip bomb" in message and "bomb.png" in message


def test_h5p_missing_library_is_named_with_the_way_to_fix_it():
    library = {
        **LIBRARY,
        "preloadedDependencies": [{"machineName": "H5P.Helper", "majorVersion": 1, "minorVersion": 4}],
    }
    message = refusal(zipped(package_files(library=library)))
    assert "H5P.Helper-1.4" in message
    assert "export it again with libraries included" in message


def test_h5p_missing_main_library_is_named():
    files = package_files()
    for name in [n for n in files if n.startswith("H5P.TestQuestion-1.2/")]:
        del files[name]
    message = refusal(zipped(files))
    assert "H5P.TestQuestion-1.2" in message and "export it again with libraries included" in message


def test_h5p_content_json_that_is_not_json_is_refused():
    files = package_files()
    files["content/content.json"] = b"{not json"
    assert "content/content.json is not valid JSON" in refusal(zipped(files))


def test_h5p_content_json_against_its_semantics_is_refused_with_the_field():
    message = refusal(valid_package(content={"question": 42, "points": 2}))
    assert "wrong kind" in message and "$.question" in message


def test_h5p_missing_content_json_is_refused():
    files = package_files()
    del files["content/content.json"]
    assert "content/content.json is required" in refusal(zipped(files))


def test_h5p_file_that_is_not_a_zip_is_refused():
    assert "not an H5P package" in refusal(b"%PDF-1.7 this is a PDF")


def test_h5p_package_without_h5p_json_is_refused():
    files = package_files()
    del files["h5p.json"]
    assert "no h5p.json" in refusal(zipped(files))


def test_h5p_json_without_a_main_library_is_refused():
    h5p = {key: value for key, value in H5P_JSON.items() if key != "mainLibrary"}
    assert "h5p.json is incomplete" in refusal(zipped(package_files(h5p=h5p)))


def test_h5p_refusal_is_translated():
    with translation.override("vi"):
        message = refusal(with_file("content/steal.js"))
    assert "content/steal.js" in message
    assert message.startswith("Gói")


def test_h5p_upload_reads_a_django_uploaded_file():
    upload = SimpleUploadedFile("activity.h5p", valid_package(), content_type="application/zip")
    assert packages.check_upload(upload).main_library == "H5P.TestQuestion 1.2"


def test_h5p_never_reaches_the_network(monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("pyh5p tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    library = {
        **LIBRARY,
        "preloadedDependencies": [{"machineName": "H5P.Helper", "majorVersion": 1, "minorVersion": 4}],
    }
    assert "H5P.Helper-1.4" in refusal(zipped(package_files(library=library)))
    packages.check_bytes(valid_package())


def test_h5p_editor_libraries_are_not_required():
    # The player never loads editorDependencies; exports often leave them out.
    library = {
        **LIBRARY,
        "editorDependencies": [{"machineName": "H5PEditor.Text", "majorVersion": 1, "minorVersion": 1}],
    }
    packages.check_bytes(zipped(package_files(library=library)))


def test_h5p_dependency_of_a_dependency_must_be_inside():
    helper = {
        "title": "Helper",
        "machineName": "H5P.Helper",
        "majorVersion": 1,
        "minorVersion": 4,
        "patchVersion": 0,
        "runnable": 0,
        "preloadedDependencies": [{"machineName": "H5P.Deeper", "majorVersion": 2, "minorVersion": 1}],
    }
    library = {
        **LIBRARY,
        "preloadedDependencies": [{"machineName": "H5P.Helper", "majorVersion": 1, "minorVersion": 4}],
    }
    files = package_files(library=library)
    files["H5P.Helper-1.4/library.json"] = json.dumps(helper).encode()
    assert "H5P.Deeper-2.1" in refusal(zipped(files))


def test_h5p_symbolic_link_is_refused():
    memory = io.BytesIO()
    with zipfile.ZipFile(memory, "w") as archive:
        for name, data in package_files().items():
            archive.writestr(name, data)
        link = zipfile.ZipInfo("content/images/link.png")
        link.external_attr = 0o120777 << 16
        archive.writestr(link, "/etc/passwd")
    assert "symbolic link" in refusal(memory.getvalue())


# --- What H5P accepts is accepted, what it refuses is refused (h5p-php-library's and Lumi
# h5p-server's behaviour; shapes taken from real exports) ------------------------------------

MEDIA_SEMANTICS = [
    {"name": "question", "type": "text", "label": "Question"},
    {"name": "points", "type": "number", "label": "Points", "min": 1, "max": 10, "default": 1},
    {
        "name": "overallFeedback",
        "type": "group",
        "label": "Overall feedback",
        "fields": [
            {
                "name": "overallFeedback",
                "type": "list",
                # H5P.DragQuestion 1.13's list items have no "name": pyh5p crashed on them.
                "field": {"type": "group", "fields": [{"name": "feedback", "type": "text"}]},
            }
        ],
    },
    {"name": "picture", "type": "image", "optional": True},
    {"name": "sources", "type": "video", "optional": True},
    {"name": "task", "type": "library", "options": ["H5P.TestQuestion 1.2"], "optional": True},
]


def with_semantics(content: dict, **extra_files) -> bytes:
    files = package_files(content={"question": "Câu hỏi?", "points": 2, **content})
    files["H5P.TestQuestion-1.2/semantics.json"] = json.dumps(MEDIA_SEMANTICS).encode()
    files.update(extra_files)
    return zipped(files)


def test_h5p_list_items_without_a_name_in_semantics_are_read():
    checked = packages.check_bytes(with_semantics({"overallFeedback": {"overallFeedback": [{"feedback": "Tốt"}]}}))
    assert checked.main_library == "H5P.TestQuestion 1.2"


def test_h5p_one_field_group_stored_flattened_is_accepted():
    # DragText 1.8 and Blanks 1.14 store overallFeedback as the list itself.
    packages.check_bytes(with_semantics({"overallFeedback": [{"feedback": "Tốt"}]}))


def test_h5p_stray_file_at_the_top_level_is_ignored_and_not_stored():
    checked = packages.check_bytes(with_semantics({}, **{"H5P_CONTENT_HERE.txt": b""}))
    assert "H5P_CONTENT_HERE.txt" not in checked.files and "h5p.json" in checked.files


def test_h5p_video_from_youtube_is_accepted():
    sources = [{"path": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "mime": "video/YouTube"}]
    packages.check_bytes(with_semantics({"sources": sources}))


def test_h5p_editor_leftovers_are_accepted_an_image_without_mime_and_a_tmp_original():
    picture = {"path": "images/picture.png", "originalImage": {"path": "images/picture.png#tmp"}}
    packages.check_bytes(with_semantics({"picture": picture}))


@pytest.mark.parametrize(
    "path",
    [
        "../../../etc/passwd",
        "/etc/passwd",
        "javascript:alert(1)",
        "images/../../h5p.json",
        # What a browser's URL parser turns into "../": escapes, and tabs or line breaks it drops.
        "%2e%2e/%2e%2e/vi/accounts/logout/",
        "images/%252e%252e/%252e%252e/x.png",
        ".\t./.\n./x.png",
    ],
)
def test_h5p_file_path_leaving_the_package_is_refused_with_where_it_is(path):
    message = refusal(with_semantics({"picture": {"path": path, "mime": "image/png"}}))
    assert "outside the package" in message and "$.picture.path" in message


def test_h5p_web_address_for_a_picture_is_refused():
    message = refusal(with_semantics({"picture": {"path": "https://example.org/x.png", "mime": "image/png"}}))
    assert "outside the package" in message


def test_h5p_nested_content_type_not_inside_is_named():
    message = refusal(with_semantics({"task": {"library": "H5P.MultiChoice 1.14", "params": {}}}))
    assert "H5P.MultiChoice 1.14" in message and "$.task.library" in message


def test_h5p_nested_content_type_is_checked_with_its_own_semantics():
    message = refusal(with_semantics({"task": {"library": "H5P.TestQuestion 1.2", "params": {"points": "two"}}}))
    assert "$.task.params.points" in message


def test_h5p_library_script_listed_but_missing_is_refused():
    files = package_files()
    del files["H5P.TestQuestion-1.2/question.js"]
    message = refusal(zipped(files))
    assert "H5P.TestQuestion-1.2" in message and "question.js" in message


def test_h5p_language_file_that_is_not_json_is_refused():
    files = package_files()
    files["H5P.TestQuestion-1.2/language/vi.json"] = b'{"semantics": ['
    message = refusal(zipped(files))
    assert "H5P.TestQuestion-1.2/language/vi.json" in message


def test_h5p_library_needing_a_newer_core_than_the_player_is_refused(settings):
    settings.H5P_PLAYER_CORE_API = (1, 24)
    message = refusal(valid_package(library={**LIBRARY, "coreApi": {"majorVersion": 1, "minorVersion": 27}}))
    assert "1.27" in message and "1.24" in message and "H5P.TestQuestion-1.2" in message


def test_h5p_unforeseen_failure_in_checking_is_a_refusal_not_a_crash(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise KeyError("surprise")

    monkeypatch.setattr(packages, "_check_dependencies", broken)
    message = refusal(valid_package())
    assert "could not be checked" in message
    assert "surprise" in caplog.text  # the detail is logged for the administrators
