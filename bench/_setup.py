"""Shared set-up for the benchmarks: Django configured against a throw-away database, and a
class of pupils made through the real services.

Isolation: the benchmarks never touch the project's db.sqlite3 or .test-db.sqlite3. By default
each run migrates a fresh SQLite file in a temporary folder and deletes the folder at the end.
`--database-url postgres://user@host:port/name` runs against PostgreSQL instead: the script
creates that database (it must not exist yet) and drops it at the end. Uploaded files (the
curriculum's drawings) go to the temporary folder too, the cache is the throw-away database's
table (never a shared Redis) and tasks run immediately.

Import this module before anything from Django: `scratch_database()` sets the environment that
the settings read, then calls `django.setup()`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# Databases that belong to people, not to benchmarks.
PROTECTED_FILES = {REPO / "db.sqlite3", REPO / ".test-db.sqlite3"}
DEFAULT_SETTINGS = "elearning.settings.dev"


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        help=(
            "run against this database instead of a temporary SQLite file, e.g. "
            "postgres://postgres@127.0.0.1:5432/bench_signin; it must not exist yet: the script "
            "creates it and drops it at the end"
        ),
    )
    parser.add_argument(
        "--settings",
        default=DEFAULT_SETTINGS,
        help=f"Django settings module (default {DEFAULT_SETTINGS}, with DEBUG forced off)",
    )
    parser.add_argument("--seed", type=int, default=2026, help="seed of the random data (default 2026)")
    parser.add_argument(
        "--keep-database", action="store_true", help="keep the database and temporary folder for inspection"
    )


# --- The throw-away database ------------------------------------------------------------------


@dataclass
class Scratch:
    folder: Path
    database_url: str
    engine: str  # "sqlite" or "postgres"
    keep: bool


def _engine_of(url: str) -> str:
    scheme = urlsplit(url).scheme
    if scheme in ("sqlite", "spatialite"):
        return "sqlite"
    if scheme in ("postgres", "postgresql", "pgsql", "psql"):
        return "postgres"
    raise SystemExit(f"Only SQLite and PostgreSQL URLs are supported, not {scheme}://")


def _sqlite_path(url: str) -> Path:
    # sqlite:////absolute/path (django-environ's form); sqlite:///relative would be odd here.
    return Path(urlsplit(url).path).resolve()


def _postgres_admin(url: str):
    """A connection to the server's maintenance database, and the benchmark database's name."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        raise SystemExit("The PostgreSQL URL needs a database name, e.g. .../bench_dashboard")
    admin_url = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))  # libpq's scheme
    return psycopg.connect(admin_url, autocommit=True), name


