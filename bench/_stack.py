"""Shared by the benchmarks that load the production stack over HTTP (`bench/serving.py`,
`bench/school_burst.py`): the stack itself (`scripts/stack.py`), Python run inside it, small
HTTP helpers, and CPU accounting per process group.

Unlike `bench/_setup.py`, nothing here configures Django in this process: the data is made by
`manage.py shell` with the stack's environment (production settings, its PostgreSQL and Redis),
through the project's real services, and the pages are asked for over HTTP, as a browser would.
"""

from __future__ import annotations

import html
import json
import os
import re
import resource
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

from stack import Stack, free_port  # noqa: E402  (scripts/ is not a package)

__all__ = [
    "Stack",
    "cpu_by_group",
    "free_port",
    "postmaster_pid",
    "pupil_sign_in",
    "run_python",
    "teacher_sign_in",
    "wait_for",
]

RESULT_MARK = "BENCH-RESULT "
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def run_python(stack: Stack, code: str) -> dict:
    """Run `code` in `manage.py shell` with the stack's environment; it hands back its result by
    calling `result(dict)`, which prints one JSON line this function reads."""
    prelude = f"import json as _json\ndef result(value):\n    print({RESULT_MARK!r} + _json.dumps(value))\n"
    try:
        completed = stack.manage("shell", "-c", prelude + code, capture_output=True, text=True)
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f"manage.py shell failed ({error.returncode}):\n{error.stderr[-4000:]}") from error
    for line in completed.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK) :])
    raise RuntimeError(f"manage.py shell printed no result:\n{completed.stdout[-2000:]}\n{completed.stderr[-2000:]}")


def wait_for(url: str, process, log: Path, timeout: float = 60) -> None:
    """Until `url` answers 200 (a server started by `process`, logging to `log`)."""
    import time
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def csrf_token(page: str) -> str:
    match = CSRF_INPUT.search(page)
    if not match:
        raise RuntimeError("no CSRF token in the form")
    return html.unescape(match.group(1))


class Client:
    """A browser without JavaScript, for signing in: keeps cookies, follows no redirect by itself."""

    def __init__(self, base_url: str, timeout: float = 30) -> None:
        import requests

        self.base_url = base_url
        self.timeout = timeout
        self.session = requests.Session()

    def get(self, path: str, **kwargs):
        return self.session.get(self.base_url + path, timeout=self.timeout, allow_redirects=False, **kwargs)

    def post(self, path: str, data: dict, **kwargs):
        return self.session.post(self.base_url + path, data=data, timeout=self.timeout, allow_redirects=False, **kwargs)

    def cookie(self, name: str) -> str:
        return self.session.cookies.get(name) or ""


def expect(response, status: int, *, where: str, location: str | None = None) -> None:
    if response.status_code != status:
        raise RuntimeError(f"{where}: expected {status}, got {response.status_code} ({response.url})")
    if location is not None and not response.headers.get("Location", "").endswith(location):
        raise RuntimeError(f"{where}: expected a redirect to {location}, got {response.headers.get('Location')!r}")


def teacher_sign_in(base_url: str, email: str, password: str) -> str:
    """allauth's log-in form, as a teacher fills it in; returns the session cookie."""
    client = Client(base_url)
    page = client.get("/vi/accounts/login/")
    expect(page, 200, where="GET /vi/accounts/login/")
    answer = client.post(
        "/vi/accounts/login/",
        {"csrfmiddlewaretoken": csrf_token(page.text), "login": email, "password": password},
    )
    expect(answer, 302, where=f"log-in of {email}")
    session = client.cookie("sessionid")
    if not session:
        raise RuntimeError(f"log-in of {email}: no session cookie")
    return session


def pupil_sign_in(base_url: str, *, class_code: str, pupil_id: int, secret: list[str], kind: str) -> str:
    """The pupil's way in (README, "Demo accounts"): class code, name, pictures or PIN."""
    client = Client(base_url)
    page = client.get("/vi/class/")
    expect(page, 200, where="GET /vi/class/")
    answer = client.post("/vi/class/", {"csrfmiddlewaretoken": csrf_token(page.text), "code": class_code})
    expect(answer, 302, where=f"class code {class_code}", location="/vi/class/names/")
    path = f"/vi/class/pupil/{pupil_id}/"
    page = client.get(path)
    expect(page, 200, where=f"GET {path}")
    data = {"csrfmiddlewaretoken": csrf_token(page.text)}
    if kind == "pin":
        data["pin"] = "".join(secret)
    else:
        data |= {f"picture{position}": key for position, key in enumerate(secret, start=1)}
    answer = client.post(path, data)
    expect(answer, 302, where=f"pupil {pupil_id}'s pictures", location="/vi/my-modules/")
    return client.cookie("sessionid")


