"""The PDF: one A4 landscape page whose text (as pdftotext reads it) holds the name and the
course with every diacritic, the date written out in the certificate's language, and the code;
rendered once at issue and stored."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from wagtail.models import Locale

from certificates import tasks
from certificates.models import Certificate, CertificateTemplate
from certificates.pdf import certificate_pdf

from .conftest import HOLDER, finish, pdf_pages, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("poppler")]

ISSUED = datetime(2026, 11, 23, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def certificate(cert_course, worker):
    finish(worker, cert_course)
    certificate = Certificate.objects.get(holder=worker)
    Certificate.objects.filter(pk=certificate.pk).update(issued_at=ISSUED)
    certificate.refresh_from_db()
    return certificate


def test_the_pdf_reads_the_name_course_vietnamese_date_and_code(certificate, tmp_path):
    data = certificate_pdf(certificate)
    text = " ".join(pdf_text(data, tmp_path).split())
    assert HOLDER in text
    assert " ".join(certificate.course_title.split()) in text
    assert "ngày 23 tháng 11 năm 2026" in text
    assert certificate.display_code in text
    assert pdf_pages(data, tmp_path) == 1


def test_the_page_is_a4_landscape_with_the_fonts_embedded(certificate, tmp_path):
    import subprocess

    path = tmp_path / "c.pdf"
    path.write_bytes(certificate_pdf(certificate))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "841.89 x 595.276 pts (A4)" in info
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes yes yes " in line for line in fonts)  # embedded, subset, with Unicode map


def test_an_english_certificate_has_an_english_date(en_cert_course, worker, tmp_path):
    finish(worker, en_cert_course)
    certificate = Certificate.objects.get(holder=worker)
    Certificate.objects.filter(pk=certificate.pk).update(issued_at=ISSUED)
    certificate.refresh_from_db()
    text = " ".join(pdf_text(certificate_pdf(certificate), tmp_path).split())
    assert "November 23, 2026" in text and "Certificate of completion" in text


def test_a_very_long_name_and_title_still_fit_on_one_page(certificate, tmp_path):
    certificate.holder_name = ("Nguyễn Thị Phương Thảo Hoàng Lê Minh Khuê Ỷ Lan Đoàn Thị Điểm " * 5)[:200]
    certificate.course_title = ("Ứng phó với bóc lột và xâm hại tình dục trẻ em trên môi trường mạng " * 5)[:255]
    certificate.holder_name = certificate.holder_name[:180] + " O'Brien-Zoë 中文 \U0001d518"
    data = certificate_pdf(certificate)
    assert pdf_pages(data, tmp_path) == 1
    assert "Đoàn Thị Điểm" in " ".join(pdf_text(data, tmp_path).split())


def test_the_course_template_wording_and_signatory_are_used(certificate, tmp_path):
    vi = Locale.objects.get(language_code="vi")
    CertificateTemplate.objects.create(
        locale=vi, name="Mặc định", title="Giấy chứng nhận", text="chung cho mọi khóa", signatory_name="Người ký chung"
    )
    CertificateTemplate.objects.create(
        locale=vi,
        name="Tuyến đầu",
        course=certificate.course,
        title="Chứng nhận tập huấn",
        text="đã học {hours} giờ và hoàn thành vào {date}",
        signatory_name="Bà Lê Thị Hạnh",
        signatory_title="Giám đốc chương trình",
    )
    text = " ".join(pdf_text(certificate_pdf(certificate), tmp_path).split())
    assert "Chứng nhận tập huấn" in text
    assert "hoàn thành vào ngày 23 tháng 11 năm 2026" in text
    assert "Bà Lê Thị Hạnh" in text and "Giám đốc chương trình" in text
    assert "chung cho mọi khóa" not in text


def test_a_template_with_an_unknown_placeholder_is_refused_with_what_to_fix(db):
    from django.core.exceptions import ValidationError

    template = CertificateTemplate(
        locale=Locale.objects.get_or_create(language_code="vi")[0], name="x", title="Chứng nhận", text="{ten} xong"
    )
    with pytest.raises(ValidationError) as error:
        template.full_clean()
    assert "{ten}" in str(error.value)


def test_the_pdf_is_rendered_once_and_later_downloads_serve_the_stored_file(
    cert_course, worker, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        finish(worker, cert_course)
    certificate = Certificate.objects.get(holder=worker)
    stored = certificate.pdf.read()
    rendered_at = certificate.pdf_rendered_at
    assert stored.startswith(b"%PDF")

    assert tasks.render_certificate_pdf.call(certificate.pk) is False  # already rendered: kept
    client.force_login(worker)
    response = client.get(f"/vi/certificates/{certificate.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == stored
    certificate.refresh_from_db()
    assert certificate.pdf_rendered_at == rendered_at


def test_regenerating_draws_a_new_file_and_removes_the_old_one(cert_course, worker, django_capture_on_commit_callbacks):
    from certificates import services

    with django_capture_on_commit_callbacks(execute=True):
        finish(worker, cert_course)
    certificate = Certificate.objects.get(holder=worker)
    old_name, storage = certificate.pdf.name, certificate.pdf.storage
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_regenerate(certificate=certificate)
    certificate.refresh_from_db()
    assert certificate.pdf.name != old_name and storage.exists(certificate.pdf.name)
    assert not storage.exists(old_name)


def test_a_pdf_lost_before_rendering_is_drawn_on_first_download(cert_course, worker, client):
    finish(worker, cert_course)  # on-commit callbacks do not run here: nothing rendered yet
    certificate = Certificate.objects.get(holder=worker)
    assert not certificate.pdf
    client.force_login(worker)
    response = client.get(f"/vi/certificates/{certificate.pk}/pdf/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_expiry_is_printed_on_the_certificate(certificate, tmp_path):
    certificate.expires_on = date(2028, 11, 23)
    text = " ".join(pdf_text(certificate_pdf(certificate), tmp_path).split())
    assert "ngày 23 tháng 11 năm 2028" in text


def test_the_pdf_and_exports_live_in_private_storage_with_no_public_url(
    cert_course, worker, settings, django_capture_on_commit_callbacks
):
    from pathlib import Path

    with django_capture_on_commit_callbacks(execute=True):
        finish(worker, cert_course)
    certificate = Certificate.objects.get(holder=worker)
    path = Path(certificate.pdf.path)
    assert path.is_relative_to(settings.PRIVATE_MEDIA_ROOT) and not path.is_relative_to(settings.MEDIA_ROOT)
    with pytest.raises(ValueError):
        _ = certificate.pdf.url


def test_the_longest_texts_the_fields_allow_stay_clear_of_the_code_and_qr(certificate, tmp_path):
    """Name, course and template text at their maximum lengths: one page, and the course title
    ends above the code and verification link at the foot."""
    import re
    import subprocess

    CertificateTemplate.objects.create(
        locale=Locale.objects.get(language_code="en"),
        name="Long",
        title="Certificate of completion of the training",
        text=("completed this course, {hours} hours of study, on {date}; " + "and more words to read " * 30)[:600],
    )
    certificate.language = "en"
    certificate.holder_name = ("Nguyễn Thị Phương Thảo Hoàng Lê Minh Khuê Ỷ Lan " * 6)[:200]
    certificate.course_title = ("Responding to online child sexual exploitation and abuse, " * 6)[:250] + " Endword"
    data = certificate_pdf(certificate)
    assert pdf_pages(data, tmp_path) == 1
    path = tmp_path / "long.pdf"
    path.write_bytes(data)
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    words = [
        (float(y_min), float(y_max), word)
        for y_min, y_max, word in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)<', html)
    ]
    course_bottom = max(y_max for _y_min, y_max, word in words if word == "Endword")
    # pdftotext may cut the letter-spaced code in two ("6TWQ", "-16Z8-8BDV"): take its parts.
    foot_top = min(y_min for y_min, _y_max, word in words if len(word) >= 4 and word in certificate.display_code)
    assert course_bottom < foot_top - 20  # points: the QR code's top sits about 10 points above the code
