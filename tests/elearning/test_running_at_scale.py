"""The README's "Running at scale" is what CI runs (scripts/stack.py), and the production
settings hold every storage, cache and task backend the code names."""

import re
import sys
from pathlib import Path

from django.conf import settings

from tests.elearning.test_settings import read

ROOT = Path(settings.BASE_DIR)
sys.path.insert(0, str(ROOT / "scripts"))
import stack  # noqa: E402

PRODUCTION = {
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "elearning.example.vn",
    "DATABASE_URL": "postgres://app@db.internal:5432/elearning",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "TASKS_BACKEND": "rq",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.vn:587",
}


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Running at scale") :]
    block = section[section.index("```sh") + 5 : section.index("```", section.index("```sh") + 5)]
    return [line.split("#")[0].strip() for line in block.splitlines() if line.startswith(".venv/")]


def test_the_readme_runs_what_ci_runs_in_the_same_order():
    expected = [
        command.format(py=".venv/bin/python", bin=".venv/bin")
        for command in [*stack.SETUP_COMMANDS, stack.WEB_COMMAND, stack.WORKER_COMMAND]
    ]
    assert readme_commands() == expected


def names_in_code(pattern: str) -> set[str]:
    found = set()
    for app in ("accounts", "progress", "h5p", "courses", "quizzes", "schools", "certificates", "elearning"):
        for path in (ROOT / app).rglob("*.py"):
            found |= set(re.findall(pattern, path.read_text()))
    return found


def test_production_has_every_storage_the_code_names():
    named = names_in_code(r"storages\[[\"'](\w+)[\"']\]")
    assert {"h5p", "private"} <= named  # the pattern still finds them
    aliases = set(read("elearning.settings.production", "list(s.STORAGES)", **PRODUCTION))
    assert named | {"default", "staticfiles"} <= aliases


def test_production_has_every_cache_and_task_queue_the_code_names():
    caches = set(read("elearning.settings.production", "list(s.CACHES)", **PRODUCTION))
    assert names_in_code(r"caches\[[\"'](\w+)[\"']\]") | {"default"} <= caches
    tasks = read("elearning.settings.production", "s.TASKS", **PRODUCTION)
    assert tasks["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    queues = set(read("elearning.settings.production", "list(s.RQ_QUEUES)", **PRODUCTION))
    assert names_in_code(r"queue_name=[\"'](\w+)[\"']") | {"default"} <= queues


def test_production_keeps_base_middleware_apps_and_sessions():
    for name in ("MIDDLEWARE", "INSTALLED_APPS", "SESSION_ENGINE", "LOGGING"):
        production = read("elearning.settings.production", f"s.{name}", **PRODUCTION)
        base = read("elearning.settings.dev", f"s.{name}", REDIS_URL=PRODUCTION["REDIS_URL"], TASKS_BACKEND="rq")
        assert production == base, name
    assert read("elearning.settings.production", "s.SESSION_ENGINE", **PRODUCTION).endswith(".db")