# --- CPU per process group --------------------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, str, float]]:
    """pid: (parent pid, command name, CPU seconds so far, its ended children's included)."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        # utime, stime, and cutime, cstime: the CPU of children already ended and waited for
        # (PostgreSQL's backends that closed during the run, reaped by the postmaster).
        found[int(entry.name)] = (int(fields[1]), name, sum(map(int, fields[11:15])) / TICKS)
    return found


def _descendants(root: int, processes: dict) -> set[int]:
    family, grew = {root}, True
    while grew:
        grew = False
        for pid, (parent, _name, _cpu) in processes.items():
            if parent in family and pid not in family:
                family.add(pid)
                grew = True
    return family


def cpu_by_group(roots: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far by each named process and its descendants, ended ones included once
    their parent has waited for them (sample before and after, and subtract)."""
    processes = _processes()
    totals = {}
    for name, root in roots.items():
        totals[name] = sum(processes[pid][2] for pid in _descendants(root, processes) if pid in processes)
    return totals


def postmaster_pid(stack: Stack) -> int:
    return int((stack.pg_data / "postmaster.pid").read_text().split()[0])


def raise_open_files_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(needed, soft), hard), hard))


def machine_busy() -> float:
    """CPU seconds the whole machine has spent not idle (all cores, all processes)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / TICKS


def wait_for_tasks(stack: Stack, timeout: float = 300) -> int:
    """Until the RQ worker has run every queued task (load_demo leaves a few hundred search and
    reference index updates behind): a worker busy beside the web server would skew the figures.
    Returns how many tasks were waiting."""
    import time

    from redis import Redis
    from rq import Queue

    queue = Queue("default", connection=Redis.from_url(stack.env["REDIS_URL"]))
    waiting = queue.count + queue.started_job_registry.count
    deadline = time.monotonic() + timeout
    while queue.count or queue.started_job_registry.count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the task queue did not drain within {timeout:.0f} s ({queue.count} left)")
        time.sleep(0.5)
    return waiting


def fail(stack: Stack, error: RuntimeError) -> SystemExit:
    """What a benchmark raises when a check failed: the stack's tracebacks first, then the error."""
    for traceback in stack.tracebacks():
        print(f"traceback in the stack's logs:\n{traceback}", file=sys.stderr)
    return SystemExit(f"ERROR {error}")


# --- A bare Wagtail site, the baseline of the speed targets ----------------------------------

VENV_BIN = REPO / ".venv" / "bin"
BARE_LOCAL_SETTINGS = """
SECRET_KEY = {secret!r}
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
"""


def _run(command: list[str], *, cwd: Path, env: dict, log: Path) -> None:
    with open(log, "ab") as out:
        result = subprocess.run(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    if result.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{log.read_text()[-3000:]}")


def make_bare_site(folder: Path) -> tuple[Path, dict[str, str]]:
    """`wagtail start baresite`, its production settings, migrated, static files collected."""
    log = folder / "setup.log"
    _run([str(VENV_BIN / "wagtail"), "start", "baresite"], cwd=folder, env=os.environ.copy(), log=log)
    site = folder / "baresite"
    (site / "baresite" / "settings" / "local.py").write_text(BARE_LOCAL_SETTINGS.format(secret=os.urandom(32).hex()))
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "PYTEST"))
    }
    env |= {"DJANGO_SETTINGS_MODULE": "baresite.settings.production", "PYTHONUNBUFFERED": "1"}
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        _run([str(VENV_BIN / "python"), "manage.py", *command], cwd=site, env=env, log=log)
    return site, env


@contextmanager
def bare_site_served(site: Path, env: dict, *, workers: int, gunicorn_args: list[str]):
    port = free_port()
    log = site.parent / "web.log"
    # The stack's web command, with the bare site's WSGI module: same workers, same bind style.
    command = [
        str(VENV_BIN / "gunicorn"),
        "baresite.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        *gunicorn_args,
    ]
    process = subprocess.Popen(
        command,
        cwd=site,
        env=env,
        stdout=open(log, "ab"),  # noqa: SIM115 - closed with the process
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for(base_url + "/", process, log)
        yield base_url
    finally:
        process.terminate()
        process.wait(20)
