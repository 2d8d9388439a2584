"""scripts/check_layers.py, on small trees of fake apps (no database, no Django)."""

import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check_layers.py"


def _load():
    spec = importlib.util.spec_from_file_location("check_layers", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


layers = _load()


def write(root: Path, name: str, text: str = "") -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def found(root: Path, name: str, text: str) -> set[tuple[int, str]]:
    """The (line, app) pairs a file names."""
    return {
        (dependency.line, dependency.target_app) for dependency in layers.dependencies(write(root, name, text), root)
    }


def test_the_table_runs_from_the_site_down_to_accounts():
    ranks = layers.LAYERS
    assert ranks["elearning"] < ranks["schools"] == ranks["certificates"] < ranks["quizzes"]
    assert ranks["quizzes"] < ranks["courses"] < ranks["h5p"] < ranks["progress"] < ranks["accounts"]


@pytest.mark.parametrize(
    ("name", "app"),
    [
        ("courses/models.py", "courses"),
        ("courses/views/catalogue.py", "courses"),
        ("elearning/settings/base.py", "elearning"),
        ("h5p/templates/h5p/player.html", "h5p"),
        ("accounts/templates/allauth/elements/fields.html", "accounts"),
        ("schools/templates/schools/email/invite.txt", "schools"),
        ("courses/migrations/0001_initial.py", None),
        ("tests/courses/test_models.py", None),
        ("scripts/check_layers.py", None),
        ("bench/run.py", None),
        ("manage.py", None),
        ("h5p/static/h5p/js/frame.js", None),
        ("courses/curriculum/notes.html", None),
        ("thirdparty/models.py", None),
    ],
)
def test_app_of(tmp_path, name, app):
    assert layers.app_of(name, tmp_path) == app
    assert layers.app_of(tmp_path / name, tmp_path) == app


def test_app_of_a_file_outside_the_root(tmp_path):
    assert layers.app_of(tmp_path / "courses" / "models.py", tmp_path / "elsewhere") is None


def test_imports_anywhere_in_the_module(tmp_path):
    source = """
        import courses.models
        from progress import steps
        from accounts.models import User, Pupil
        import django.db, wagtail
        from . import blocks
        from .models import LessonPage


        def lazy():
            from h5p.models import H5PActivity

            return H5PActivity


        class Page:
            def method(self):
                import quizzes.services as services
    """
    assert found(tmp_path, "schools/views.py", source) == {
        (1, "courses"),
        (2, "progress"),
        (3, "accounts"),
        (10, "h5p"),
        (17, "quizzes"),
    }
    hows = {dependency.how for dependency in layers.dependencies(tmp_path / "schools/views.py", tmp_path)}
    assert "from accounts.models import User, Pupil" in hows
    assert "import courses.models" in hows


def test_imports_by_name(tmp_path):
    source = """
        import importlib

        from django.utils.module_loading import import_string

        middleware = import_string("h5p.middleware.H5PContentOriginMiddleware")
        steps = importlib.import_module("progress.steps")
        other = importlib.import_module("json")
        views = __import__("quizzes")
    """
    dependencies = layers.dependencies(write(tmp_path, "courses/loading.py", source), tmp_path)
    assert {(dependency.line, dependency.target_app) for dependency in dependencies} == {
        (5, "h5p"),
        (6, "progress"),
        (8, "quizzes"),
    }
    assert dependencies[0].how == "import_string('h5p.middleware.H5PContentOriginMiddleware')"


def test_model_labels_and_permissions(tmp_path):
    source = """
        from django.apps import apps
        from django.db import models


        class LessonPage(models.Model):
            course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE)
            activity = SnippetChooserBlock("h5p.H5PActivity")
            parent_page_types = ["elearning.HomePage"]
            subpage_types = []


        def school_model():
            return apps.get_model("schools", "School")


        def config():
            return apps.get_app_config("certificates")


        def can_export(user):
            return user.has_perm("quizzes.view_h5pstatement")


        def permissions():
            return Permission.objects.filter(content_type__app_label="progress", codename="add_step")


        def own_label():
            return "LessonPage"
    """
    assert found(tmp_path, "courses/models.py", source) == {
        (6, "courses"),
        (7, "h5p"),
        (8, "elearning"),
        (13, "schools"),
        (17, "certificates"),
        (21, "quizzes"),
        (25, "progress"),
    }


def test_dotted_paths_and_file_paths_in_strings(tmp_path):
    source = """
        URLS = "quizzes.urls"
        MIDDLEWARE = ["h5p.middleware.H5PContentOriginMiddleware", "django.middleware.common.CommonMiddleware"]
        KEY = "accounts.limits.count"
        TEMPLATE = "courses/blocks/h5p_activity.html"
        FRAME = "progress/js/frame.js"
        FONT = "certificates/fonts/DejaVuSans.ttf"
        MANIFEST = "h5p.json"
        UPLOADS = "schools/exports/"
        ALLAUTH = "account/login.html"
        HOST = "https://h5p.example.org/"
        SENTENCE = "see courses.models for the page types"
        WORD = "courses"
    """
    assert found(tmp_path, "elearning/config.py", source) == {
        (1, "quizzes"),
        (2, "h5p"),
        (3, "accounts"),
        (4, "courses"),
        (5, "progress"),
        (6, "certificates"),
    }


def test_prose_is_not_a_dependency(tmp_path):
    source = '''
        """Reads quizzes.QuizPage and courses/blocks/video.html, as h5p.models does."""

        # import quizzes.models
        # "quizzes.QuizPage"


        class Block:
            """Shown in quizzes/templates/quizzes/page.html."""

            kind = "text"
            "Not quizzes.QuizPage either: a note on the attribute above."

            def render(self, name):
                """Like quizzes.blocks.Block."""
                return f"quizzes/blocks/{name}.html"
    '''
    assert found(tmp_path, "courses/blocks.py", source) == set()


def test_templates(tmp_path):
    write(tmp_path, "elearning/templatetags/__init__.py")
    write(tmp_path, "elearning/templatetags/site_tags.py")
    template = """
        {% extends "base.html" %}
        {% load i18n static site_tags %}
        {% block content %}
        {% include "elearning/includes/form_fields.html" with form=form %}
        {% include "quizzes/questions/"|add:question.kind|add:".html" %}
        <link rel="stylesheet" href="{% static 'h5p/css/player.css' %}">
        {% with helpline=settings.elearning.HelplineSettings %}{{ helpline.phone_number }}{% endwith %}
        {% include "wagtailadmin/shared/header.html" %}
        {% extends "allauth/layouts/base.html" %}
        {# {% include "schools/includes/nav.html" %} #}
        {% comment %}
        {% include "certificates/card.html" %}
        {% endcomment %}
        {% include "progress/bar.html" %}
        <p>Open courses/blocks/video.html or quizzes.QuizPage to see.</p>
        {% endblock %}
    """
    dependencies = layers.dependencies(write(tmp_path, "courses/templates/courses/page.html", template), tmp_path)
    assert [(dependency.line, dependency.target_app) for dependency in dependencies] == [
        (2, "elearning"),
        (4, "elearning"),
        (5, "quizzes"),
        (6, "h5p"),
        (7, "elearning"),
        (14, "progress"),
    ]
    assert dependencies[0].how == "{% load site_tags %}"
    assert dependencies[-2].how == "settings.elearning.HelplineSettings"


def test_load_from_a_library(tmp_path):
    write(tmp_path, "schools/templatetags/school_tags.py")
    template = "{% load pupil_name from school_tags %}{% load humanize %}"
    assert found(tmp_path, "accounts/templates/accounts/profile.html", template) == {(1, "schools")}


def fake_repository(root: Path) -> None:
    write(root, "accounts/models.py", "from django.db import models\n")
    write(root, "progress/models.py", "from accounts.models import User\n")
    write(root, "h5p/models.py", "from progress.models import Step\n")
    write(root, "courses/models.py", 'from h5p.models import H5PActivity\nPARENTS = ["courses.CourseIndexPage"]\n')
    write(root, "quizzes/models.py", "from courses.models import LessonPage\n")
    write(root, "schools/models.py", "from quizzes.models import QuizPage\n")
    write(root, "certificates/models.py", "from courses.models import CoursePage\n")
    write(root, "elearning/settings/base.py", 'INSTALLED_APPS = ["schools", "certificates"]\nURLS = "schools.urls"\n')
    write(root, "courses/templates/courses/lesson.html", '{% include "h5p/activity.html" %}')
    # Not sources: migrations name any app, tests and scripts use them all.
    write(root, "accounts/migrations/0002_pupil.py", 'DEPENDENCIES = [("schools", "0001_initial")]\n')
    write(root, "accounts/migrations/0003_link.py", 'TO = "courses.LessonPage"\n')
    write(root, "tests/test_all.py", "import elearning.urls\n")
    write(root, "scripts/check.py", "from elearning import demo\n")


def test_a_clean_repository(tmp_path, capsys):
    fake_repository(tmp_path)
    assert layers.violations(tmp_path) == []
    assert layers.main([str(tmp_path)]) == 0
    assert capsys.readouterr().out == "layers ok: 9 files checked\n"


def test_upward_and_sideways_dependencies(tmp_path, capsys):
    fake_repository(tmp_path)
    write(tmp_path, "accounts/views.py", "def view():\n    from schools.models import School\n")
    write(tmp_path, "certificates/admin.py", 'SCHOOL = apps.get_model("schools", "School")\n')
    write(tmp_path, "h5p/blocks.py", 'TEMPLATE = "courses/blocks/h5p_activity.html"\n')
    write(tmp_path, "quizzes/checks.py", 'CAN = "quizzes.view_quizpage"\nSHELL = "elearning.HomePage"\n')
    write(tmp_path, "progress/templates/progress/bar.html", '<p>\n{% include "elearning/includes/form.html" %}</p>')

    expected = [
        "accounts/views.py:2: accounts depends on schools (from schools.models import School)",
        "certificates/admin.py:1: certificates depends on schools (get_model('schools', 'School'))",
        "h5p/blocks.py:1: h5p depends on courses (path 'courses/blocks/h5p_activity.html')",
        "progress/templates/progress/bar.html:2: progress depends on elearning "
        "({% include 'elearning/includes/form.html' %})",
        "quizzes/checks.py:2: quizzes depends on elearning (model label 'elearning.HomePage')",
    ]
    assert layers.violations(tmp_path) == expected
    assert layers.main([str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines() == expected


def test_a_file_that_cannot_be_parsed_is_reported(tmp_path):
    fake_repository(tmp_path)
    write(tmp_path, "courses/broken.py", "def broken(:\n")
    [line] = layers.violations(tmp_path)
    assert line.startswith("courses/broken.py:1: cannot be checked")


def test_usage(tmp_path, capsys):
    assert layers.main([str(tmp_path / "missing")]) == 2
    assert layers.main([str(tmp_path), str(tmp_path)]) == 2
    assert "usage" in capsys.readouterr().err


def test_this_repository_keeps_its_layers(capsys):
    assert layers.main([str(layers.ROOT)]) == 0, capsys.readouterr().out
