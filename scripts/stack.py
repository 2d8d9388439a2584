"""The production stack on one machine, exactly as the README's "Running at scale" runs it:
production settings, PostgreSQL, Redis, one RQ worker and gunicorn, set up with the README's
commands in the README's order. CI's smoke run and the serving benchmarks start it from here.

PostgreSQL and Redis are the stack's own: a PostgreSQL cluster (`initdb`) and a `redis-server`
in a temporary folder, on free ports, so that the smoke run can stop and start them to check
how the site behaves, without touching the machine's own servers. `--database-url` uses an
existing, empty PostgreSQL database instead (then the database cannot be stopped).

    .venv/bin/python scripts/stack.py up          # serve until Ctrl-C; prints the address
    .venv/bin/python scripts/stack.py smoke       # start, run scripts/smoke.py with faults, stop

Only the standard library is imported here, so that a benchmark can start the stack before it
configures Django for itself.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = REPO / ".venv" / "bin"
PY = str(VENV_BIN / "python")

# The README's "Running at scale", in its order (tests/elearning/test_running_at_scale.py checks
# that the README says exactly these). `{py}`/`{bin}` stand for the virtual environment.
SETUP_COMMANDS = [
    "{py} manage.py migrate --noinput",
    "{py} manage.py createcachetable",
    "{py} manage.py h5p_share_libraries",
    "{py} manage.py update_index",
    "{bin}/pybabel compile --domain django --directory locale",
    "{py} manage.py collectstatic --noinput",
    "{py} manage.py load_demo",
]
WEB_COMMAND = "{bin}/gunicorn elearning.wsgi --workers 2 --bind 127.0.0.1:8000"
WORKER_COMMAND = "{py} manage.py taskworker"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        raise SystemExit(f"{name} not found: install PostgreSQL's server package, or pass --database-url.")
    return str(candidates[-1])


def _as_postgres(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Stack:
    """Start with `with Stack() as stack:`; `stack.base_url`, `stack.env`, `stack.logs`."""

    def __init__(
        self,
        *,
        web_workers: int = 2,
        database_url: str | None = None,
        extra_env: dict[str, str] | None = None,
        gunicorn_args: list[str] | None = None,
        keep: bool = False,
        quiet: bool = False,
    ) -> None:
        self.web_workers = web_workers
        self.external_database_url = database_url
        self.extra_env = extra_env or {}
        self.gunicorn_args = gunicorn_args or []
        self.keep = keep
        self.quiet = quiet
        self.root = Path(tempfile.mkdtemp(prefix="elearning-stack-"))
        self.logs = self.root / "logs"
        self.logs.mkdir()
        self.web_port = free_port()
        self.redis_port = free_port()
        self.pg_port = free_port()
        self.base_url = f"http://127.0.0.1:{self.web_port}"
        self._redis: subprocess.Popen | None = None
        self._web: subprocess.Popen | None = None
        self._worker: subprocess.Popen | None = None
        self.env: dict[str, str] = {}

    # --- services -----------------------------------------------------------------------------
    def say(self, text: str) -> None:
        if not self.quiet:
            print(f"[stack] {text}", flush=True)

    @property
    def pg_data(self) -> Path:
        return self.root / "pg"

    def db_start(self) -> None:
        command = [
            _postgres_bin("pg_ctl"),
            "-D",
            str(self.pg_data),
            "-l",
            str(self.logs / "postgresql.log"),
            "-w",
            "-o",
            f"-p {self.pg_port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=200",
            "start",
        ]
        subprocess.run(_as_postgres(command), check=True, stdout=subprocess.DEVNULL)

    def db_stop(self) -> None:
        command = [_postgres_bin("pg_ctl"), "-D", str(self.pg_data), "-m", "fast", "-w", "stop"]
        subprocess.run(_as_postgres(command), check=True, stdout=subprocess.DEVNULL)

    def redis_start(self) -> None:
        self._redis = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.redis_port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
            ],
            stdout=open(self.logs / "redis.log", "ab"),  # noqa: SIM115 - closed with the process
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.redis_port), 0.2):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def redis_stop(self) -> None:
        if self._redis and self._redis.poll() is None:
            self._redis.terminate()
            self._redis.wait(10)

    # --- the site -----------------------------------------------------------------------------
    def _environment(self, database_url: str) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "TASKS_", "PYTEST"))
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "elearning.settings.production",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DATABASE_URL": database_url,
                "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
                "TASKS_BACKEND": "rq",
                # A trial deployment on loopback: no TLS in front of it.
                "SECURE_SSL_REDIRECT": "false",
                "SESSION_COOKIE_SECURE": "false",
                "CSRF_COOKIE_SECURE": "false",
                "SECURE_HSTS_SECONDS": "0",
                "WAGTAILADMIN_BASE_URL": self.base_url,
                # A trial on loopback sends no e-mail: said explicitly, as production demands.
                "EMAIL_URL": "consolemail://",
                # The smoke walk signs in as the demo accounts.
                "DEMO_ACCOUNTS": "true",
                "STATIC_ROOT": str(self.root / "static"),
                "MEDIA_ROOT": str(self.root / "media"),
                "PRIVATE_MEDIA_ROOT": str(self.root / "private-media"),
                "H5P_ROOT": str(self.root / "h5p-files"),
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def _expand(self, command: str) -> list[str]:
        return shlex.split(command.format(py=PY, bin=VENV_BIN))

    def start(self) -> Stack:
        if self.external_database_url:
            database_url = self.external_database_url
        else:
            if os.geteuid() == 0:
                for folder in (self.root, self.logs):
                    shutil.chown(folder, "postgres")
            command = [_postgres_bin("initdb"), "-D", str(self.pg_data), "-A", "trust", "-U", "postgres", "-E", "UTF8"]
            subprocess.run(_as_postgres(command), check=True, stdout=subprocess.DEVNULL)
            self.db_start()
            subprocess.run(
                _as_postgres(
                    [
                        _postgres_bin("createdb"),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        str(self.pg_port),
                        "-U",
                        "postgres",
                        "elearning",
                    ]
                ),
                check=True,
            )
            database_url = f"postgres://postgres@127.0.0.1:{self.pg_port}/elearning"
        self.redis_start()
        self.env = self._environment(database_url)
        self.say(f"PostgreSQL {database_url}, Redis on port {self.redis_port}, folder {self.root}")
        with open(self.logs / "setup.log", "ab") as log:
            for command in SETUP_COMMANDS:
                self.say(command.format(py="python", bin=".venv/bin"))
                result = subprocess.run(
                    self._expand(command), cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT
                )
                if result.returncode:
                    log.flush()
                    print((self.logs / "setup.log").read_text()[-4000:], file=sys.stderr)
                    raise RuntimeError(f"{command} failed with exit code {result.returncode}")
        self._worker = subprocess.Popen(
            self._expand(WORKER_COMMAND),
            cwd=REPO,
            env=self.env,
            stdout=open(self.logs / "worker.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        web = self._expand(WEB_COMMAND)
        web[web.index("--workers") + 1] = str(self.web_workers)
        web[web.index("--bind") + 1] = f"127.0.0.1:{self.web_port}"
        self._web = subprocess.Popen(
            [*web, *self.gunicorn_args],
            cwd=REPO,
            env=self.env,
            stdout=open(self.logs / "web.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_until_up()
        self.say(f"serving {self.base_url} with {self.web_workers} gunicorn workers and one RQ worker")
        return self

    def wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._web and self._web.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{(self.logs / 'web.log').read_text()[-4000:]}")
            with (
                contextlib.suppress(OSError, urllib.error.URLError),
                urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2) as response,
            ):
                if response.status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"the site did not answer /healthz within {timeout:.0f} s")

    def manage(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        """Run `manage.py` with the stack's environment (e.g. to prepare benchmark data)."""
        return subprocess.run([PY, "manage.py", *args], cwd=REPO, env=self.env, check=True, **kwargs)

    def demo_pupil(self) -> str:
        """The demo pupil as `load_demo` printed it, for scripts/smoke.py: CODE:NAME:PICTURES."""
        line = re.search(
            r"Demo pupil: class code (\w+), (.+), pictures (.+)\.$", (self.logs / "setup.log").read_text(), re.M
        )
        if not line:
            raise RuntimeError("load_demo printed no demo pupil")
        return f"{line[1]}:{line[2]}:{','.join(line[3].split(' → '))}"

    def tracebacks(self) -> list[str]:
        """Every traceback the web server and the worker logged."""
        found = []
        for name in ("web.log", "worker.log"):
            path = self.logs / name
            if path.exists():
                lines = path.read_text(errors="replace").splitlines()
                for index, line in enumerate(lines):
                    if line.startswith("Traceback"):
                        found.append(f"{name}:\n" + "\n".join(lines[max(0, index - 2) : index + 30]))
        return found

    def stop(self) -> None:
        for process in (self._web, self._worker):
            if process and process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(10)
        self.redis_stop()
        if not self.external_database_url and (self.pg_data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self.db_stop()
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Stack:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["up", "smoke"])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--database-url", help="an existing, empty PostgreSQL database instead of a new cluster")
    parser.add_argument("--keep", action="store_true", help="keep the stack's folder (logs) afterwards")
    args = parser.parse_args()
    # A cancelled CI run sends SIGTERM: leave through `with`, so that every server is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    stack = Stack(web_workers=args.workers, database_url=args.database_url, keep=args.keep)
    with stack:
        if args.action == "up":
            print(f"Serving {stack.base_url}; logs in {stack.logs}. Ctrl-C stops.")
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)
            return 0
        sys.path.insert(0, str(REPO / "scripts"))
        import smoke

        failures = smoke.run(stack.base_url, faults=smoke.StackFaults(stack), pupil=stack.demo_pupil())
        tracebacks = stack.tracebacks()
        for traceback in tracebacks:
            print(f"FAIL traceback in the server logs: {traceback}")
        if failures or tracebacks:
            print(f"smoke: {len(failures)} failed checks, {len(tracebacks)} tracebacks; logs in {stack.logs}")
            stack.keep = True
            return 1
        print("smoke: every check passed, no traceback in the logs")
        return 0


if __name__ == "__main__":
    sys.exit(main())
