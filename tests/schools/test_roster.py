"""Adding pupils: the dry run explains every bad row and writes nothing; confirming writes all."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from schools.roster import plan_from_csv, plan_from_text


@pytest.fixture(autouse=True)
def english():
    """Messages made outside a request come in the active language; read them in English here."""
    with translation.override("en"):
        yield


def test_pasted_names_are_cleaned_and_blank_lines_skipped():
    plan = plan_from_text("  Nguyễn   Văn An \n\nTrần Thị Bình\n", existing_names=set())
    assert plan.ok
    assert [row.name for row in plan.rows] == ["Nguyễn Văn An", "Trần Thị Bình"]


def test_each_bad_line_says_what_to_do():
    text = "An\nan\nbinh@example.com\nChâu 0912 345 678\n" + "x" * 101
    plan = plan_from_text(text, existing_names={"Dũng"})
    assert not plan.ok
    errors = {row.line: " ".join(row.errors) for row in plan.rows}
    assert "line 1" in errors[2]
    assert "no e-mail address, phone number" in errors[3]
    assert "no e-mail address, phone number" in errors[4]
    assert "longer than 100" in errors[5]
    assert plan_from_text("Dũng", existing_names={"dũng"}).rows[0].errors


def test_csv_with_bom_and_semicolons_is_read():
    data = "\ufeffname;sign_in\nNguyễn Văn An;pin\nTrần Thị Bình;\n".encode()
    plan = plan_from_csv(data, existing_names=set())
    assert plan.ok, plan.errors
    assert [(r.name, r.sign_in) for r in plan.rows] == [("Nguyễn Văn An", "pin"), ("Trần Thị Bình", "")]


def test_csv_refuses_other_columns_and_other_encodings():
    assert "birth" in plan_from_csv(b"name,birth_date\nAn,2015-01-01\n", existing_names=set()).errors[0]
    assert "UTF-8" in plan_from_csv("name\nLê Hà\n".encode("cp1258"), existing_names=set()).errors[0]
    assert "name" in plan_from_csv(b"ten\nAn\n", existing_names=set()).errors[0]
    bad_kind = plan_from_csv(b"name,sign_in\nAn,password\n", existing_names=set())
    assert "pictures" in bad_kind.rows[0].errors[0]


def test_dry_run_writes_nothing_and_confirm_adds_everyone(client, leader, classroom):
    client.force_login(leader)
    url = reverse("schools:roster_add", args=[classroom.pk])
    preview = client.post(url, {"names": "Nguyễn Văn An\nTrần Thị Bình"})
    assert preview.status_code == 200
    assert User.objects.filter(role="pupil").count() == 0
    html = preview.content.decode()
    assert "Nguyễn Văn An" in html and 'name="confirm"' in html
    done = client.post(url, {"confirm": "1", "source": "text", "payload": "Nguyễn Văn An\nTrần Thị Bình"})
    assert done.status_code == 302
    pupils = User.objects.filter(role="pupil", memberships__classroom=classroom)
    assert sorted(p.display_name for p in pupils) == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert all(p.pupil_credential.kind == "pictures" and not p.email for p in pupils)


def test_a_list_with_errors_cannot_be_confirmed_and_loses_nothing(client, leader, classroom, pupils):
    client.force_login(leader)
    url = reverse("schools:roster_add", args=[classroom.pk])
    before = User.objects.filter(role="pupil").count()
    preview = client.post(url, {"names": "Mai\nNguyễn Văn An"})  # the second is already in the class
    assert preview.status_code == 400
    assert 'name="confirm"' not in preview.content.decode()
    forced = client.post(url, {"confirm": "1", "source": "text", "payload": "Mai\nNguyễn Văn An"})
    assert forced.status_code == 400
    assert User.objects.filter(role="pupil").count() == before
    # The teacher's text comes back to be corrected.
    assert "Mai" in forced.content.decode()


def test_uploaded_csv_goes_through_the_same_dry_run(client, leader, classroom):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(leader)
    upload = SimpleUploadedFile("lop.csv", "name,sign_in\nLê Thu Hà,pin\n".encode(), content_type="text/csv")
    preview = client.post(reverse("schools:roster_add", args=[classroom.pk]), {"csv_file": upload})
    assert preview.status_code == 200
    payload = preview.context["payload"]
    client.post(
        reverse("schools:roster_add", args=[classroom.pk]), {"confirm": "1", "source": "csv", "payload": payload}
    )
    assert User.objects.get(display_name="Lê Thu Hà").pupil_credential.kind == "pin"


def test_names_are_listed_as_a_vietnamese_class_list_is(client, classroom):
    from schools import services
    from schools.selectors import sorted_pupils

    names = "Trần Thị Ánh\nNguyễn Văn An\nLê Minh Đức\nPhạm Dũng\nVũ Ân\nĐỗ Bình\nBùi Ăn"
    services.roster_import(classroom=classroom, plan=plan_from_text(names, existing_names=set()))
    pupils = User.objects.filter(role="pupil")
    assert [p.display_name for p in sorted_pupils(pupils)] == [
        "Nguyễn Văn An",
        "Trần Thị Ánh",
        "Bùi Ăn",
        "Vũ Ân",
        "Đỗ Bình",
        "Phạm Dũng",
        "Lê Minh Đức",
    ]


# --- Hostile and look-alike input -------------------------------------------------------------

NFD_NAME = "Nguye\u0302\u0303n An"  # "Nguyễn An" typed as e + two combining marks


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("An\x00", "U+0000"),
        ("An\u200bBình", "U+200B ZERO WIDTH SPACE"),
        ("Anna\u202egnp.exe", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("\ufeffMai", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ],
)
def test_names_with_invisible_characters_are_refused_with_the_characters_named(name, named):
    row = plan_from_text(name, existing_names=set()).rows[0]
    assert any(named in error and "do not show on screen" in error for error in row.errors), row.errors


def test_two_unicode_spellings_of_one_name_are_one_name():
    plan = plan_from_text(f"Nguyễn An\n{NFD_NAME}", existing_names=set())
    assert plan.rows[1].name == "Nguyễn An"  # stored composed (NFC)
    assert "line 1" in " ".join(plan.rows[1].errors)
    assert plan_from_text(NFD_NAME, existing_names={"Nguyễn An"}).rows[0].errors
    assert plan_from_text("Nguyễn An", existing_names={NFD_NAME}).rows[0].errors


def test_a_csv_quote_left_open_is_refused_with_its_line_not_merged():
    data = b'name\nAn\n"Binh\nChau\nDung\n'
    plan = plan_from_csv(data, existing_names=set())
    assert not plan.ok and not plan.rows
    assert "Line 3" in plan.errors[0] and "quotation mark" in plan.errors[0]
    closed = plan_from_csv(b'name\n"Nguyen, An"\nBinh\n', existing_names=set())
    assert closed.ok and [row.name for row in closed.rows] == ["Nguyen, An", "Binh"]


def test_a_paste_longer_than_a_class_list_is_refused_before_it_is_read(client, leader, classroom):
    client.force_login(leader)
    url = reverse("schools:roster_add", args=[classroom.pk])
    huge = "\n".join(f"Nguyễn Văn An {number}" for number in range(60_000))
    for data in ({"names": huge}, {"confirm": "1", "source": "text", "payload": huge}):
        response = client.post(url, data)
        assert response.status_code == 400
        assert "paste at most 60 names at a time" in response.content.decode()
        assert len(response.content) < 100_000
    assert not User.objects.filter(role="pupil").exists()


def test_a_nul_byte_or_a_second_line_in_a_rename_is_refused_not_a_500(client, leader, classroom, pupil):
    client.force_login(leader)
    url = reverse("schools:pupil_detail", args=[classroom.pk, pupil.pk])
    for name in ("An\x00", "An\nBình", "An\u202e"):
        response = client.post(url, {"action": "rename", "name": name}, follow=True)
        assert response.status_code == 200
        pupil.refresh_from_db()
        assert pupil.display_name == "Nguyễn Văn An"
    confirm = client.post(
        reverse("schools:roster_add", args=[classroom.pk]), {"confirm": "1", "source": "text", "payload": "Mai\x00"}
    )
    assert confirm.status_code == 400


def test_unicode_line_separators_inside_a_name_are_refused_not_taken_as_new_lines():
    plan = plan_from_text("An\u2028na\nBình\x0bMai", existing_names=set())
    assert len(plan.rows) == 2
    assert "U+2028 LINE SEPARATOR" in " ".join(plan.rows[0].errors)
    assert "U+000B" in " ".join(plan.rows[1].errors)
