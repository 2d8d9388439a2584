"""Renders 200 certificates through the project's code and the same HTML through bare
WeasyPrint, and prints milliseconds per certificate and the memory of each path.

Target: the project's PDF within 1.3x of bare WeasyPrint's time per certificate, and flat memory
over the run (one WeasyPrint FontConfiguration per process, `certificates.pdf._font_config`).

What it does: makes `--count` certificate facts (`certificates.pdf.Facts`) with Vietnamese names
(all the diacritics, three to eight words), a Vietnamese course title and varied dates, codes and
study times, in Vietnamese and with the built-in wording (no CertificateTemplate). Then it times
four paths, each in its own child process so that each memory curve is its own:

- project: `render_pdf(build_context(facts, None))` per certificate, the whole path of a real
  certificate: Babel's date, the segno QR code, the Django template, WeasyPrint with the shared
  FontConfiguration and the project's URL fetcher, and render_pdf's check for a second page;
- bare: the same HTML, rendered beforehand with `render_html` (outside the timing), through
  `weasyprint.HTML(string=..., base_url=...).write_pdf(font_config=...)` with one FontConfiguration
  made once for the run: the ratio project/bare is the project's own overhead;
- bare-new-config: the same, but `write_pdf()` without a font_config, so that WeasyPrint makes a
  new FontConfiguration for every certificate (the leak the shared one avoids);
- paired: project and bare on each certificate in turn, in one process. On a shared 2-core
  machine the load changes between the separate runs above; taking the ratio of each pair is
  what the 1.3x target is checked on (its memory mixes both paths and is not shown).

Each child sets up its own throw-away database (bench/_setup.py; with `--database-url`, the
name with the path appended, e.g. bench_certificates_project), renders `--warm-up` certificates
that are not counted, then times each certificate with `time.perf_counter` and reads its resident
memory (/proc/self/statm) before the first timed certificate, every `--every` certificates and at
the end. Memory is "flat" when it grew by less than `--flat-mb` over the second half of the run
(the first certificates warm the allocator and WeasyPrint's caches). The project path also checks
that every PDF has one page (and shows the first one's `pdfinfo` when poppler is installed).

Run from the repository root:
    .venv/bin/python bench/certificates.py
    .venv/bin/python bench/certificates.py --count 1000
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
import zlib
from datetime import date, timedelta
from pathlib import Path

# Run as `python bench/certificates.py`: the repository root is not on the path by itself.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _setup

PATHS = ("project", "bare", "bare-new-config", "paired")
PATH_TITLES = {
    "project": "project: render_pdf(build_context(...))",
    "bare": "bare WeasyPrint, one FontConfiguration",
    "bare-new-config": "bare WeasyPrint, a new FontConfiguration each",
    "paired": "project and bare WeasyPrint in turns, for the ratio",
}
RESULT_MARK = "RESULT "
TARGET_RATIO = 1.3

COURSE_TITLE = "Ứng phó với bóc lột và xâm hại tình dục trẻ em trên môi trường mạng"
# Holders as teachers and social workers write them: three to eight words, every tone mark,
# đ/Đ, ơ/ư, and one name longer than 34 characters, which takes the smaller name size.
HOLDERS = [
    "Nguyễn Thị Hồng Nhung", "Trần Văn Đức", "Lê Ngọc Ánh", "Phạm Quốc Việt", "Hoàng Thị Thu Hương",
    "Huỳnh Minh Triết", "Phan Thị Ngọc Diễm", "Vũ Đình Hưởng", "Võ Thị Mỹ Duyên", "Đặng Văn Lượng",
    "Bùi Thị Quỳnh Như", "Đỗ Hữu Nghĩa", "Hồ Thị Bích Ngọc", "Ngô Quang Huy", "Dương Thị Thủy",
    "Lý Thị Kiều Oanh", "Trịnh Văn Cường", "Đinh Thị Ngọc Hân", "Mai Xuân Trường", "Lương Thế Vinh",
    "Tạ Thị Hoài Thương", "Chu Văn Khải", "Kiều Thị Diệu Linh", "Thái Bá Lộc", "Lâm Thị Ỷ Lan",
    "Quách Tuấn Kiệt", "Âu Dương Thị Hồng Nhạn", "Tôn Nữ Thị Phương Thảo", "Hà Thị Yến Nhi",
    "Công Tằng Tôn Nữ Thị Ngọc Bích", "Nguyễn Phước Bửu Quyến", "Châu Thị Cẩm Tú",
    "Nguyễn Huỳnh Thị Xuân Hương Ngọc Trâm Anh", "Ông Văn Sĩ", "Khổng Thị Hạnh", "Ưng Hoàng Phúc",
]  # fmt: skip


# --- The certificates -------------------------------------------------------------------------


def make_facts(count: int, rng: random.Random) -> list:
    from certificates.models import CODE_ALPHABET, CODE_LENGTH
    from certificates.pdf import Facts

    first_day = date(2026, 1, 5)
    facts = []
    for index in range(count):
        issued_on = first_day + timedelta(days=rng.randrange(330))
        facts.append(
            Facts(
                code="".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)),
                holder_name=HOLDERS[index % len(HOLDERS)],
                course_title=COURSE_TITLE,
                language="vi",
                issued_on=issued_on,
                study_minutes=rng.choice((90, 120, 135, 150, 185, 240)),
                expires_on=issued_on + timedelta(days=730) if index % 4 == 0 else None,
            )
        )
    return facts


PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")  # a page, not /Pages (the page tree)


def page_count(pdf: bytes) -> int:
    """Page objects in the PDF. WeasyPrint compresses its objects into object streams: look in
    the file and in every stream that inflates."""
    count = len(PAGE_OBJECT.findall(pdf))
    for stream in re.finditer(rb"stream\r?\n", pdf):
        with contextlib.suppress(zlib.error):  # not a compressed stream (or "endstream")
            # A decompressobj stops at the end of the compressed data, wherever "endstream" is.
            count += len(PAGE_OBJECT.findall(zlib.decompressobj().decompress(pdf[stream.end() :])))
    return count


def show_pdfinfo(pdf: bytes, folder: Path) -> None:
    if not shutil.which("pdfinfo"):
        print("pdfinfo not installed: pages counted in the PDF's objects only")
        return
    path = folder / "first-certificate.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=False).stdout
    wanted = ("Pages", "Page size", "File size")
    print("first certificate: " + "; ".join(line.strip() for line in info.splitlines() if line.startswith(wanted)))


# --- Memory -----------------------------------------------------------------------------------

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    """The resident memory of this process now."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


