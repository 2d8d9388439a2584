"""Libraries are kept once for the whole site (h5p.libraries): two packages carrying the same
library store it once, and their players load it from one address, so a lesson with several
activities downloads it once; the highest patch of a major.minor is the one played, as on any
H5P platform; a package stored before libraries were shared still plays from its own folder."""

import copy
import io
import json

from django.urls import reverse

from h5p import libraries, packages, services
from h5p.models import H5PActivity, H5PLibrary, H5PPackage
from tests.h5p.builders import LIBRARY, package_files, valid_package, zipped
from tests.h5p.conftest import embed
from tests.h5p.test_h5p_results import config_of, player_of


def save(data: bytes, title="Activity") -> H5PActivity:
    return services.activity_save(activity=H5PActivity(title=title), package=packages.check_bytes(data))


def with_patch(patch: int, script: bytes) -> bytes:
    files = package_files(library={**copy.deepcopy(LIBRARY), "patchVersion": patch})
    files["H5P.TestQuestion-1.2/question.js"] = script
    files["content/content.json"] = f'{{"question": "Phiên bản {patch}?", "points": 1}}'.encode()
    return zipped(files)


def library_file(client, set_name: str, name: str):
    return client.get(reverse("h5p_library_file", kwargs={"set_name": set_name, "name": name}))


def test_h5p_two_packages_with_one_library_store_it_once_and_load_it_from_one_address(client, lessons, learner):
    first = save(valid_package(), "Một")
    second = save(valid_package(content={"question": "Câu khác?", "points": 3}), "Hai")
    assert first.package_sha256 != second.package_sha256
    assert H5PLibrary.objects.count() == 1
    assert len(packages.storage().listdir("h5p/libraries")[0]) == 1
    lesson = embed(embed(lessons[0], first), second)
    client.force_login(learner)
    paths = {config_of(player_of(client, lesson, activity))["options"]["librariesPath"] for activity in (first, second)}
    (path,) = paths  # one address for both players
    response = client.get(f"{path}/H5P.TestQuestion-1.2/question.js")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


def test_h5p_the_highest_patch_of_a_library_is_played_by_every_package(client, db):
    old = save(with_patch(3, b"/* patch 3 */"), "Cũ")
    save(with_patch(5, b"/* patch 5 */"), "Mới")
    save(with_patch(4, b"/* patch 4 */"), "Giữa")  # stored, but not the one played
    assert sorted(H5PLibrary.objects.values_list("patch", flat=True)) == [3, 4, 5]
    set_name = libraries.set_name(libraries.installed())
    response = library_file(client, set_name, "H5P.TestQuestion-1.2/question.js")
    assert b"".join(response.streaming_content) == b"/* patch 5 */"
    assert old.libraries_url.endswith(set_name)


def test_h5p_a_library_address_under_an_older_set_is_answered_but_not_kept(client, db):
    save(with_patch(3, b"/* patch 3 */"))
    before = libraries.set_name(libraries.installed())
    save(with_patch(5, b"/* patch 5 */"))
    after = libraries.set_name(libraries.installed(cached=False))
    assert before != after
    stale = library_file(client, before, "H5P.TestQuestion-1.2/question.js")
    assert stale.status_code == 200 and stale["Cache-Control"] == "no-cache"
    assert b"".join(stale.streaming_content) == b"/* patch 5 */"


def test_h5p_library_addresses_refuse_what_is_not_a_stored_library_file(client, db):
    save(valid_package())
    set_name = libraries.set_name(libraries.installed())
    for name in (
        "H5P.Unknown-1.0/library.json",
        "H5P.TestQuestion-1.2/missing.js",
        "H5P.TestQuestion-1.2/../../h5p.json",
        "H5P.TestQuestion-1.2",
    ):
        assert library_file(client, set_name, name).status_code == 404, name
    head = client.head(
        reverse("h5p_library_file", kwargs={"set_name": set_name, "name": "H5P.TestQuestion-1.2/question.js"})
    )
    assert head.status_code == 200 and head["Content-Type"] == "text/javascript"


