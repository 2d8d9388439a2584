"""The class dashboard (grid, needs help, hardest questions, last activity), the school
dashboard, CSV exports, and their query counts."""

import csv
import datetime
import io
import random
import uuid

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from h5p import packages
from h5p.models import H5PActivity
from progress.services import step_complete
from quizzes.demo import simulated_answers
from quizzes.services import attempt_submit, questions_of
from schools import selectors, services
from schools.roster import plan_from_text
from tests.h5p.builders import valid_package
from tests.schools.conftest import consent_all


def _attempt(pupil, quiz, skill):
    answers = simulated_answers(questions_of(quiz), rng=random.Random(7), skill=skill)
    return attempt_submit(learner=pupil, quiz=quiz, submission_key=uuid.uuid4(), answers=answers)[0]


@pytest.fixture
def assigned(classroom, course, leader, quiz):
    return services.course_assign(classroom=classroom, course=course, due_on=None, by=leader)


def test_grid_shows_each_pupils_status(classroom, pupils, leader, lessons, quiz, assigned):
    an, binh, _chau = pupils
    consent_all([an, binh], leader)
    for lesson in lessons:
        step_complete(learner=an, page=lesson)
    _attempt(an, quiz, skill=1.0)
    step_complete(learner=binh, page=lessons[0])
    _attempt(binh, quiz, skill=0.0)
    _attempt(binh, quiz, skill=0.0)

    dashboard = selectors.class_dashboard(classroom=classroom)
    status = {row.pupil.display_name: (row.consent, [c.status for c in row.cells]) for row in dashboard.rows}
    assert status["Nguyễn Văn An"] == (True, ["done"])
    assert status["Trần Thị Bình"] == (True, ["needs_help"])  # failed the quiz twice
    assert status["Lê Minh Châu"] == (False, ["not_started"])
    assert dashboard.consent_missing == 1
    assert dashboard.columns[0].done == 1
    rows = {row.pupil.display_name: row for row in dashboard.rows}
    assert rows["Nguyễn Văn An"].last_activity is not None and rows["Lê Minh Châu"].last_activity is None


def test_no_progress_a_week_after_the_due_date_needs_help(classroom, pupils, leader, course, quiz):
    consent_all(pupils, leader)
    services.course_assign(
        classroom=classroom, course=course, due_on=timezone.localdate() - datetime.timedelta(days=8), by=leader
    )
    dashboard = selectors.class_dashboard(classroom=classroom)
    assert {row.cells[0].status for row in dashboard.rows} == {"needs_help"}


def test_hardest_questions_are_the_least_often_right(classroom, pupils, leader, quiz, assigned):
    consent_all(pupils, leader)
    for pupil, skill in zip(pupils, (1.0, 0.5, 0.0), strict=True):
        _attempt(pupil, quiz, skill)
    hardest = selectors.class_dashboard(classroom=classroom).columns[0].hardest
    assert len(hardest) == 3
    shares = [q.correct_percent for q in hardest]
    assert shares == sorted(shares)
    assert all(q.text and q.answered == 3 for q in hardest)


def test_class_dashboard_queries_do_not_grow_with_the_class(client, classroom, pupils, leader, lessons, quiz, assigned):
    consent_all(pupils, leader)
    _attempt(pupils[0], quiz, 0.5)
    client.force_login(leader)
    url = reverse("schools:classroom_detail", args=[classroom.pk])
    client.get(url)
    caches["template_fragments"].clear()  # drawn anew each time: the queries of a change
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    more = services.roster_import(
        classroom=classroom, plan=plan_from_text("\n".join(f"Học sinh {i}" for i in range(30)), existing_names=set())
    )
    consent_all(more, leader)
    for pupil in more[:10]:
        step_complete(learner=pupil, page=lessons[0])
        _attempt(pupil, quiz, 0.5)
    caches["template_fragments"].clear()
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.content.decode().count('scope="row"') == 33
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]


def test_selector_query_count_is_fixed(django_assert_num_queries, classroom, pupils, leader, quiz, assigned):
    consent_all(pupils, leader)
    _attempt(pupils[0], quiz, 1.0)
    selectors.class_dashboard(classroom=classroom)  # warms the content-type cache
    with django_assert_num_queries(10):  # and when each module was taught in class
        selectors.class_dashboard(classroom=classroom)


