"""The classroom kit of a pupil module (issue 18, item 2): its fields, read from the curriculum
files and edited in Wagtail; the 35-minute plan scaled from the 45-minute one; three PDFs in the
reader's language; the family page without sign-in; and the curriculum check's kit rules."""

import copy
import subprocess
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.models import Page

from courses import curriculum
from courses.curriculum import Module, content_problems, kit_problems, read_module
from courses.kit import scale_minutes
from courses.models import CoursePage
from tests.certificates.conftest import pdf_text, poppler  # noqa: F401
from tests.conftest import FIXTURE_MODULE

pytestmark = pytest.mark.django_db


def text_of(data: bytes, tmp_path) -> str:
    """The PDF's words as pdftotext reads them, with runs of spaces and line ends made one space."""
    assert data.startswith(b"%PDF")
    return " ".join(pdf_text(data, tmp_path).split())


def page_size(data: bytes, tmp_path) -> str:
    path = tmp_path / "size.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return next(line for line in info.splitlines() if line.startswith("Page size:"))


# --- The fields, from the curriculum files --------------------------------------------------


def test_the_loader_reads_the_kit_into_the_course_in_both_languages(course, en_course):
    assert [b.value["minutes"] for b in course.kit_activities] == [5, 12, 10, 13, 5]
    assert course.kit_activities[0].value["title"] == "Khởi động"
    assert en_course.kit_activities[0].value["title"] == "Warm-up"
    materials = [str(b.value) for b in en_course.kit_materials]
    assert materials == ["A projector or TV", "A printed worksheet for each pupil"]
    assert course.kit_younger.startswith("Đọc to") and en_course.kit_older.startswith("Ask pupils")
    tasks = [b.value for b in en_course.kit_worksheet]
    assert list(tasks[0]["choices"]) == ["Your home address", "Your favourite colour", "The name of your school"]
    assert [bool(t["draw"]) for t in tasks] == [False, True, False]
    assert en_course.kit_family_learned.startswith("Dear families")
    assert len(course.kit_at_home) == 3 and len(en_course.kit_at_home) == 3
    assert course.has_kit and en_course.has_kit


def test_a_module_without_a_kit_still_loads(tmp_path):
    folder = tmp_path / "10-no-kit"
    folder.mkdir()
    for language in ("vi", "en"):
        data = yaml.safe_load((FIXTURE_MODULE / f"{language}.yaml").read_text(encoding="utf-8"))
        del data["kit"]
        (folder / f"{language}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    module = read_module(folder)
    assert "kit" not in module.data["vi"]


# --- clean(): what an editor is told ---------------------------------------------------------


@pytest.fixture
def english():
    translation.activate("en")  # the autouse fixture puts Vietnamese back afterwards


def test_minutes_must_add_up_to_45(course, english):
    course.kit_activities[0].value["minutes"] = 9
    with pytest.raises(ValidationError) as error:
        course.full_clean()
    assert "add up to 49 minutes" in str(error.value.message_dict["kit_activities"])


def test_every_activity_has_at_least_two_minutes(course, english):
    course.kit_activities[0].value["minutes"] = 1
    course.kit_activities[1].value["minutes"] = 16
    with pytest.raises(ValidationError) as error:
        course.clean()
    assert "at least 2 minutes" in str(error.value.message_dict["kit_activities"])


def test_exactly_three_things_to_do_at_home(course, english):
    course.kit_at_home = [("thing", "Một việc.")]
    with pytest.raises(ValidationError) as error:
        course.clean()
    assert "exactly three" in str(error.value.message_dict["kit_at_home"])


def test_an_adult_course_offers_no_kit_even_with_its_fields_filled(course):
    course.audience, course.age_band = "teacher", ""
    course.clean()  # an editor who changes the audience is not made to empty the kit first
    assert not course.has_kit


def test_a_complete_kit_is_clean(course):
    course.full_clean()  # raises if anything is wrong


def test_editors_find_the_classroom_kit_tab(client, course, en_course):
    from accounts.models import Role
    from tests.factories import AdultFactory

    client.force_login(AdultFactory(role=Role.EDITOR, is_staff=True, is_superuser=True))
    html = client.get(f"/admin/pages/{course.pk}/edit/").content.decode()
    assert "Classroom kit" in html or "Bộ tài liệu lớp học" in html
    assert "kit_activities" in html and "kit_at_home" in html  # the kit's editors
    # The English module opens in wagtail-localize's editor, the kit's texts among its segments.
    assert client.get(f"/admin/pages/{en_course.pk}/edit/").status_code == 200


# --- The 35-minute plan ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "minutes",
    [[5, 12, 10, 13, 5], [5, 10, 10, 10, 10], [2, 2, 2, 2, 2, 2, 33], [3, 7, 7, 7, 7, 7, 7], [15, 15, 10, 5]],
)
def test_the_35_minute_plan_keeps_the_shares_and_adds_up(minutes):
    scaled = scale_minutes(minutes, 35)
    assert sum(scaled) == 35
    assert min(scaled) >= 2
    raised = any(m * 35 / 45 < 2 for m in minutes)  # a share raised to 2 minutes is taken from the others
    for original, short in zip(minutes, scaled, strict=True):
        assert abs(short - original * 35 / 45) < (3 if raised else 1), (minutes, scaled)