def legacy_activity() -> H5PActivity:
    """An activity whose package was stored the way it was before libraries were shared: every
    file, libraries too, under the package's folder."""
    from django.core.files.base import ContentFile

    checked = packages.check_bytes(valid_package())
    storage = packages.storage()
    for name, data in package_files().items():
        storage.save(f"{packages.folder(checked.sha256)}/{name}", ContentFile(data))
    return H5PActivity.objects.create(
        title="Cũ", package=H5PPackage.objects.create(sha256=checked.sha256), main_library=checked.main_library
    )


def test_h5p_a_package_stored_before_libraries_were_shared_plays_from_its_own_folder(client, db):
    activity = legacy_activity()
    assert activity.libraries_url == activity.base_url
    response = client.get(f"{activity.libraries_url}/H5P.TestQuestion-1.2/question.js")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == package_files()["H5P.TestQuestion-1.2/question.js"]


def test_h5p_packages_stored_before_libraries_were_shared_are_moved_by_a_command(db):
    from django.core.management import call_command

    activity = legacy_activity()
    checked = packages.check_bytes(valid_package())
    storage = packages.storage()

    call_command("h5p_share_libraries", stdout=io.StringIO())
    call_command("h5p_share_libraries", stdout=io.StringIO())  # twice: nothing more to do

    activity.refresh_from_db()
    assert activity.package.shared_libraries and activity.libraries_url != activity.base_url
    (library,) = H5PLibrary.objects.all()
    assert storage.exists(f"{libraries.folder_of(library.digest)}/question.js")
    assert not storage.exists(f"{packages.folder(checked.sha256)}/H5P.TestQuestion-1.2/question.js")
    assert storage.exists(f"{packages.folder(checked.sha256)}/content/content.json")


def test_h5p_a_store_rolled_back_halfway_is_completed_by_the_next_upload(client, db):
    from django.db import transaction

    checked = packages.check_bytes(valid_package())
    try:
        with transaction.atomic():
            packages.store(checked)  # files written, then the rows vanish with the transaction
            raise RuntimeError("the worker died")
    except RuntimeError:
        pass
    assert not H5PLibrary.objects.exists()
    activity = save(valid_package())
    assert activity.package.shared_libraries and H5PLibrary.objects.filter(stored=True).count() == 1
    set_name = libraries.set_name(libraries.installed())
    assert library_file(client, set_name, "H5P.TestQuestion-1.2/question.js").status_code == 200


def test_h5p_a_library_in_a_folder_of_another_name_is_refused(db):
    import pytest
    from django.core.exceptions import ValidationError

    files = package_files()
    files["Whatever/library.json"] = json.dumps({**LIBRARY, "patchVersion": 99}).encode()
    with pytest.raises(ValidationError) as refused:
        packages.check_bytes(zipped(files))
    message = refused.value.messages[0]
    assert "Whatever" in message and "H5P.TestQuestion-1.2" in message
    assert not H5PLibrary.objects.exists()


def test_h5p_a_damaged_file_in_the_package_is_refused_when_checked(db):
    import pytest
    from django.core.exceptions import ValidationError

    files = package_files()
    files["content/images/picture.png"] = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    data = bytearray(zipped(files, compresslevel=0))
    at = data.index(bytes(range(256)))
    data[at + 10] ^= 0xFF  # one flipped byte: the checksum no longer matches
    with pytest.raises(ValidationError) as refused:
        packages.check_bytes(bytes(data))
    assert "content/images/picture.png" in refused.value.messages[0]


def test_h5p_a_library_goes_when_the_last_package_using_it_is_released(client, db):
    broken = save(with_patch(9, b"/* a broken build */"), "Hỏng")
    good = save(with_patch(3, b"/* patch 3 */"), "Tốt")
    set_name = libraries.set_name(libraries.installed(cached=False))
    served = library_file(client, set_name, "H5P.TestQuestion-1.2/question.js")
    assert b"".join(served.streaming_content) == b"/* a broken build */"
    # The editor deletes the activity whose package brought the broken library.
    services.activity_delete(activity=broken)
    services.package_release(sha256=broken.package_sha256)
    assert list(H5PLibrary.objects.values_list("patch", flat=True)) == [3]
    set_name = libraries.set_name(libraries.installed(cached=False))
    served = library_file(client, set_name, "H5P.TestQuestion-1.2/question.js")
    assert b"".join(served.streaming_content) == b"/* patch 3 */"
    assert good.package.libraries.count() == 1
