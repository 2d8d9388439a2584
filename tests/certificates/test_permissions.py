"""Who may see what: the holder downloads their own PDF; nobody else gets it by its id (404),
visitors are sent to log in; the admin's views need the certificates permission."""

import io
import zipfile
from html import unescape

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import translation

from accounts.models import Role
from certificates.models import Certificate, CertificateExport
from tests.factories import AdultFactory, PupilFactory

from .conftest import finish

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(cert_course, worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        finish(worker, cert_course)
    return Certificate.objects.get(holder=worker)


def superuser():
    return AdultFactory(is_staff=True, is_superuser=True, role=Role.EDITOR)


ROLES = {
    "holder": lambda worker: worker,
    "other adult": lambda worker: AdultFactory(role=Role.SOCIAL_WORKER),
    "teacher": lambda worker: AdultFactory(role=Role.TEACHER),
    "pupil": lambda worker: PupilFactory(learning_data_consent=True),
    "editor without the permission": lambda worker: AdultFactory(is_staff=True, role=Role.EDITOR),
    "superuser": lambda worker: superuser(),
}
PDF_STATUS = {
    "holder": 200,
    "other adult": 404,
    "teacher": 404,
    "pupil": 404,
    "editor without the permission": 404,
    "superuser": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_holder_downloads_the_pdf_from_my_certificates(client, certificate, worker, role):
    client.force_login(ROLES[role](worker))
    response = client.get(f"/vi/certificates/{certificate.pk}/pdf/")
    assert response.status_code == PDF_STATUS[role]
    mine = client.get("/vi/certificates/").content.decode()
    assert (certificate.display_code in mine) == (role == "holder")


def test_visitors_are_sent_to_log_in(client, certificate):
    for path in ["/vi/certificates/", f"/vi/certificates/{certificate.pk}/pdf/"]:
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_claiming_takes_only_a_certificate_course_and_never_for_a_pupil(client, cert_course, course):
    pupil = PupilFactory(learning_data_consent=True)
    client.force_login(pupil)
    assert client.post(f"/vi/certificates/claim/{cert_course.pk}/").status_code == 404
    client.force_login(AdultFactory())
    assert client.post("/vi/certificates/claim/999999/").status_code == 404
    assert client.get(f"/vi/certificates/claim/{cert_course.pk}/").status_code == 405


ADMIN_ROLES = {
    "holder": (lambda worker: worker, False),
    "teacher": (lambda worker: AdultFactory(role=Role.TEACHER), False),
    "editor without the permission": (lambda worker: AdultFactory(is_staff=True, role=Role.EDITOR), False),
    "superuser": (lambda worker: superuser(), True),
}


def certificate_managers():
    group = Group.objects.create(name="Certificate managers")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="change_certificate"),
    )
    user = AdultFactory(is_staff=True, role=Role.EDITOR)
    user.groups.add(group)
    return user


ADMIN_ROLES["certificate manager"] = (lambda worker: certificate_managers(), True)


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_revoking_and_redrawing_need_the_certificates_permission(client, certificate, worker, role):
    make, allowed = ADMIN_ROLES[role]
    client.force_login(make(worker))
    response = client.post(f"/admin/certificates-admin/{certificate.pk}/revoke/", {"reason": "Cấp nhầm"})
    certificate.refresh_from_db()
    assert (certificate.revoked_at is not None) == allowed
    assert response.status_code in ((302,) if allowed else (302, 403))
    pdf = client.get(f"/admin/certificates-admin/{certificate.pk}/pdf/")
    assert (pdf.status_code == 200) == allowed


def test_the_admin_lists_filters_and_shows_a_certificate(client, certificate):
    client.force_login(superuser())
    listing = client.get("/admin/certificates/").content.decode()
    assert certificate.display_code in listing
    assert certificate.display_code not in client.get("/admin/certificates/?status=revoked").content.decode()
    assert (
        certificate.display_code
        in client.get(f"/admin/certificates/?course_key={certificate.course_key}").content.decode()
    )
    page = client.get(f"/admin/certificates/inspect/{certificate.pk}/")
    assert page.status_code == 200 and certificate.holder_name in page.content.decode()
    # Certificates are issued, never typed in: the admin has no page to add or edit one.
    assert client.get("/admin/certificates/new/", follow=True).status_code == 404
    assert client.get(f"/admin/certificates/edit/{certificate.pk}/", follow=True).status_code == 404