def test_the_largest_remainders_get_the_minutes_left_over():
    # Shares 3.89, 9.33, 7.78, 10.11, 3.89: whole parts 3, 9, 7, 10, 3 (32); the three left over go
    # to the largest remainders (0.89, 0.89, 0.78), the earlier first.
    assert scale_minutes([5, 12, 10, 13, 5], 35) == [4, 9, 8, 10, 4]
    assert scale_minutes([5, 12, 10, 13, 5], 45) == [5, 12, 10, 13, 5]


# --- The PDFs ---------------------------------------------------------------------------------


@pytest.fixture
def kit_client(client, course):
    return client


def get_pdf(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_the_three_pdfs_in_vietnamese(kit_client, course, tmp_path, poppler):  # noqa: F811
    plan = text_of(get_pdf(kit_client, f"/vi/kit/{course.pk}/plan.pdf"), tmp_path)
    assert "Kế hoạch bài dạy" in plan  # mark: Vietnamese catalog (lead merges .vi-kit.json)
    assert "Nói được thông tin nào là riêng tư." in plan  # an outcome: the module's objective
    assert "Khởi động" in plan and "Máy chiếu hoặc ti vi" in plan  # an activity, a material
    assert "Em tin tưởng ai?" in plan and "Gợi ý cho giáo viên." in plan  # the lesson's discussion + notes
    assert "Đọc to từng câu hỏi" in plan and "Cho các em kể thêm" in plan  # younger, older
    assert "113" in plan and "111" in plan  # what to do if a child discloses harm
    worksheet = text_of(get_pdf(kit_client, f"/vi/kit/{course.pk}/worksheet.pdf"), tmp_path)
    assert "Phiếu học tập" in worksheet  # mark: Vietnamese catalog
    assert "Thông tin nào là riêng tư?" in worksheet and "Màu em thích" in worksheet
    family = text_of(get_pdf(kit_client, f"/vi/kit/{course.pk}/family.pdf"), tmp_path)
    assert "Gửi gia đình" in family  # mark: Vietnamese catalog
    assert "Hỏi con em thông tin nào là riêng tư." in family
    assert "Tổng đài điện thoại quốc gia bảo vệ trẻ em" in family and "111" in family
    assert f"http://testserver/vi/f/{course.pk}/" in family  # the short address under the QR code


def test_the_three_pdfs_in_english(kit_client, en_course, tmp_path, poppler):  # noqa: F811
    plan_data = get_pdf(kit_client, f"/en/kit/{en_course.pk}/plan.pdf?period=45")
    plan = text_of(plan_data, tmp_path)
    assert "Lesson plan" in plan and "Secrets and you" in plan
    assert "Say which information is private." in plan
    assert "Warm-up" in plan and "13 min" in plan
    assert "Who do you trust?" in plan and "Notes for the teacher." in plan
    assert "What to do if a child discloses harm" in plan
    assert "It is not their fault" in plan or "it is not their fault" in plan
    assert "A4" in page_size(plan_data, tmp_path)
    worksheet = text_of(get_pdf(kit_client, f"/en/kit/{en_course.pk}/worksheet.pdf"), tmp_path)
    assert "Worksheet" in worksheet and "Name:" in worksheet and "Class:" in worksheet
    assert "Draw an adult you trust." in worksheet
    family = text_of(get_pdf(kit_client, f"/en/kit/{en_course.pk}/family.pdf"), tmp_path)
    assert "For families" in family and "Three things to do at home this week" in family
    assert "Choose a trusted adult together with your child." in family
    assert "National Child Protection Hotline" in family
    assert f"http://testserver/en/f/{en_course.pk}/" in family


def test_the_english_address_prints_the_english_module_whatever_id_it_is_given(
    kit_client,
    course,
    en_course,
    tmp_path,
    poppler,  # noqa: F811
):
    family = text_of(get_pdf(kit_client, f"/en/kit/{course.pk}/family.pdf"), tmp_path)
    assert "Secrets and you" in family and "Bí mật và em" not in family


def test_the_plan_is_timed_for_the_period_asked_and_35_minutes_for_primary(kit_client, en_course, tmp_path, poppler):  # noqa: F811
    usual = text_of(get_pdf(kit_client, f"/en/kit/{en_course.pk}/plan.pdf"), tmp_path)
    assert "a 35-minute period" in usual and "Timing (35 minutes)" in usual  # ages 6-8: primary
    assert "4 min" in usual and "13 min" not in usual  # 5 -> 4, 13 -> 10
    long = text_of(get_pdf(kit_client, f"/en/kit/{en_course.pk}/plan.pdf?period=45"), tmp_path)
    assert "Timing (45 minutes)" in long and "13 min" in long


def test_the_pdfs_hold_no_answer_key(kit_client, en_course, tmp_path, poppler):  # noqa: F811
    """The quiz's right answers and their feedback are nowhere in the kit."""
    texts = " ".join(
        text_of(get_pdf(kit_client, f"/en/kit/{en_course.pk}/{kind}.pdf"), tmp_path)
        for kind in ("plan", "worksheet", "family")
    )
    quiz = yaml.safe_load((FIXTURE_MODULE / "en.yaml").read_text(encoding="utf-8"))["quiz"]
    for question in quiz["questions"]:
        ((_kind, value),) = question.items()
        assert value["explanation"] not in texts
        for choice in value.get("choices") or value.get("options") or []:
            assert choice["feedback"] not in texts


def test_the_pdf_is_kept_until_the_content_changes(kit_client, course, en_course, tmp_path, poppler):  # noqa: F811
    first = get_pdf(kit_client, f"/en/kit/{en_course.pk}/family.pdf")
    assert get_pdf(kit_client, f"/en/kit/{en_course.pk}/family.pdf") == first
    en_course.kit_family_learned = "Dear families, a new text."
    en_course.save_revision().publish()
    assert "a new text" in text_of(get_pdf(kit_client, f"/en/kit/{en_course.pk}/family.pdf"), tmp_path)


def test_no_kit_for_an_adult_course_or_an_unknown_kind(client, course, home_page):
    teacher_course = CoursePage(title="Thầy cô", slug="thay-co", summary="S", audience="teacher")
    Page.objects.get(pk=course.get_parent().pk).add_child(instance=teacher_course)
    teacher_course.save_revision().publish()
    assert client.get(f"/vi/kit/{teacher_course.pk}/plan.pdf").status_code == 404
    assert client.get(f"/vi/f/{teacher_course.pk}/").status_code == 404
    assert client.get(f"/vi/kit/{course.pk}/answers.pdf").status_code == 404
    assert client.get("/vi/kit/999999/plan.pdf").status_code == 404


# --- The family page ----------------------------------------------------------------------------


def test_the_family_page_opens_without_signing_in_in_both_languages(client, course, en_course):
    response = client.get(f"/en/f/{en_course.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dear families, today your child learned" in html
    assert "Choose a trusted adult together with your child." in html
    assert 'href="tel:111"' in html
    assert f'href="/vi/f/{course.pk}/"' in html  # the Vietnamese page
    assert '<meta property="og:title" content="Secrets and you: for families">' in html
    assert 'property="og:description" content="Dear families' in html
    vi = client.get(f"/vi/f/{course.pk}/").content.decode()
    assert "Kính gửi Quý phụ huynh" in vi and f'href="/en/f/{en_course.pk}/"' in vi


def test_the_course_page_links_the_kit_for_adults_but_not_for_pupils(client, course):
    html = client.get(course.url).content.decode()
    assert f"/vi/kit/{course.pk}/plan.pdf?period=35" in html and f"/vi/f/{course.pk}/" in html
    from tests.factories import PupilFactory

    client.force_login(PupilFactory())
    assert f"/vi/kit/{course.pk}/plan.pdf" not in client.get(course.url).content.decode()


# --- The curriculum check's kit rules ----------------------------------------------------------


def fixture_kit(language="vi") -> dict:
    return copy.deepcopy(yaml.safe_load((FIXTURE_MODULE / f"{language}.yaml").read_text(encoding="utf-8"))["kit"])


def test_the_fixture_kit_passes_the_rules():
    assert kit_problems(fixture_kit(), "m/vi.yaml") == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda kit: kit["activities"][0].update(minutes=6), "add up to 46 minutes"),
        (lambda kit: kit["activities"][0].update(minutes=1), "at least 2"),
        (lambda kit: kit.update(activities=kit["activities"][:3]), "4 to 7 `activities`"),
        (lambda kit: kit["family"]["at_home"].pop(), "exactly 3 things"),
        (lambda kit: kit.update(worksheet=kit["worksheet"][:2]), "3 to 5 tasks"),
        (lambda kit: kit["worksheet"][0].update(choices=["Một"]), "2 to 4 tick-box choices"),
        (lambda kit: kit.pop("younger"), "`younger` is missing"),
        (lambda kit: kit.update(materials=[]), "`materials` lists 2 to 5"),
    ],
)
def test_the_rules_that_can_be_checked(change, expected):
    kit = fixture_kit()
    change(kit)
    assert any(expected in problem for problem in kit_problems(kit, "m/vi.yaml")), kit_problems(kit, "m/vi.yaml")