# --- One path, in a child process -------------------------------------------------------------


def renderers(path: str, facts: list):
    """A function that renders certificate i to PDF bytes, for the path; work outside the timing
    (the bare paths' HTML) is done here."""
    from django.conf import settings
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from certificates.pdf import build_context, render_html, render_pdf

    if path == "project":
        return lambda i: render_pdf(build_context(facts[i], None))
    started = time.perf_counter()
    pages = [render_html(build_context(f, None)) for f in facts]
    print(f"HTML of {len(pages)} certificates rendered beforehand in {time.perf_counter() - started:.1f} s")
    base_url = settings.WAGTAILADMIN_BASE_URL
    if path == "bare":
        font_config = FontConfiguration()
        return lambda i: HTML(string=pages[i], base_url=base_url).write_pdf(font_config=font_config)
    return lambda i: HTML(string=pages[i], base_url=base_url).write_pdf()


def run_paired(args: argparse.Namespace) -> dict:
    """Project and bare WeasyPrint on the same certificate, one after the other (in alternating
    order), so that both see the same load on a shared machine: the ratio of each pair."""
    with _setup.scratch_database(args):
        facts = make_facts(args.count + args.warm_up, random.Random(args.seed))
        project, bare = renderers("project", facts), renderers("bare", facts)
        for i in range(args.warm_up):
            project(args.count + i)
            bare(args.count + i)
        print(f"warm-up: {args.warm_up} certificates on each path (not counted)")
        times = {"project": [], "bare": []}
        for i in range(args.count):
            order = (("project", project), ("bare", bare)) if i % 2 == 0 else (("bare", bare), ("project", project))
            for name, render in order:
                before = time.perf_counter()
                render(i)
                times[name].append((time.perf_counter() - before) * 1000)
            if (i + 1) % args.every == 0:
                print(f"  {i + 1:5d} pairs")
    ratios = [p / b for p, b in zip(times["project"], times["bare"], strict=True)]
    return {
        "path": "paired",
        "count": args.count,
        "project_median_ms": statistics.median(times["project"]),
        "bare_median_ms": statistics.median(times["bare"]),
        "project_mean_ms": statistics.fmean(times["project"]),
        "bare_mean_ms": statistics.fmean(times["bare"]),
        "ratio_median": statistics.median(ratios),
        "ratio_p95": _setup.percentile(ratios, 95),
    }


