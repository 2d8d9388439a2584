"""The starter curriculum as load_demo builds it: every audience and age band, both languages
linked through wagtail-localize, every page readable, and a second run changing nothing.

Loading all 21 modules takes most of a minute on a loaded machine, so the loader is tested on a
sample holding every audience and age band, the H5P demo lesson and two modules of each demo
class's band; `make setup` loads the whole curriculum on every CI run, and the files' own tests
below check every module."""

import io
from html import unescape

import pytest
from django.core.management import call_command
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation

from accounts.models import User
from courses import curriculum
from courses.curriculum import MODULES_DIR, lesson_words, read_curriculum
from courses.models import CoursePage, LessonPage
from quizzes.models import QuizPage
from tests.factories import AdultFactory

AUDIENCES = {"pupil", "caregiver", "teacher", "frontline"}
AGE_BANDS = {"6-8", "9-11", "12-14", "15-17"}
SAMPLE = [
    "10-pupil-6-8-privacy",
    "12-pupil-6-8-reporting",
    "22-pupil-9-11-reporting",  # the H5P demo lesson
    "30-pupil-12-14-privacy",
    "34-pupil-12-14-grooming-image-sharing",
    "40-pupil-15-17-privacy",
    "44-pupil-15-17-grooming-image-sharing",
    "50-caregiver-online-lives",
    "60-teacher-online-safety-in-class",
    "70-frontline-ocsea",
]


@pytest.fixture
def sample_curriculum(monkeypatch):
    monkeypatch.setattr(curriculum, "module_folders", lambda root=MODULES_DIR: [root / name for name in SAMPLE])
    return read_curriculum()


def test_every_module_file_is_valid_and_both_languages_have_the_same_shape():
    modules = read_curriculum()  # raises CurriculumError listing every problem
    assert len(modules) >= 15
    for module in modules:
        vi = module.data["vi"]
        if vi.get("age_band") != "6-8":
            assert all(lesson_words(lesson) >= 300 for lesson in module.data["en"]["lessons"]), module.key


def test_pupil_modules_cover_the_required_topics_for_every_age_band():
    topics = {}
    for module in read_curriculum():
        vi = module.data["vi"]
        if vi["audience"] == "pupil":
            topics.setdefault(vi["age_band"], set()).update(vi["topics"])
    for band in AGE_BANDS:
        assert {"privacy", "screen_time", "reporting", "cyberbullying"} <= topics[band], band
    for band in ("12-14", "15-17"):
        assert {"grooming", "image_sharing"} <= topics[band], band


def test_grooming_and_image_lessons_are_sensitive():
    for module in read_curriculum():
        if "grooming" in module.data["vi"]["topics"] and module.data["vi"]["audience"] == "pupil":
            assert all(lesson["sensitive"] for lesson in module.data["vi"]["lessons"]), module.key


def test_every_pupil_module_ends_with_a_quiz_and_the_frontline_course_with_an_assessment():
    from quizzes.curriculum import check_quizzes

    modules = read_curriculum()
    check_quizzes(modules)  # raises CurriculumError listing every problem
    for module in modules:
        vi = module.data["vi"]
        if vi["audience"] == "pupil":
            kinds = {next(iter(q)) for q in vi["quiz"]["questions"]}
            assert len(vi["quiz"]["questions"]) >= 5 and len(kinds) >= 3, module.key
        if vi["audience"] == "frontline":
            assert len(vi["quiz"]["questions"]) >= 15 and vi["quiz"]["pass_mark_percent"] == 80


@pytest.mark.django_db
def test_the_curriculum_files_hold_the_whole_catalogue():
    modules = read_curriculum()
    assert len(modules) >= 15
    assert sum(len(module.data["vi"]["lessons"]) for module in modules) >= 45
    assert sum(1 for module in modules if module.data["vi"].get("quiz")) >= 17
    assert {module.data["vi"]["audience"] for module in modules} == AUDIENCES
    assert {module.data["vi"].get("age_band") for module in modules} - {None, ""} == AGE_BANDS