def _postgres_create(url: str) -> None:
    from psycopg import sql

    connection, name = _postgres_admin(url)
    with connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            raise SystemExit(
                f"The database {name} exists already. The benchmark makes its own and drops it afterwards: "
                f"choose another name, or drop it first (dropdb {name}) if it is a benchmark's leftover."
            )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _postgres_drop(url: str) -> None:
    from psycopg import sql

    connection, name = _postgres_admin(url)
    with connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _configure_environment(scratch: Scratch, settings_module: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    os.environ["DATABASE_URL"] = scratch.database_url
    # Timing with DEBUG on would measure Django's query log and debug pages too.
    os.environ["DEBUG"] = "0"
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ["MEDIA_ROOT"] = str(scratch.folder / "media")
    os.environ["PRIVATE_MEDIA_ROOT"] = str(scratch.folder / "private-media")
    # The cache (rate limits, lockouts) lives in the throw-away database, tasks run in-process.
    os.environ["REDIS_URL"] = ""
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def _check_isolation() -> None:
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and Path(database["NAME"]).resolve() in PROTECTED_FILES:
        raise SystemExit(f"Refusing to run against {database['NAME']}: benchmarks use a throw-away database.")
    if settings.DEBUG:
        raise SystemExit("DEBUG is on in these settings: timings would include Django's query log.")


@contextlib.contextmanager
def scratch_database(args: argparse.Namespace) -> Iterator[Scratch]:
    """Configure Django against a new, migrated database; remove it (and the folder) at the end."""
    folder = Path(tempfile.mkdtemp(prefix="elearning-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    scratch = Scratch(folder=folder, database_url=url, engine=_engine_of(url), keep=args.keep_database)
    created = False
    try:
        if scratch.engine == "postgres":
            _postgres_create(url)
            created = True
        elif args.database_url:
            if _sqlite_path(url).exists() or _sqlite_path(url) in PROTECTED_FILES:
                raise SystemExit(f"{_sqlite_path(url)} exists: give the path of a new file.")
            created = True
        _configure_environment(scratch, args.settings)

        import django

        django.setup()
        _check_isolation()
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        print(f"database: {describe_database()} (migrated in {time.perf_counter() - started:.1f} s)")
        yield scratch
    finally:
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        if scratch.keep:
            print(f"kept: {url} and {folder}")
        else:
            if created and scratch.engine == "postgres":
                _postgres_drop(url)
            elif created:
                _sqlite_path(url).unlink(missing_ok=True)
                for suffix in ("-wal", "-shm"):
                    Path(f"{_sqlite_path(url)}{suffix}").unlink(missing_ok=True)
            shutil.rmtree(folder, ignore_errors=True)


def describe_database() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} (file {connection.settings_dict['NAME']})"
    connection.ensure_connection()
    version = connection.pg_version if connection.vendor == "postgresql" else "?"
    return f"{connection.vendor} {version // 10000}.{version % 10000} (database {connection.settings_dict['NAME']})"


def describe_machine() -> str:
    import platform

    return f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()} {platform.release()}"


# --- A class made through the services --------------------------------------------------------

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Gia", "Thanh", "Hoài", "Đức", "Bảo", "Khánh"]
GIVEN = [
    "An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hòa", "Hùng", "Khang", "Khánh",
    "Lan", "Linh", "Long", "Mai", "My", "Nam", "Ngân", "Nhi", "Phúc", "Phương", "Quân", "Quỳnh", "Sơn",
    "Tâm", "Thảo", "Trang", "Trung", "Tú", "Tuấn", "Uyên", "Vy", "Yến",
]  # fmt: skip


def pupil_names(count: int, rng: random.Random) -> list[str]:
    """`count` different Vietnamese names, as a teacher would paste them."""
    names: set[str] = set()
    while len(names) < count:
        names.add(f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}")
    return sorted(names)


@dataclass
class BenchClass:
    teacher: object
    school: object
    classroom: object
    pupils: list


def make_class(*, pupils: int, grade: int, rng: random.Random, sign_in_kind: str = "pictures") -> BenchClass:
    """A teacher who founded a school, one class of `grade`, and `pupils` pupils imported from a
    pasted list (schools.services and schools.roster, as the roster page does)."""
    from accounts.models import Role, User
    from schools import services
    from schools.roster import plan_from_text

    teacher = User.objects.create_user(
        username="bench-teacher", email="teacher@bench.example", display_name="Cô Lan", role=Role.TEACHER
    )
    school = services.school_create(founder=teacher, name="Trường Hoa Sen", province="ha-noi", kind="school")
    classroom = services.classroom_create(
        school=school, teacher=teacher, name=f"{grade}A1", grade=grade, sign_in_kind=sign_in_kind
    )
    plan = plan_from_text("\n".join(pupil_names(pupils, rng)), existing_names=set())
    if not plan.ok:
        raise RuntimeError(f"the generated class list was refused: {[r.errors for r in plan.rows if r.errors]}")
    created = services.roster_import(classroom=classroom, plan=plan)
    # Fresh from the database, with their credentials, in the order of the class list.
    pupil_list = list(
        User.objects.filter(pk__in=[p.pk for p in created]).select_related("pupil_credential").order_by("display_name")
    )
    teacher.refresh_from_db()
    return BenchClass(teacher=teacher, school=school, classroom=classroom, pupils=pupil_list)


# --- Figures ----------------------------------------------------------------------------------


def percentile(values: list[float], percent: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * percent / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