def run_path(args: argparse.Namespace) -> dict:
    if args.path == "paired":
        return run_paired(args)
    with _setup.scratch_database(args) as scratch:
        rng = random.Random(args.seed)
        facts = make_facts(args.count + args.warm_up, rng)
        render = renderers(args.path, facts)
        started = time.perf_counter()
        for i in range(args.warm_up):
            render(args.count + i)  # facts of their own, after the timed ones
        print(f"warm-up: {args.warm_up} certificates in {time.perf_counter() - started:.1f} s (not counted)")

        samples = [(0, rss_mb())]
        times, sizes, multi_page = [], [], []
        started_cpu = time.process_time()
        for i in range(args.count):
            before = time.perf_counter()
            pdf = render(i)
            times.append(time.perf_counter() - before)
            sizes.append(len(pdf))
            if args.path == "project":
                if i == 0:
                    show_pdfinfo(pdf, scratch.folder)
                if page_count(pdf) != 1:
                    multi_page.append(i)
            if (i + 1) % args.every == 0 or i + 1 == args.count:
                samples.append((i + 1, rss_mb()))
                print(f"  {i + 1:5d} certificates: RSS {samples[-1][1]:.1f} MB")
        cpu = time.process_time() - started_cpu

    ms = [t * 1000 for t in times]
    # The second half of the run, from the first reading at or past its middle.
    window_from, window_start = next((n, rss) for n, rss in samples if n >= args.count // 2)
    return {
        "path": args.path,
        "count": args.count,
        "median_ms": statistics.median(ms),
        "p95_ms": _setup.percentile(ms, 95),
        "mean_ms": statistics.fmean(ms),
        "cpu_ms": cpu * 1000 / args.count,
        "rss_start_mb": samples[0][1],
        "rss_end_mb": samples[-1][1],
        "rss_peak_mb": peak_rss_mb(),
        "growth_mb": samples[-1][1] - samples[0][1],
        "growth_window_mb": samples[-1][1] - window_start,
        "window": args.count - window_from,
        "samples": samples,
        "pdf_kb": statistics.fmean(sizes) / 1024,
        "multi_page": multi_page[:10],
        "multi_page_count": len(multi_page),
    }


# --- The parent: one child per path, and the table --------------------------------------------


def child_database_url(url: str | None, path: str) -> str | None:
    """Each child makes and drops its own database: the given name with the path appended."""
    if not url:
        return None
    suffix = path.replace("-", "_")
    if url.startswith(("sqlite:", "spatialite:")):
        stem, dot, extension = url.rpartition(".")
        return f"{stem}-{suffix}.{extension}" if dot and "/" not in extension else f"{url}-{suffix}"
    return f"{url.rstrip('/')}_{suffix}"


def spawn(path: str, args: argparse.Namespace) -> dict:
    command = [sys.executable, "-u", str(Path(__file__).resolve()), "--path", path]
    command += ["--count", str(args.count), "--warm-up", str(args.warm_up), "--every", str(args.every)]
    command += ["--settings", args.settings, "--seed", str(args.seed)]
    if args.database_url:
        command += ["--database-url", child_database_url(args.database_url, path)]
    if args.keep_database:
        command.append("--keep-database")
    print(f"\n== {PATH_TITLES[path]} ({args.count} certificates, own process) ==")
    result = None
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=_setup.REPO) as child:
        for line in child.stdout:
            if line.startswith(RESULT_MARK):
                result = json.loads(line[len(RESULT_MARK) :])
            else:
                print(f"  {line}", end="")
    if child.returncode or result is None:
        raise SystemExit(f"the {path} child failed (exit status {child.returncode})")
    return result


