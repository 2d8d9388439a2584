"""Real published H5P exports (`../shared/h5p-corpus/`, beside the project here and in CI)
uploaded through the Wagtail admin as an editor would, expecting what an H5P platform
(h5p-php-library, Lumi's h5p-server) does with each: all six are accepted. Skips, saying so,
where the folder is missing. Playing them in Chromium: tests/browser/test_h5p_policy.py."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import Locale

from accounts.models import Role
from h5p import packages
from h5p.models import H5PActivity
from tests.factories import AdultFactory

CORPUS = Path(settings.BASE_DIR).parent / "shared" / "h5p-corpus"
# file: the main library an H5P platform reports for it
ACCEPTED = {
    "tunapanda__h5p-test.h5p": "H5P.TrueFalse 1.6",
    "lumi__test_data_example-packages_H5P.DragText.h5p": "H5P.DragText 1.8",
    "dthies__question-set-616.h5p": "H5P.QuestionSet 1.17",
    "lumi__packages_h5p-server_test_data_packages_greetingcard1.h5p": "H5P.GreetingCard1 1.0",
    "lumi__packages_h5p-examples_test_data_problem-cases_interactive-content-2260.h5p": "H5P.Column 1.12",
    "albasha__questionnaire_igo-20cc9a8b.h5p": "H5P.Questionnaire 1.3",
}


@pytest.mark.parametrize("name", list(ACCEPTED))
def test_h5p_published_export_is_accepted_through_the_admin(client, db, h5p_storage, name):
    if not (CORPUS / name).exists():
        pytest.skip(f"The H5P corpus is not at {CORPUS}: nothing to upload.")
    Locale.objects.get_or_create(language_code="en")
    editor = AdultFactory(role=Role.EDITOR, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    response = client.post(
        "/admin/snippets/h5p/h5pactivity/add/?locale=en",
        {
            "title": name[:100],
            "package_file": SimpleUploadedFile(name, (CORPUS / name).read_bytes()),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    activity = H5PActivity.objects.get()
    assert (activity.main_library, activity.language) == (ACCEPTED[name], "en")
    assert activity.is_playable() and packages.storage().exists(f"{packages.folder(activity.package_sha256)}/h5p.json")