@pytest.mark.django_db
def test_load_demo_builds_the_bilingual_curriculum_once(client, sample_curriculum):
    printed = io.StringIO()
    call_command("load_demo", stdout=printed)
    # The frontline final assessment as the site serves it: a bank, mostly scenarios.
    assert (
        "Final assessment 70-frontline-ocsea: bank of 49 questions, 37 scenarios (76 %), 18 per attempt."
        in printed.getvalue()
    )
    counts = (Page.objects.count(), Translation.objects.count())
    call_command("load_demo")
    assert (Page.objects.count(), Translation.objects.count()) == counts

    # The demo school (DEMO_ACCOUNTS is on here): classes of grades 3, 7 and 10 with 25+ pupils,
    # a few still without consent, modules assigned, and progress the dashboards can show.
    from schools.demo import DEMO_SCHOOL
    from schools.models import School
    from schools.selectors import class_dashboard

    school = School.objects.get(name=DEMO_SCHOOL)
    assert sorted(school.classrooms.values_list("grade", flat=True)) == [3, 7, 10]
    for classroom in school.classrooms.all():
        dashboard = class_dashboard(classroom=classroom)
        assert len(dashboard.rows) >= 25 and 0 < dashboard.consent_missing < 5
        assert len(dashboard.columns) >= 2  # the sample's modules of the class's age band
        statuses = {cell.status for row in dashboard.rows if row.consent for cell in row.cells}
        assert statuses == {"done", "in_progress", "not_started", "needs_help"}, classroom

    # The demo social worker holds the frontline course's certificate, with its stored PDF,
    # valid for the course's three years, and the default certificate template in both languages.
    from certificates.demo import DEMO_CODE
    from certificates.models import Certificate, CertificateTemplate

    certificate = Certificate.objects.get(code=DEMO_CODE)
    assert certificate.holder.email == "socialworker@example.com" and certificate.status == "valid"
    assert certificate.pdf.read().startswith(b"%PDF") and certificate.expires_on.year == certificate.issued_at.year + 3
    assert client.get("/vi/certificates/verify/7KQ2-M9XD-4TQH/").status_code == 200
    assert CertificateTemplate.objects.filter(course__isnull=True).count() == 2

    # The demo trainee is one lesson short of the same certificate: finishing it issues one
    # (scripts/smoke.py does it over HTTP, the PDF drawn by the task worker).
    from certificates.demo import load_trainee
    from progress.services import step_complete

    trainee = User.objects.get(email="trainee@example.com")
    assert not Certificate.objects.filter(holder=trainee).exists()
    slug = load_trainee().strip("/").split("/")[-1]
    lesson = Page.objects.get(slug=slug, locale__language_code="vi")
    step_complete(learner=trainee, page=lesson)
    assert Certificate.objects.get(holder=trainee).course_key == certificate.course_key

    # The demo H5P activity ("Spot the risk", packaged offline by pyh5p) is in a pupil lesson in
    # each language, stored once per language (the English one a translation of the Vietnamese),
    # and its player is on the page.
    from courses.demo import H5P_DEMO_LESSON
    from h5p.models import H5PActivity

    assert sorted(H5PActivity.objects.values_list("locale__language_code", flat=True)) == ["en", "vi"]
    assert len(set(H5PActivity.objects.values_list("translation_key", flat=True))) == 1
    source = LessonPage.objects.get(slug=H5P_DEMO_LESSON, locale__language_code="vi")
    for lesson in LessonPage.objects.filter(translation_key=source.translation_key):
        (activity_id,) = lesson.embedded_h5p_activity_ids()
        activity = H5PActivity.objects.get(pk=activity_id)
        assert activity.language == lesson.locale.language_code and activity.is_playable()
        assert "data-activity-frame" in client.get(lesson.url).content.decode()

    vi, en = Locale.objects.get(language_code="vi"), Locale.objects.get(language_code="en")
    for locale in (vi, en):
        courses = CoursePage.objects.live().filter(locale=locale)
        assert courses.count() == len(sample_curriculum)
        lessons = sum(len(module.data["vi"]["lessons"]) for module in sample_curriculum)
        assert LessonPage.objects.live().filter(locale=locale).count() == lessons
        quizzes = sum(1 for module in sample_curriculum if module.data["vi"].get("quiz"))
        assert QuizPage.objects.live().filter(locale=locale).count() == quizzes
        assert set(courses.values_list("audience", flat=True)) == AUDIENCES
        assert set(courses.exclude(age_band="").values_list("age_band", flat=True)) == AGE_BANDS
    assert CoursePage.objects.filter(locale=vi, audience="frontline", issues_certificate=True).exists()

    # Every Vietnamese page has its English translation, made (and kept in sync) by wagtail-localize.
    for page in Page.objects.type(CoursePage, LessonPage, QuizPage).filter(locale=vi):
        english = page.get_translation(en)
        assert english.live and english.title != page.title, page.url
        assert Translation.objects.filter(source__object_id=page.translation_key, target_locale=en).exists()

    # Every page renders, in both languages (an adult may open every course).
    client.force_login(AdultFactory())
    for page in Page.objects.type(CoursePage, LessonPage, QuizPage).live():
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        assert page.title in unescape(response.content.decode()), page.url
