"""Signs in 45 pupils concurrently and prints the p95 seconds.

Target: a whole class (45 pupils) signed in within 10 s on the 2-core servers schools use. A
class signs in at the start of a lesson, all at once, behind one school IP: this is the moment
the pupil sign-in must hold up.

What it does: builds one school and one class of 45 pupils through the real services
(`school_create`, `classroom_create`, `roster_import`), serves the real WSGI application over
real HTTP on 127.0.0.1 (a threaded server, in this process by default, or in `--workers` forked
processes sharing the listening socket, like a pre-fork server), and starts 45 clients at the
same instant, each a thread with its own cookie jar. Each client walks the pupil's journey:
GET /vi/class/ (CSRF cookie and token), POST the class code, GET the names page it is sent to,
GET its own secret page, POST its three pictures, and must end on /vi/my-modules/ with 200.
It prints each sign-in's latency (first request to last response) as p50, p95 and max, the wall
time for the whole class, and the failures.

For comparison it also prints the CPU time of one Django default password check (PBKDF2)
against one `accounts.credentials.check` (HMAC): why pupils' secrets are HMACs, not hashes.

Run from the repository root:
    .venv/bin/python bench/pupil_signin.py
    .venv/bin/python bench/pupil_signin.py --database-url postgres://postgres@127.0.0.1:5432/bench_signin
"""

from __future__ import annotations

import argparse
import contextlib
import html
import logging
import multiprocessing
import os
import random
import re
import socket
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

# Run as `python bench/pupil_signin.py`: the repository root is not on the path by itself.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _setup

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- The server -------------------------------------------------------------------------------


