"""H5P packages in storage: extracted once per identical file under h5p/<sha256>/, served with
long cache headers and a strict policy, and removed after a replacement commits unless another
activity still uses them. Uploads through the Wagtail admin, by editors only."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from h5p import libraries, packages, services
from h5p.models import H5PActivity, H5PLibrary
from tests.factories import AdultFactory, PupilFactory
from tests.h5p.builders import package_files, valid_package, zipped

ADD_URL = "/admin/snippets/h5p/h5pactivity/add/"


def other_package() -> bytes:
    return valid_package(content={"question": "Một câu hỏi khác?", "points": 3})


def library_url(name: str) -> str:
    """The address of a shared library's file, under the current set of libraries."""
    return reverse("h5p_library_file", kwargs={"set_name": libraries.set_name(libraries.installed()), "name": name})


def save(data: bytes, title="Activity") -> H5PActivity:
    return services.activity_save(activity=H5PActivity(title=title), package=packages.check_bytes(data))


def test_h5p_package_is_extracted_under_its_sha256_and_its_libraries_to_the_shared_store(db):
    activity = save(valid_package())
    storage = packages.storage()
    base = f"h5p/{activity.package_sha256}"
    for name in ("h5p.json", "content/content.json", "content/images/picture.png"):
        assert storage.exists(f"{base}/{name}")
    assert not storage.exists(f"{base}/H5P.TestQuestion-1.2/library.json")
    (library,) = H5PLibrary.objects.all()
    assert (str(library), library.stored) == ("H5P.TestQuestion 1.2.3", True)
    assert storage.exists(f"h5p/libraries/{library.digest}/library.json")
    assert storage.exists(f"h5p/libraries/{library.digest}/question.js")


def test_h5p_identical_uploads_are_stored_once(db):
    checked = packages.check_bytes(valid_package())
    assert packages.store(checked) is True
    assert packages.store(checked) is False
    first, second = save(valid_package(), "A"), save(valid_package(), "B")
    assert first.package_sha256 == second.package_sha256
    folders, _files = packages.storage().listdir("h5p")
    assert sorted(folders) == sorted([first.package_sha256, "libraries"])
    assert len(packages.storage().listdir("h5p/libraries")[0]) == 1


def test_h5p_replaced_package_files_go_after_the_change_commits(db, django_capture_on_commit_callbacks):
    activity = save(valid_package())
    old = activity.package_sha256
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.activity_save(activity=activity, package=packages.check_bytes(other_package()))
    # Until the change commits, the old files are still there (a rollback would still need them).
    assert packages.is_stored(old)
    for callback in callbacks:
        callback()
    assert not packages.is_stored(old)
    assert packages.is_stored(activity.package_sha256)


def test_h5p_replaced_package_stays_while_another_activity_uses_it(db, django_capture_on_commit_callbacks):
    first, second = save(valid_package(), "A"), save(valid_package(), "B")
    shared = first.package_sha256
    with django_capture_on_commit_callbacks(execute=True):
        services.activity_save(activity=first, package=packages.check_bytes(other_package()))
    assert packages.is_stored(shared)
    assert H5PActivity.objects.get(pk=second.pk).package_sha256 == shared


def test_h5p_deleted_activity_files_go_when_unused(db, django_capture_on_commit_callbacks):
    activity = save(valid_package())
    sha = activity.package_sha256
    with django_capture_on_commit_callbacks(execute=True):
        services.activity_delete(activity=activity)
    assert not packages.is_stored(sha)
    assert not H5PActivity.objects.exists()