def test_both_languages_have_the_same_kit_shape(tmp_path):
    folder = tmp_path / "10-shape"
    folder.mkdir()
    for language in ("vi", "en"):
        data = yaml.safe_load((FIXTURE_MODULE / f"{language}.yaml").read_text(encoding="utf-8"))
        if language == "en":
            data["kit"]["worksheet"][1]["draw"] = False
        (folder / f"{language}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(curriculum.CurriculumError) as error:
        read_module(folder)
    assert "`kit` differs in shape" in str(error.value)


def test_the_check_requires_a_kit_of_every_pupil_module_and_reads_its_wording():
    module = read_module(FIXTURE_MODULE)
    assert not [p for p in content_problems(module) if "kit" in p]
    bare = Module(folder=Path("10-bare"), data=copy.deepcopy(module.data))
    for language in ("vi", "en"):
        del bare.data[language]["kit"]
    assert sum("needs its classroom `kit`" in p for p in content_problems(bare)) == 2
    free = Module(folder=Path("10-free"), data=copy.deepcopy(module.data))
    free.data["vi"]["kit"]["family"]["at_home"][2] = "Gọi 111 miễn phí bất cứ lúc nào."
    problems = content_problems(free)
    assert any("kit: “" in p and "111" in p for p in problems)
    assert any("official name the first time" in p for p in problems)


def test_a_class_grade_decides_the_plans_period_before_the_modules_age_band():
    from courses.kit import default_period

    assert default_period("9-11") == 35  # no class: the band's usual school
    assert default_period("9-11", 5) == 35  # grade 5: primary, 35-minute periods
    assert default_period("9-11", 6) == 45  # grade 6: lower secondary, 45-minute periods


def test_loading_again_adds_a_kit_to_a_module_page_made_before_its_file_had_one(home_page, tmp_path):
    """A site set up before the kits existed gets them from `load_demo`, in both languages, and
    nothing else of the page changes."""
    import shutil

    import yaml

    from courses.demo import load_curriculum
    from courses.models import CoursePage
    from tests.conftest import FIXTURE_MODULE

    without = tmp_path / FIXTURE_MODULE.name
    shutil.copytree(FIXTURE_MODULE, without)
    for language in ("vi", "en"):
        data = yaml.safe_load((without / f"{language}.yaml").read_text())
        data.pop("kit")
        (without / f"{language}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    load_curriculum(home_page, [without])
    vi, en = CoursePage.objects.get(slug="bi-mat-va-em"), CoursePage.objects.get(slug="secrets-and-you")
    assert not vi.has_kit and not en.has_kit
    vi.title = "Bí mật và em (sửa)"  # an editor's change, which the loader must keep
    vi.save_revision().publish()

    result = load_curriculum(home_page, [FIXTURE_MODULE])

    vi, en = CoursePage.objects.get(slug="bi-mat-va-em"), CoursePage.objects.get(slug="secrets-and-you")
    assert result.kits == 1
    assert vi.has_kit and en.has_kit
    assert vi.title == "Bí mật và em (sửa)"
    assert len(vi.kit_activities) == len(en.kit_activities) >= 4
    assert en.kit_family_learned != vi.kit_family_learned  # the English file's words
    assert en.title == "Secrets and you"  # the translation of the rest is left as it was
    assert load_curriculum(home_page, [FIXTURE_MODULE]).kits == 0  # once only


# --- What the review found ---------------------------------------------------------------------


def test_a_tie_between_remainders_goes_to_the_earlier_activity_exactly():
    # Shares of 35 over 45: 2.33, 19.44, 3.11, 4.67, 5.44; 25 and 7 minutes both leave 4/9 over.
    assert scale_minutes([3, 25, 4, 6, 7], 35) == [2, 20, 3, 5, 5]


def test_a_module_behind_a_view_restriction_has_no_public_kit_or_family_page(client, course):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(f"/vi/kit/{course.pk}/plan.pdf").status_code == 404
    assert client.get(f"/vi/f/{course.pk}/").status_code == 404


def test_a_restricted_lessons_discussion_is_left_out_of_the_plan(course, lessons):
    from wagtail.models import PageViewRestriction

    from courses.kit import discussions_of

    everyone = discussions_of(course)
    held = next(lesson for lesson in lessons if any(b.block_type == "discussion" for b in lesson.body))
    PageViewRestriction.objects.create(page=held, restriction_type=PageViewRestriction.LOGIN)
    assert [d.lesson for d in discussions_of(course)] == [d.lesson for d in everyone if d.lesson != held.title]


def test_an_english_page_whose_kit_is_not_translated_yet_gets_the_vietnamese_kit(client, course, en_course):
    CoursePage.objects.filter(pk=en_course.pk).update(kit_family_learned="")
    response = client.get(f"/en/f/{course.pk}/")
    assert response.status_code == 200
    assert "Kính gửi Quý phụ huynh" in response.content.decode()
    assert client.get(f"/en/kit/{en_course.pk}/plan.pdf").status_code == 404  # the English page has none
    assert client.get(f"/en/kit/{course.pk}/worksheet.pdf").status_code == 200


@pytest.mark.parametrize("period", ["²", "9" * 5000, "-35", "35.0", "abc"])
def test_an_odd_period_gives_the_usual_plan_not_an_error(kit_client, course, period):
    response = kit_client.get(f"/vi/kit/{course.pk}/plan.pdf", {"period": period})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_more_than_seven_activities_are_refused(course, english):
    one = course.kit_activities.raw_data[0]
    course.kit_activities = [{**one, "id": None, "value": {**one["value"], "minutes": 2}} for _ in range(8)]
    with pytest.raises(ValidationError) as error:
        course.full_clean()
    assert "at most 7 activities" in str(error.value.message_dict["kit_activities"])


def test_the_family_address_under_the_qr_code_is_the_sites_public_one(kit_client, course, settings, tmp_path, poppler):  # noqa: F811
    settings.FAMILY_PAGE_BASE_URL = "https://antoan.example.vn"
    text = text_of(get_pdf(kit_client, f"/vi/kit/{course.pk}/family.pdf"), tmp_path)
    assert f"https://antoan.example.vn/vi/f/{course.pk}/" in text


def test_a_unicode_slug_makes_a_readable_file_name(kit_client, course):
    CoursePage.objects.filter(pk=course.pk).update(slug="bí-mật-và-em")
    response = kit_client.get(f"/vi/kit/{course.pk}/worksheet.pdf")
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''b%C3%AD-m%E1%BA%ADt")
