"""``python -m benchmarks.pipeline``: the whole import pipeline at scale, on PostgreSQL
with real Celery workers, against a plain COPY of the same file.

For each size (default 100,000 and 1,000,000 rows) and each format (CSV, .xlsx): generate a
list, COPY the CSV into a bare table of text columns (the floor: what the database alone
costs), then run ``import_list --wait`` through two worker processes (``--pool solo``, one per
core) and read the phases' times from the list (step 1 reads and stores, step 2 evaluates), and
each worker's peak resident memory (VmHWM); then evaluate the list again under a new as-of date
(``list_reevaluate``, what a policy change does) through the same workers. Nothing is asserted:
the numbers are for people.

The generated list gives each person's rows together, as the lists seen so far do; ``--order
shuffled`` puts its rows (records) in random order instead, the worst case for a list judged as it
is stored (``LIST_JUDGE_WHILE_STORING_BYTES``): most people's rows then fall in different batches
and are judged again.

Needs DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis). Uses a scratch database
``<name>_bench`` that it creates and drops.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from benchmarks.workers import worker_start, worker_stop

ROOT = Path(__file__).resolve().parent.parent


def _env(database_url: str, queue: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_QUEUE": queue,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only"),
        "IDENTITY_KEY": os.environ.get("IDENTITY_KEY", "bench-only"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # a generated statewide list of 1,000,000 rows is ~250 MB, over the 200 MB default
        "LIST_UPLOAD_MAX_BYTES": str(4 * 1024**3),
    }


def _psql(url: str, sql: str) -> None:
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True)


def _peak_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def bare_copy_seconds(url: str, csv_path: Path) -> float:
    """COPY the CSV into a bare table with one text column per header."""
    with open(csv_path, encoding="utf-8") as handle:
        header = handle.readline().strip().split(",")
    columns = ", ".join(f'"c{i}" text' for i in range(len(header)))
    _psql(url, "DROP TABLE IF EXISTS bench_bare; CREATE TABLE bench_bare (" + columns + ")")
    started = time.perf_counter()
    with open(csv_path, "rb") as handle:
        subprocess.run(
            ["psql", url, "-qc", "COPY bench_bare FROM STDIN WITH (FORMAT csv, HEADER true)"],
            stdin=handle,
            check=True,
        )
    seconds = time.perf_counter() - started
    _psql(url, "DROP TABLE bench_bare")
    return seconds


@contextmanager
def scratch_database(base: str, suffix: str) -> Iterator[str]:
    """A database ``<name>_<suffix>`` beside ``base``'s, migrated, that this process's Django
    uses (and a process started with ``_env`` of its URL); dropped afterwards. Yields its URL."""
    parsed = urlparse(base)
    name = f"{parsed.path.lstrip('/')}_{suffix}"
    admin_url = parsed._replace(path="/postgres").geturl()
    url = parsed._replace(path=f"/{name}").geturl()
    _psql(admin_url, f'DROP DATABASE IF EXISTS "{name}"')
    _psql(admin_url, f'CREATE DATABASE "{name}"')
    try:
        env = _env(url, "x")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        os.environ.update(env)
        import django

        django.setup()
        yield url
    finally:
        from django.conf import settings

        if settings.configured:
            from django.db import connections

            connections.close_all()
        _psql(admin_url, f'DROP DATABASE IF EXISTS "{name}"')


# Evaluate the newest list again under a later as-of date, and wait until it is ready.
_REEVALUATE = """
import time
from datetime import date
from eligibility import selectors, services
from eligibility.models import IspList
isp_list = IspList.objects.order_by("-id").first()
services.list_reevaluate(
    isp_list=isp_list, as_of=date(2026, 12, 31), policy=selectors.policy_current(), user=None
)
while IspList.objects.get(pk=isp_list.pk).is_working:
    time.sleep(0.2)
"""


def run_import(url: str, path: Path, workers: int) -> dict[str, float]:
    from eligibility.models import IspList

    queue = f"bench-{uuid.uuid4().hex[:8]}"
    env = _env(url, queue)
    procs = [
        worker_start(env=env, queue=queue, hostname=f"bench{i}@%h", loglevel="WARNING")
        for i in range(workers)
    ]
    peaks = [0] * workers
    try:
        time.sleep(3)  # let the workers connect
        started = time.perf_counter()
        command = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "import_list",
                str(path),
                "--wait",
                "--reimport",
                "--as-of",
                "2026-11-25",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        while command.poll() is None:
            peaks = [max(p, _peak_kb(proc.pid)) for p, proc in zip(peaks, procs, strict=True)]
            time.sleep(0.2)
        total = time.perf_counter() - started
        output = command.stdout.read().strip() if command.stdout else ""
        if command.returncode != 0:
            raise RuntimeError(f"import_list failed: {output}")
        peaks = [max(p, _peak_kb(proc.pid)) for p, proc in zip(peaks, procs, strict=True)]
        # The phases' times are read before the re-evaluation writes its own over them.
        imported = IspList.objects.order_by("-id").first()
        assert imported is not None
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", _REEVALUATE],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        reevaluate = time.perf_counter() - started
    finally:
        for proc in procs:
            worker_stop(proc, timeout=30)
    return {
        "total": total,
        "store": imported.seconds("parse_started_at", "parse_finished_at") or 0.0,
        "evaluate": imported.seconds("evaluate_started_at", "evaluate_finished_at") or 0.0,
        "rows": float(imported.rows_total),
        "peaks_mb": [peak / 1024 for peak in peaks],  # type: ignore[dict-item]
        "reevaluate": reevaluate,
        "summary": output,  # type: ignore[dict-item]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--formats", nargs="+", default=["csv", "xlsx"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--order", choices=["people", "shuffled"], default="people")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres") or not os.environ.get("CELERY_BROKER_URL"):
        print("bench_pipeline: set DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis)")
        return
    with scratch_database(base, "bench") as url:
        _compare(url, args)


def shuffle_rows(path: Path, seed: int) -> None:
    """Put the records of a CSV list (after its header) in random order, in place."""
    with open(path, newline="", encoding="utf-8") as handle:
        header, *records = list(csv.reader(handle))
    random.Random(seed).shuffle(records)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *records])


def _compare(url: str, args: argparse.Namespace) -> None:
    from demo.synthetic import write_csv, write_xlsx

    print(
        f"{'rows':>9} {'fmt':>4} {'COPY s':>7} {'store s':>8} {'eval s':>7} {'total s':>8} "
        f"{'rows/s':>8} {'xCOPY':>6} {'reeval s':>8} {'peak MB per worker':>18}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.rows:
            csv_path = write_csv(Path(tmp) / f"list-{n}.csv", n, seed=n)
            if args.order == "shuffled":
                shuffle_rows(csv_path, seed=n)
            copy = bare_copy_seconds(url, csv_path)
            for fmt in args.formats:
                path = (
                    csv_path
                    if fmt == "csv"
                    else write_xlsx(Path(tmp) / f"list-{n}.xlsx", n, seed=n)
                )
                result = run_import(url, path, args.workers)
                print(
                    f"{n:>9,} {fmt:>4} {copy:>7.1f} {result['store']:>8.1f} "
                    f"{result['evaluate']:>7.1f} {result['total']:>8.1f} "
                    f"{n / result['total']:>8,.0f} {result['total'] / copy:>6.1f} "
                    f"{result['reevaluate']:>8.1f} "
                    f"{' / '.join(f'{peak:.0f}' for peak in result['peaks_mb']):>18}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