def test_a_revoke_without_a_reason_is_refused_with_a_message(client, certificate):
    client.force_login(superuser())
    response = client.post(f"/admin/certificates-admin/{certificate.pk}/revoke/", {"reason": " "}, follow=True)
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    with translation.override("vi"):
        expected = translation.gettext("Give a reason for revoking: the holder sees it, and it is kept here.")
    assert expected != "Give a reason for revoking: the holder sees it, and it is kept here."
    assert expected in unescape(response.content.decode())


def test_a_zip_of_a_courses_certificates_is_built_by_a_task(
    client, certificate, cert_course, django_capture_on_commit_callbacks
):
    other = AdultFactory(role=Role.SOCIAL_WORKER)
    with django_capture_on_commit_callbacks(execute=True):
        finish(other, cert_course)
    client.force_login(superuser())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/certificates-admin/export/?course_key={certificate.course_key}")
    assert response.status_code == 302
    export = CertificateExport.objects.get()
    assert export.state == "ready"
    download = client.get(f"/admin/certificates-admin/exports/{export.pk}/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = sorted(archive.namelist())
    assert names == sorted(f"{c.display_code}.pdf" for c in Certificate.objects.all())
    assert all(archive.read(name).startswith(b"%PDF") for name in names)


def test_the_template_preview_shows_the_pdf(client, db):
    from wagtail.models import Locale

    from certificates.models import CertificateTemplate

    template = CertificateTemplate.objects.create(
        locale=Locale.objects.get_or_create(language_code="vi")[0],
        name="Mặc định",
        title="Giấy chứng nhận",
        text="{name}",
    )
    client.force_login(superuser())
    base = f"/admin/snippets/certificates/certificatetemplate/preview/{template.pk}/"
    data = {"name": "Mặc định", "title": "Giấy chứng nhận", "text": "{name} đã xong", "locale": template.locale_id}
    assert client.post(base, data).json()["is_valid"]
    pdf = client.get(base, {"mode": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    page = client.get(base, {"mode": ""})
    assert "Nguyễn Thị Hồng Nhung" in page.content.decode()


def test_the_admin_search_finds_a_code_as_printed(client, certificate):
    client.force_login(superuser())
    found = client.get("/admin/certificates/", {"q": certificate.display_code.lower()}).content.decode()
    assert certificate.holder_name in found


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_exports_and_redrawing_need_the_certificates_permission(
    client, certificate, worker, role, django_capture_on_commit_callbacks
):
    make, allowed = ADMIN_ROLES[role]
    client.force_login(make(worker))
    drawn_at = certificate.pdf_rendered_at
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/certificates-admin/export/")
        client.post(f"/admin/certificates-admin/{certificate.pk}/regenerate/")
    assert CertificateExport.objects.exists() == allowed
    certificate.refresh_from_db()
    assert (certificate.pdf_rendered_at != drawn_at) == allowed
    listing = client.get("/admin/certificates-admin/exports/")
    assert (listing.status_code == 200) == allowed
    if CertificateExport.objects.exists():
        export = CertificateExport.objects.get()
        assert export.state == "ready" and "exports/certificates-" in export.file.name
        assert export.file.name.rsplit("/", 1)[-1] != f"certificates-{export.pk}.zip"  # a random name, not a counter


def test_the_admin_filters_certificates_by_the_holders_school(client, certificate):
    """The school filter (added by the site shell, which joins the two apps) lists the
    certificates of that school's approved members only."""
    from schools.services import school_create

    theirs = school_create(founder=certificate.holder, name="Trường THCS Nguyễn Du", province="ha-noi", kind="school")
    other = school_create(founder=AdultFactory(), name="Trung tâm Công tác xã hội", province="ha-noi", kind="agency")
    client.force_login(superuser())
    listing = client.get("/admin/certificates/").content.decode()
    assert "Trung tâm Công tác xã hội" in listing  # the filter's choices
    assert certificate.display_code in client.get(f"/admin/certificates/?school={theirs.pk}").content.decode()
    assert certificate.display_code not in client.get(f"/admin/certificates/?school={other.pk}").content.decode()