def print_table(results: list[dict], flat_mb: float) -> None:
    results = [r for r in results if r["path"] != "paired"]
    if not results:
        return
    print()
    print(
        f"{'path':<16} {'median':>8} {'p95':>8} {'mean':>8} {'CPU':>8} "
        f"{'RSS start':>10} {'RSS end':>8} {'growth':>8} {'2nd half':>12} {'flat':>5}"
    )
    for r in results:
        flat = "yes" if r["growth_window_mb"] < flat_mb else "NO"
        print(
            f"{r['path']:<16} {r['median_ms']:6.1f}ms {r['p95_ms']:6.1f}ms {r['mean_ms']:6.1f}ms "
            f"{r['cpu_ms']:6.1f}ms {r['rss_start_mb']:8.1f}MB {r['rss_end_mb']:6.1f}MB "
            f"{r['growth_mb']:+6.1f}MB {r['growth_window_mb']:+6.1f}MB/{r['window']:<4} {flat:>5}"
        )
    print("(times per certificate, wall clock and CPU of the process; RSS from /proc/self/statm)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    _setup.add_common_arguments(parser)
    parser.add_argument("--count", type=int, default=200, help="certificates timed per path (default 200)")
    parser.add_argument("--warm-up", type=int, default=5, help="certificates rendered first, not timed (default 5)")
    parser.add_argument("--every", type=int, default=50, help="read the memory every N certificates (default 50)")
    parser.add_argument(
        "--paths",
        default=",".join(PATHS),
        help=f"comma-separated paths to run (default all: {','.join(PATHS)})",
    )
    parser.add_argument(
        "--flat-mb",
        type=float,
        default=5.0,
        help="memory is flat when it grows by less than this over the second half of the run (default 5)",
    )
    parser.add_argument("--path", choices=PATHS, help=argparse.SUPPRESS)  # a child process: one path
    args = parser.parse_args()
    if args.count < 1 or args.every < 1 or args.warm_up < 0:
        parser.error("--count and --every must be at least 1, --warm-up at least 0")

    if args.path:
        result = run_path(args)
        print(RESULT_MARK + json.dumps(result))
        return 0

    paths = [p.strip() for p in args.paths.split(",") if p.strip()]
    if unknown := [p for p in paths if p not in PATHS]:
        parser.error(f"--paths: unknown {', '.join(unknown)}; choose among {', '.join(PATHS)}")
    import weasyprint

    print(f"machine: {_setup.describe_machine()}; WeasyPrint {weasyprint.__version__}")
    print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    results = [spawn(path, args) for path in paths]
    print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))

    print_table(results, args.flat_mb)
    by_path = {r["path"]: r for r in results}
    failed = False
    project = by_path.get("project")
    if project and project["multi_page_count"]:
        failed = True
        print(f"{project['multi_page_count']} project PDFs have more than one page, e.g. {project['multi_page']}")
    elif project:
        print(f"every project PDF has one page ({project['pdf_kb']:.0f} KB on average)")
    if project and "bare" in by_path:
        print(
            f"project/bare, separate processes one after the other: "
            f"{project['median_ms'] / by_path['bare']['median_ms']:.2f}x on the median, "
            f"{project['mean_ms'] / by_path['bare']['mean_ms']:.2f}x on the mean, "
            f"{project['cpu_ms'] / by_path['bare']['cpu_ms']:.2f}x in CPU"
        )
    if paired := by_path.get("paired"):
        within = paired["ratio_median"] <= TARGET_RATIO
        print(
            f"project/bare in turns on the same certificates: median ratio {paired['ratio_median']:.2f}x "
            f"(p95 {paired['ratio_p95']:.2f}x); medians {paired['project_median_ms']:.1f} ms and "
            f"{paired['bare_median_ms']:.1f} ms ({'within' if within else 'NOT within'} the {TARGET_RATIO}x target)"
        )
    for r in results:
        if r["path"] != "paired" and r["growth_window_mb"] >= args.flat_mb:
            per = r["growth_mb"] / r["count"] * 1024
            print(f"{r['path']}: memory NOT flat, {r['growth_mb']:+.1f} MB over the run ({per:.0f} KB a certificate)")
    summary = "; ".join(
        f"{r['path']} {r['median_ms']:.1f} ms, {r['growth_mb']:+.1f} MB" for r in results if r["path"] != "paired"
    )
    if paired:
        summary += f"; paired ratio {paired['ratio_median']:.2f}x"
    print(f"{args.count} certificates per path: {summary}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