def test_school_dashboard_and_csv_export(client, school, classroom, pupils, leader, lessons, quiz, assigned):
    consent_all(pupils[:2], leader)
    for lesson in lessons:
        step_complete(learner=pupils[0], page=lesson)
    _attempt(pupils[0], quiz, 1.0)
    rows = selectors.school_dashboard(school=school)
    # Two pupils with consent (the third's progress is not stored, so cannot count), one done.
    assert (rows[0].pupils, rows[0].consent_missing, rows[0].cells[0].done) == (2, 1, 1)

    client.force_login(leader)
    response = client.get(reverse("schools:school_export", args=[school.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[1][:4] == ["3A", "3", "2", "1"] and table[1][6:8] == ["1", "50"]
    assert table[1][8:] == ["", ""]  # not taught in class


def test_class_csv_has_vietnamese_names_and_no_data_without_consent(
    client, classroom, pupils, leader, lessons, assigned
):
    consent_all(pupils[:1], leader)
    step_complete(learner=pupils[0], page=lessons[0])
    client.force_login(leader)
    response = client.get(reverse("schools:classroom_export", args=[classroom.pk]))
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_name = {row[0]: row for row in table[1:]}
    assert "Nguyễn Văn An" in by_name
    assert by_name["Lê Minh Châu"][3:] == ["", "", ""]
    assert by_name["Nguyễn Văn An"][4] == "25"  # one of three lessons and the quiz


def test_login_cards_pdf_has_the_class_code_names_and_pictures(client, classroom, pupils, leader):
    client.force_login(leader)
    response = client.get(reverse("schools:login_cards", args=[classroom.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    import shutil
    import subprocess

    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout
        text = text.decode()
        assert classroom.class_code_display in text  # "ABCD-EFGH", as printed
        assert "Nguyễn Văn An" in text and "Lê Minh Châu" in text


def test_pupil_home_lists_assigned_modules_with_due_dates(client, pupil, classroom, course, leader, quiz):
    services.course_assign(classroom=classroom, course=course, due_on=datetime.date(2030, 1, 15), by=leader)
    client.force_login(pupil)
    page = client.get(reverse("schools:my_modules")).content.decode()
    assert course.title in page and "2030" in page
    home = client.get("/vi/").content.decode()
    assert course.title in home


def test_csv_cells_never_start_a_formula(client, classroom, pupils, leader, assigned):
    services.pupil_rename(pupil=pupils[0], classroom=classroom, name="=HYPERLINK(1)")
    client.force_login(leader)
    response = client.get(reverse("schools:classroom_export", args=[classroom.pk]))
    names = [row[0] for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))]
    assert "'=HYPERLINK(1)" in names and "=HYPERLINK(1)" not in names


def test_hardest_questions_are_worded_in_the_readers_language(
    client, classroom, pupils, leader, quiz, en_quiz, assigned
):
    from django.utils import translation

    consent_all(pupils[:1], leader)
    _attempt(pupils[0], en_quiz, 0.0)  # answered in English: the same questions (same block ids)
    with translation.override("vi"):
        vi_text = selectors.class_dashboard(classroom=classroom).columns[0].hardest[0].text
    with translation.override("en"):
        en_text = selectors.class_dashboard(classroom=classroom).columns[0].hardest[0].text
    vietnamese = {b["id"]: b for b in quiz.questions.raw_data}
    assert vi_text != en_text
    assert any(vi_text in (b["value"].get("question"), b["value"].get("statement")) for b in vietnamese.values())


def _dashboard(client, url) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    return page[page.index("<main") : page.index('<p class="actions">')], len(queries)


def test_the_drawn_dashboard_is_kept_until_the_class_changes(
    client, classroom, pupils, leader, lessons, quiz, assigned
):
    """Kept, it costs a few queries; anything that changes what it shows draws it again."""
    consent_all(pupils, leader)
    client.force_login(leader)
    url = reverse("schools:classroom_detail", args=[classroom.pk])
    first, drawn = _dashboard(client, url)
    again, kept = _dashboard(client, url)
    assert again == first and kept < drawn

    step_complete(learner=pupils[0], page=lessons[0])  # a pupil finishes a lesson
    after_lesson, _ = _dashboard(client, url)
    assert after_lesson != first

    _attempt(pupils[1], quiz, 0.0)  # a quiz failed
    after_quiz, _ = _dashboard(client, url)
    assert after_quiz != after_lesson

    services.pupil_rename(pupil=pupils[2], classroom=classroom, name="Tên Mới Hẳn")
    after_rename, _ = _dashboard(client, url)
    assert "Tên Mới Hẳn" in after_rename

    services.consent_withdraw(pupil=pupils[0], by=leader)
    after_withdrawal, _ = _dashboard(client, url)
    assert after_withdrawal != after_rename


def test_one_class_never_sees_anothers_kept_dashboard(client, school, classroom, pupils, leader, assigned):
    other = services.classroom_create(school=school, teacher=leader, name="9Z", grade=9, sign_in_kind="pictures")
    client.force_login(leader)
    mine, _ = _dashboard(client, reverse("schools:classroom_detail", args=[classroom.pk]))
    theirs, _ = _dashboard(client, reverse("schools:classroom_detail", args=[other.pk]))
    assert pupils[0].display_name in mine and pupils[0].display_name not in theirs


def test_class_csv_shows_h5p_results_beside_the_modules_as_reported_by_the_device(
    client, classroom, pupils, leader, lessons, assigned, h5p_storage, django_assert_max_num_queries
):
    from h5p import services as h5p_services
    from tests.h5p.conftest import embed
    from tests.h5p.test_h5p_results import statement

    activity = h5p_services.activity_save(
        activity=H5PActivity(title="Tìm tin nhắn không an toàn"),
        package=packages.check_bytes(valid_package()),
    )
    embed(lessons[1], activity)
    consent_all(pupils[:2], leader)
    h5p_services.statement_record(
        learner=pupils[0], activity=activity, page=lessons[1], statement=h5p_services.statement_read(statement(raw=3))
    )
    dashboard = selectors.class_dashboard(classroom=classroom)
    with django_assert_max_num_queries(3):
        selectors.h5p_columns(dashboard=dashboard)

    client.force_login(leader)
    response = client.get(reverse("schools:classroom_export", args=[classroom.pk]))
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][-1] == "Tìm tin nhắn không an toàn (H5P, điểm cao nhất %, do thiết bị báo)"
    by_name = {row[0]: row for row in table[1:]}
    assert by_name["Nguyễn Văn An"][-1] == "75"  # 3 of 4
    assert [by_name[name][-1] for name in by_name if name != "Nguyễn Văn An"] == ["", ""]


# --- H5P activities on the class dashboard ----------------------------------------------------


def _h5p_activity(title="Tìm tin nhắn không an toàn"):
    from h5p import services as h5p_services

    return h5p_services.activity_save(activity=H5PActivity(title=title), package=packages.check_bytes(valid_package()))


def _h5p_score(pupil, activity, lesson, raw):
    from h5p import services as h5p_services
    from tests.h5p.test_h5p_results import statement

    h5p_services.statement_record(
        learner=pupil, activity=activity, page=lesson, statement=h5p_services.statement_read(statement(raw=raw))
    )


def _rows(page: str) -> dict[str, str]:
    """Each pupil's row of the drawn dashboard, by name."""
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    rows = {}
    for row in body.split("<tr>")[1:]:
        name = row.split("</a>")[0].rsplit(">", 1)[1]
        rows[name] = row
    return rows


def test_class_dashboard_shows_h5p_best_scores_beside_the_modules_as_reported_by_the_device(
    client, classroom, pupils, leader, lessons, assigned, h5p_storage
):
    from tests.h5p.conftest import embed

    activity = _h5p_activity()
    embed(lessons[1], activity)
    consent_all(pupils[:2], leader)
    _h5p_score(pupils[0], activity, lessons[1], raw=3)  # 3 of 4
    client.force_login(leader)
    page, _ = _dashboard(client, reverse("schools:classroom_detail", args=[classroom.pk]))

    header = page[page.index("<thead>") : page.index("</thead>")]
    assert 'data-testid="h5p-column"' in header and "Tìm tin nhắn không an toàn" in header
    # In words in the column's heading (what a screen reader reads with each score), and by the
    # asterisk of each score, which the legend above the table explains.
    assert "H5P, điểm cao nhất %, do thiết bị báo" in header
    assert "do thiết bị của học sinh báo về, trang không kiểm tra" in page[page.index('id="h5p-legend"') :]
    assert 'aria-describedby="h5p-legend"' in page
    rows = _rows(page)
    assert '<td data-testid="h5p-score">75%<span aria-hidden="true">*</span></td>' in rows["Nguyễn Văn An"]
    assert "chưa có điểm" in rows["Trần Thị Bình"]  # consent, but no score yet
    # No consent, no data: the one "consent missing" cell spans the H5P column too.
    assert 'data-testid="h5p-score"' not in rows["Lê Minh Châu"]
    assert 'colspan="3"' in rows["Lê Minh Châu"] and "chưa có sự đồng ý" in rows["Lê Minh Châu"]


def test_class_dashboard_without_h5p_activities_is_unchanged(client, classroom, pupils, leader, assigned):
    consent_all(pupils[:2], leader)
    client.force_login(leader)
    page, _ = _dashboard(client, reverse("schools:classroom_detail", args=[classroom.pk]))
    assert "h5p" not in page.lower() and "aria-describedby" not in page
    assert 'colspan="2"' in _rows(page)["Lê Minh Châu"]


def test_a_pupil_without_consent_has_no_h5p_score_even_with_a_result(
    classroom, pupils, leader, lessons, assigned, h5p_storage
):
    from tests.h5p.conftest import embed

    activity = _h5p_activity()
    embed(lessons[1], activity)
    consent_all(pupils[:1], leader)
    _h5p_score(pupils[0], activity, lessons[1], raw=4)
    services.consent_withdraw(pupil=pupils[0], by=leader)
    consent_all(pupils[1:2], leader)
    dashboard = selectors.class_dashboard_with_h5p(classroom=classroom)
    percents = {row.pupil.display_name: row.h5p_percents for row in dashboard.rows}
    assert percents == {"Nguyễn Văn An": [], "Trần Thị Bình": [None], "Lê Minh Châu": []}


def test_class_dashboard_with_h5p_adds_only_h5p_columns_queries(
    django_assert_num_queries, classroom, pupils, leader, lessons, quiz, assigned, h5p_storage
):
    from tests.h5p.conftest import embed

    consent_all(pupils, leader)
    _attempt(pupils[0], quiz, 1.0)
    selectors.class_dashboard(classroom=classroom)  # warms the content-type cache
    with django_assert_num_queries(10 + 1):  # the lessons: none embeds an activity
        selectors.class_dashboard_with_h5p(classroom=classroom)
    activities = [_h5p_activity(f"Hoạt động {n}") for n in range(2)]
    for lesson, activity in zip(lessons, activities, strict=False):
        embed(lesson, activity)
    for pupil in pupils:
        _h5p_score(pupil, activities[0], lessons[0], raw=2)
    with django_assert_num_queries(10 + 3):  # the lessons, the activities, the results
        dashboard = selectors.class_dashboard_with_h5p(classroom=classroom)
    assert [row.h5p_percents for row in dashboard.rows] == [[50, None]] * 3


def test_the_kept_dashboard_is_drawn_again_when_a_pupil_reports_an_h5p_score(
    client, classroom, pupils, leader, lessons, assigned, h5p_storage
):
    from tests.h5p.conftest import embed

    activity = _h5p_activity()
    embed(lessons[1], activity)
    consent_all(pupils, leader)
    client.force_login(leader)
    url = reverse("schools:classroom_detail", args=[classroom.pk])
    before, _ = _dashboard(client, url)
    _h5p_score(pupils[0], activity, lessons[1], raw=1)
    first, _ = _dashboard(client, url)
    assert "25%" in _rows(first)["Nguyễn Văn An"] and "25%" not in _rows(before)["Nguyễn Văn An"]
    _h5p_score(pupils[0], activity, lessons[1], raw=4)  # a better try: the same row, updated
    better, _ = _dashboard(client, url)
    assert "100%" in _rows(better)["Nguyễn Văn An"]
    activity.title = "Tên hoạt động mới"
    activity.save()
    assert "Tên hoạt động mới" in _dashboard(client, url)[0]


def test_an_english_reader_sees_scores_reported_on_the_vietnamese_activity(
    classroom, pupils, leader, lessons, assigned, h5p_storage
):
    from django.utils import translation
    from wagtail.models import Locale
    from wagtail_localize.models import TranslationSource

    from tests.h5p.conftest import embed

    activity = _h5p_activity()
    english = Locale.objects.get(language_code="en")
    translated = activity.copy_for_translation(english)
    translated.title = "Spot the unsafe message"
    translated.save()
    lesson = embed(lessons[1], activity)
    source, _ = TranslationSource.update_or_create_from_instance(lesson)
    source.create_or_update_translation(english, fallback=True)
    lesson.get_translation(english).latest_revision.publish()
    consent_all(pupils[:1], leader)
    _h5p_score(pupils[0], activity, lesson, raw=3)  # played in Vietnamese
    with translation.override("en"):
        dashboard = selectors.class_dashboard_with_h5p(classroom=classroom)
    assert [a.title for a in dashboard.h5p_activities] == ["Spot the unsafe message"]
    assert dashboard.rows[0].pupil == pupils[0] and dashboard.rows[0].h5p_percents == [75]


def test_a_lesson_embedding_two_language_versions_of_an_activity_fills_both_columns(
    classroom, pupils, leader, lessons, assigned, h5p_storage
):
    from wagtail.models import Locale

    from tests.h5p.conftest import embed

    activity = _h5p_activity()
    translated = activity.copy_for_translation(Locale.objects.get(language_code="en"))
    translated.title = "Spot the unsafe message"
    translated.save()
    lesson = embed(embed(lessons[1], activity), translated)  # a bilingual lesson: both versions
    consent_all(pupils[:1], leader)
    _h5p_score(pupils[0], activity, lesson, raw=3)
    dashboard = selectors.class_dashboard_with_h5p(classroom=classroom)
    assert len(dashboard.h5p_activities) == 2
    assert dashboard.rows[0].h5p_percents == [75, 75]