@contextlib.contextmanager
def serve(workers: int) -> Iterator[str]:
    """Serve the project's WSGI application on a free port of 127.0.0.1; yield its base URL.

    `workers` 0: one threaded server in this process (a thread per connection, as Django's
    runserver). `workers` N: N forked processes, each a threaded server on the same socket."""
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from django.db import connections

    class Server(ThreadedWSGIServer):
        # The dev server's backlog of 10 would drop some of 45 simultaneous connections, which
        # then wait a 1 s SYN retransmit: a property of the test rig, not of the application.
        request_queue_size = 128

        def get_request(self):
            # wsgiref writes the headers and the body in separate sends: with Nagle's algorithm
            # on, each keep-alive response would wait ~40 ms for the client's delayed ACK.
            connection, address = super().get_request()
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return connection, address

    server = Server(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(get_wsgi_application())  # sets up logging again: silence the server after it
    # One log line per request (INFO) would swamp the output; 4xx and 5xx still show.
    logging.getLogger("django.server").setLevel(logging.WARNING)
    port = server.server_address[1]
    processes, thread = [], None
    if workers:
        connections.close_all()  # no connection may be shared with the children
        context = multiprocessing.get_context("fork")
        processes = [context.Process(target=server.serve_forever, daemon=True) for _ in range(workers)]
        for process in processes:
            process.start()
    else:
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        if thread:
            server.shutdown()
            thread.join()
        for process in processes:
            process.terminate()
            process.join()
        server.server_close()


# --- One pupil --------------------------------------------------------------------------------


@dataclass
class SignIn:
    pupil_id: int
    ok: bool
    started: float
    finished: float
    error: str = ""

    @property
    def seconds(self) -> float:
        return self.finished - self.started


class WrongPage(Exception):
    pass


def _expect(response, path: str, status: int = 200) -> None:
    from urllib.parse import urlsplit

    where = urlsplit(response.url).path
    if response.status_code != status or where != path:
        raise WrongPage(f"expected {status} at {path}, got {response.status_code} at {where}")


def _csrf_token(page: str) -> str:
    match = CSRF_INPUT.search(page)
    if not match:
        raise WrongPage("no CSRF token in the form")
    return html.unescape(match.group(1))


def sign_in(
    *, base: str, code: str, pupil_id: int, pictures: tuple[str, ...], start: threading.Barrier, timeout: float
):
    """The pupil's journey, as a browser without JavaScript makes it."""
    import requests

    session = requests.Session()  # its own cookie jar: CSRF cookie, then session cookie
    start.wait()
    started = time.perf_counter()
    try:
        page = session.get(f"{base}/vi/class/", timeout=timeout)
        _expect(page, "/vi/class/")
        names = session.post(
            f"{base}/vi/class/", data={"csrfmiddlewaretoken": _csrf_token(page.text), "code": code}, timeout=timeout
        )  # 302 to the names page, which requests follows with a GET
        _expect(names, "/vi/class/names/")
        secret_path = f"/vi/class/pupil/{pupil_id}/"
        if f'href="{secret_path}"' not in names.text:
            raise WrongPage("the names page does not list the pupil")
        page = session.get(f"{base}{secret_path}", timeout=timeout)
        _expect(page, secret_path)
        data = {"csrfmiddlewaretoken": _csrf_token(page.text)}
        data |= {f"picture{position}": key for position, key in enumerate(pictures, start=1)}
        home = session.post(f"{base}{secret_path}", data=data, timeout=timeout)  # 302 to my-modules
        _expect(home, "/vi/my-modules/")
        return SignIn(pupil_id, True, started, time.perf_counter())
    except (requests.RequestException, WrongPage) as error:
        return SignIn(pupil_id, False, started, time.perf_counter(), f"{type(error).__name__}: {error}")
    finally:
        session.close()


def sign_in_class(*, base: str, code: str, secrets: dict[int, tuple[str, ...]], timeout: float) -> list[SignIn]:
    """Every pupil at once: all threads wait at a barrier, then go."""
    start = threading.Barrier(len(secrets), timeout=60)
    with ThreadPoolExecutor(max_workers=len(secrets)) as pool:
        futures = [
            pool.submit(sign_in, base=base, code=code, pupil_id=pk, pictures=pictures, start=start, timeout=timeout)
            for pk, pictures in secrets.items()
        ]
        return [future.result() for future in futures]


def warm_up(*, base: str, code: str, secrets: dict[int, tuple[str, ...]], workers: int) -> None:
    """Sign one pupil in a few times (twice per server process) before the class: a server in
    service has its templates compiled, URLs resolved and catalogues loaded; on a cold one the
    first 45 threads would all compile the same templates at once."""
    pupil_id, pictures = next(iter(secrets.items()))
    for _ in range(max(workers, 1) * 2):  # which process accepts a connection is not ours to choose
        start = threading.Barrier(1)
        result = sign_in(base=base, code=code, pupil_id=pupil_id, pictures=pictures, start=start, timeout=60)
        if not result.ok:
            raise SystemExit(f"the warm-up sign-in failed: {result.error}")
    print(f"warm-up: {max(workers, 1) * 2} sign-ins of one pupil, the last in {result.seconds * 1000:.0f} ms")


# --- PBKDF2 against HMAC ----------------------------------------------------------------------


def cpu_seconds(function, repeat: int) -> float:
    """The median CPU time of one call (this thread's CPU, not the wall clock)."""
    times = []
    for _ in range(repeat):
        before = time.thread_time()
        function()
        times.append(time.thread_time() - before)
    return statistics.median(times)


def compare_with_password_hashing(credential, pupils: int) -> None:
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from accounts import credentials

    # Explicitly PBKDF2, Django's default: the settings in use may list a faster hasher (tests use MD5).
    hasher = PBKDF2PasswordHasher()
    encoded = hasher.encode("correct-horse-battery-9", hasher.salt())
    pbkdf2 = cpu_seconds(lambda: hasher.verify("correct-horse-battery-9", encoded), repeat=5)
    answer = credentials.secret_of(credential)
    check = cpu_seconds(lambda: credentials.check(credential=credential, answer=answer), repeat=200)
    hmac_only = cpu_seconds(lambda: credentials.secret_of(credential), repeat=2000)
    print(f"one password check, PBKDF2-SHA256 x {hasher.iterations:,} (Django's default): {pbkdf2 * 1000:.0f} ms CPU")
    print(
        f"one accounts.credentials.check: {check * 1e6:.0f} µs CPU with its database queries, "
        f"{hmac_only * 1e6:.1f} µs for the HMAC itself"
    )
    print(
        f"{pupils} PBKDF2 checks would cost {pupils * pbkdf2:.1f} s of CPU; "
        f"{pupils} credential checks {pupils * check * 1000:.1f} ms"
    )


# --- Main -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    _setup.add_common_arguments(parser)
    parser.add_argument("--pupils", type=int, default=45, help="pupils in the class, all signing in (default 45)")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="0 (default): a threaded server in this process; N: N forked threaded server processes",
    )
    parser.add_argument("--target", type=float, default=10.0, help="seconds the whole class may take (default 10)")
    parser.add_argument(
        "--no-warm-up",
        dest="warm_up",
        action="store_false",
        help="start the class on a cold server (templates not yet compiled)",
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per HTTP request before it fails")
    args = parser.parse_args()
    if not 1 <= args.pupils <= 60:
        parser.error("--pupils: a class list imports 1 to 60 pupils at a time")

    print(f"machine: {_setup.describe_machine()}")
    with _setup.scratch_database(args) as _scratch:
        from accounts import credentials

        rng = random.Random(args.seed)
        bench = _setup.make_class(pupils=args.pupils, grade=3, rng=rng)
        secrets = {pupil.pk: credentials.secret_of(pupil.pupil_credential) for pupil in bench.pupils}
        compare_with_password_hashing(bench.pupils[0].pupil_credential, args.pupils)

        server = f"{args.workers} forked server processes" if args.workers else "a threaded server in this process"
        print(f"{args.pupils} pupils of class {bench.classroom.name} sign in at once, served by {server}")
        with serve(args.workers) as base:
            if args.warm_up:
                warm_up(base=base, code=bench.classroom.class_code, secrets=secrets, workers=args.workers)
            before = os.times()
            results = sign_in_class(base=base, code=bench.classroom.class_code, secrets=secrets, timeout=args.timeout)
            after = os.times()

    failed = [r for r in results if not r.ok]
    for result in failed:
        print(f"  pupil {result.pupil_id} failed after {result.seconds:.2f} s: {result.error}")
    latencies = [r.seconds for r in results if r.ok]
    wall = max(r.finished for r in results) - min(r.started for r in results)
    if latencies:
        print(
            f"sign-in latency: p50 {_setup.percentile(latencies, 50):.2f} s, "
            f"p95 {_setup.percentile(latencies, 95):.2f} s, max {max(latencies):.2f} s"
        )
    verdict = "within" if not failed and wall <= args.target else "NOT within"
    print(f"wall time for the class: {wall:.2f} s ({verdict} the {args.target:g} s target); failures: {len(failed)}")
    if not args.workers:  # forked servers' CPU is not this process's
        cpu = (after.user - before.user) + (after.system - before.system)
        print(
            f"CPU of this process (server and clients) for the class: {cpu:.2f} s, "
            f"{cpu / len(results) * 1000:.0f} ms a pupil"
        )
    p95 = _setup.percentile(latencies, 95) if latencies else float("nan")
    print(f"p95 {p95:.2f} s; all {len(results)} in {wall:.2f} s; {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
