"""Checks and stores H5P packages as the admin's upload does, and prints the seconds and the peak
memory of each, beside pyh5p's own reading of the same file (which holds the whole package
expanded in memory) as the baseline.

    .venv/bin/python bench/h5p_upload.py [--corpus ../shared/h5p-corpus] [--expanded-mb 180]

Target: the project's peak memory under 2x the package's largest single file plus 100 MB.

Cases:
- the largest package of the corpus (`../shared/h5p-corpus/`, skipped with a message if absent);
- a package built here that expands to `--expanded-mb` (180 MB by default): the tests' content type
  with six videos of `--expanded-mb`/6 each, made of random and blank stretches so that it
  compresses about 5:1 and stays under the upload limit (`H5P_MAX_UPLOAD_MB`, raised for the run
  if needed), the largest file being one video.

Each case runs in a child process of its own, twice: "project" is `h5p.packages.check_upload` on
the file opened from disk (as Django hands over a large upload, a temporary file) and then
`h5p.packages.store` into a temporary folder; "pyh5p" is `pyh5p.read_package` of the file's bytes
(what the project called before it read packages from the zip where they lie). Peak memory is the
process's peak resident set (VmHWM), reset (/proc/self/clear_refs) after Django has started, minus
the resident set at that moment: what checking and storing add.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def build_large_package(path: Path, expanded_mb: int) -> int:
    """Write a valid package expanding to about `expanded_mb`; returns its largest file's size."""
    sys.path.insert(0, str(REPO))
    from tests.h5p.builders import package_files

    files = package_files()
    videos = 6
    size = expanded_mb * MB // videos
    rng = random.Random(16)
    chunk = 64 * 1024
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        for number in range(videos):
            with archive.open(f"content/videos/lesson-{number}.mp4", "w", force_zip64=True) as target:
                written = 0
                while written < size:
                    # One random stretch in five: about 5:1 overall, far from the 100:1 zip-bomb limit.
                    block = rng.randbytes(chunk) if (written // chunk) % 5 == 0 else bytes(chunk)
                    block = block[: size - written]
                    target.write(block)
                    written += len(block)
    return size


def run_case(path: Path, how: str) -> dict:
    """In this (child) process: check and store the package at `path` the `how` way."""
    sys.path.insert(0, str(REPO))
    scratch = tempfile.mkdtemp(prefix="bench-h5p-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.settings.dev")
    os.environ["H5P_ROOT"] = scratch
    os.environ["H5P_MAX_UPLOAD_MB"] = str(max(50, path.stat().st_size // MB + 1))
    import django

    django.setup()
    from django.conf import settings

    settings.STORAGES["h5p"]["OPTIONS"]["location"] = scratch
    import pyh5p

    from h5p import packages

    with zipfile.ZipFile(path) as archive:
        largest = max(info.file_size for info in archive.infolist())
    base_kb = _status_kb("VmRSS")
    _reset_peak()
    started = time.perf_counter()
    if how == "project":
        with path.open("rb") as upload:
            upload.size = path.stat().st_size  # what a Django UploadedFile carries
            checked = packages.check_upload(upload)
            packages.store(checked)
        stored = sum(1 for _ in Path(scratch).rglob("*") if _.is_file())
    else:
        package = pyh5p.read_package(path.read_bytes(), limits=packages.LIMITS)
        stored = len(package.files)
    seconds = time.perf_counter() - started
    peak_mb = (_status_kb("VmHWM") - base_kb) / 1024
    return {"seconds": seconds, "peak_mb": peak_mb, "largest_mb": largest / MB, "files": stored}


def child(path: Path, how: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", str(path), how], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "h5p-corpus")
    parser.add_argument("--expanded-mb", type=int, default=180)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_case(Path(args.child[0]), args.child[1])))
        return 0

    cases = []
    corpus = sorted(args.corpus.glob("*.h5p"), key=lambda p: p.stat().st_size) if args.corpus.is_dir() else []
    if corpus:
        cases.append((f"largest corpus package ({corpus[-1].name})", corpus[-1]))
    else:
        print(f"The H5P corpus is not at {args.corpus}: only the built package is measured.")
    with tempfile.TemporaryDirectory(prefix="bench-h5p-build-") as folder:
        built = Path(folder) / f"expands-to-{args.expanded_mb}mb.h5p"
        build_large_package(built, args.expanded_mb)
        cases.append((f"built package expanding to {args.expanded_mb} MB", built))
        failed = False
        for title, path in cases:
            with zipfile.ZipFile(path) as archive:
                expanded = sum(info.file_size for info in archive.infolist()) / MB
            print(f"\n{title}: {path.stat().st_size / MB:.1f} MB, {expanded:.1f} MB expanded")
            project, baseline = child(path, "project"), child(path, "pyh5p")
            target = 2 * project["largest_mb"] + 100
            print(f"  largest file {project['largest_mb']:.1f} MB; target: peak under {target:.1f} MB")
            print(
                f"  project (check + store, from the zip): {project['seconds']:.2f} s, "
                f"peak +{project['peak_mb']:.1f} MB, {project['files']} files stored"
            )
            print(
                f"  pyh5p.read_package (whole package in memory): {baseline['seconds']:.2f} s, "
                f"peak +{baseline['peak_mb']:.1f} MB"
            )
            verdict = "met" if project["peak_mb"] < target else "NOT met"
            failed |= project["peak_mb"] >= target
            print(f"  target {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