def test_h5p_file_is_served_with_long_cache_and_a_strict_policy(client, db):
    activity = save(valid_package())
    response = client.get(reverse("h5p_file", kwargs={"sha256": activity.package_sha256, "name": "h5p.json"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    script = client.get(library_url("H5P.TestQuestion-1.2/question.js"))
    assert script["Cache-Control"] == "public, max-age=31536000, immutable"
    assert script["Content-Type"] == "text/javascript"
    # Signed in, the package's files (the same for everyone) are still kept a year, unlike pages.
    client.force_login(PupilFactory())
    again = client.get(reverse("h5p_file", kwargs={"sha256": activity.package_sha256, "name": "h5p.json"}))
    assert again["Cache-Control"] == "public, max-age=31536000, immutable"


def test_h5p_text_files_are_sent_compressed_to_a_browser_that_accepts_gzip(client, db):
    import gzip

    files = package_files()
    files["H5P.TestQuestion-1.2/question.js"] = b"H5P.TestQuestion = function () {};\n" * 200
    activity = save(zipped(files))
    url = library_url("H5P.TestQuestion-1.2/question.js")
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == files["H5P.TestQuestion-1.2/question.js"]
    assert len(packed.content) < len(files["H5P.TestQuestion-1.2/question.js"]) / 10
    plain = client.get(url)
    assert not plain.has_header("Content-Encoding")
    assert b"".join(plain.streaming_content) == files["H5P.TestQuestion-1.2/question.js"]
    # Pictures are compressed already: sent as they are.
    picture = client.get(
        reverse("h5p_file", kwargs={"sha256": activity.package_sha256, "name": "content/images/picture.png"}),
        HTTP_ACCEPT_ENCODING="gzip",
    )
    assert not picture.has_header("Content-Encoding")


def test_h5p_file_answers_head_with_its_headers(client, db):
    activity = save(valid_package())
    response = client.head(reverse("h5p_file", kwargs={"sha256": activity.package_sha256, "name": "h5p.json"}))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("name", ["../../settings.py", "content/../../../etc/passwd", "nothing.json", "/etc/passwd"])
def test_h5p_file_outside_the_package_is_not_found(client, db, name):
    activity = save(valid_package())
    response = client.get(f"/h5p/{activity.package_sha256}/{name}")
    assert response.status_code == 404


def test_h5p_files_come_only_from_their_own_origin_when_one_is_set(client, db, settings):
    settings.H5P_CONTENT_ORIGIN = "http://h5p.testserver"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "h5p.testserver"]
    activity = save(valid_package())
    path = reverse("h5p_file", kwargs={"sha256": activity.package_sha256, "name": "h5p.json"})
    assert client.get(path).status_code == 404
    other = client.get(path, HTTP_HOST="h5p.testserver")
    assert other.status_code == 200
    assert other["Access-Control-Allow-Origin"] == "*"
    assert "sandbox" in other["Content-Security-Policy"]
    assert activity.base_url == f"http://h5p.testserver/h5p/{activity.package_sha256}"


# --- The Wagtail admin ---------------------------------------------------------------------------


@pytest.fixture
def editor(db):
    user = AdultFactory(role=Role.EDITOR, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def upload(client, data: bytes, **fields):
    return client.post(
        ADD_URL,
        {
            "title": "Spot the risk",
            "package_file": SimpleUploadedFile("activity.h5p", data),
            **fields,
        },
    )


def test_h5p_editor_uploads_an_activity(client, editor):
    client.force_login(editor)
    response = upload(client, valid_package())
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = H5PActivity.objects.get()
    assert (activity.main_library, activity.uploaded_by, activity.original_filename) == (
        "H5P.TestQuestion 1.2",
        editor,
        "activity.h5p",
    )
    assert packages.is_stored(activity.package_sha256)


def test_h5p_refused_upload_shows_why_and_stores_nothing(client, editor):
    client.force_login(editor)
    files = package_files()
    files["content/steal.js"] = b"alert(1)"
    response = upload(client, zipped(files))
    assert response.status_code == 200
    assert "content/steal.js" in response.content.decode()
    assert not H5PActivity.objects.exists()
    assert not packages.storage().exists("h5p")


def test_h5p_upload_form_needs_a_package_for_a_new_activity(client, editor):
    client.force_login(editor)
    response = client.post(ADD_URL, {"title": "No file"})
    assert response.status_code == 200 and not H5PActivity.objects.exists()


def test_h5p_editor_replaces_the_package_and_keeps_it_when_no_file_is_chosen(client, editor):
    client.force_login(editor)
    activity = save(valid_package())
    edit = f"/admin/snippets/h5p/h5pactivity/edit/{activity.pk}/"
    assert client.post(edit, {"title": "Renamed"}).status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.language) == ("Renamed", "vi")
    old = activity.package_sha256
    response = client.post(edit, {"title": "Renamed", "package_file": SimpleUploadedFile("new.h5p", other_package())})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.package_sha256 != old


@pytest.mark.parametrize(
    "make",
    [
        lambda: PupilFactory(learning_data_consent=True),
        lambda: AdultFactory(role=Role.TEACHER),
        lambda: AdultFactory(role=Role.SOCIAL_WORKER),
        lambda: AdultFactory(role=Role.CAREGIVER),
        lambda: AdultFactory(role=Role.SCHOOL_LEADER),
        lambda: AdultFactory(role=Role.EDITOR, is_staff=True),  # staff, but in no editors' group
    ],
)
def test_h5p_only_editors_may_upload(client, db, make):
    client.force_login(make())
    response = upload(client, valid_package())
    assert response.status_code == 403 or "/accounts/login/" in response["Location"]
    assert not H5PActivity.objects.exists()


def test_h5p_content_origin_serves_nothing_but_packages(client, db, settings):
    settings.H5P_CONTENT_ORIGIN = "http://h5p.testserver"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "h5p.testserver"]
    for path in ("/vi/", "/admin/", "/vi/accounts/login/"):
        assert client.get(path, HTTP_HOST="h5p.testserver").status_code == 404, path
    assert client.get("/vi/accounts/login/").status_code == 200


def test_h5p_folder_of_a_package_is_not_found(client, db):
    activity = save(valid_package())
    assert client.get(f"/h5p/{activity.package_sha256}/content", follow=True).status_code == 404


def test_h5p_deleting_in_the_admin_removes_unused_files(client, editor, django_capture_on_commit_callbacks):
    editor.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(editor)
    activity = save(valid_package())
    sha = activity.package_sha256
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/snippets/h5p/h5pactivity/delete/{activity.pk}/")
    assert response.status_code == 302
    assert not H5PActivity.objects.exists()
    assert not packages.is_stored(sha)


def test_h5p_release_keeps_a_package_an_activity_uses(db):
    activity = save(valid_package())
    assert services.package_release(sha256=activity.package_sha256) == 0
    assert packages.is_stored(activity.package_sha256)


def test_h5p_admin_pages_render_for_an_editor(client, editor, h5p_lesson, h5p_activity):
    client.force_login(editor)
    for url in (
        "/admin/snippets/h5p/h5pactivity/",
        ADD_URL,
        f"/admin/snippets/h5p/h5pactivity/edit/{h5p_activity.pk}/",
        f"/admin/pages/{h5p_lesson.pk}/edit/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    listing = client.get("/admin/snippets/h5p/h5pactivity/").content.decode()
    assert "Spot the risk" in listing and "H5P.TestQuestion 1.2" in listing
