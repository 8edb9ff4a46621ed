"""``python -m benchmarks.import_cpu --rows 100000``: the CPU time one import costs, in Python
and in PostgreSQL, for machines too noisy to compare wall times on.

Imports a generated CSV list in this process (tasks run eagerly, one after the other), and
prints the wall time, this process's CPU time and the CPU time of its PostgreSQL backend (from
/proc; the database must run on this machine). Compare two commits by running it in each
checkout, alternately. Uses a scratch database ``<name>_cpu`` that it creates and drops; needs
DATABASE_URL (PostgreSQL). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks.pipeline import scratch_database


def _backend_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--order", choices=["people", "shuffled"], default="people")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        print("import_cpu: set DATABASE_URL (PostgreSQL on this machine)")
        return
    with scratch_database(base, "cpu"):
        _measure(args)


def _measure(args: argparse.Namespace) -> None:
    import logging

    from django.conf import settings
    from django.db import connection

    from benchmarks.pipeline import shuffle_rows
    from config.celery_app import app
    from demo.synthetic import write_csv
    from eligibility import services

    app.conf.task_always_eager = True
    logging.disable(logging.CRITICAL)
    with tempfile.TemporaryDirectory() as tmp:
        settings.MEDIA_ROOT = Path(tmp) / "media"
        path = write_csv(Path(tmp) / f"list-{args.rows}.csv", args.rows, seed=args.rows)
        if args.order == "shuffled":
            shuffle_rows(path, seed=args.rows)
        for _ in range(args.repeat):
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE eligibility_isplist, eligibility_conviction CASCADE")
                cursor.execute("SELECT pg_backend_pid()")
                (backend,) = cursor.fetchone()
            isp_list = services.list_store_file(
                path=path, filename=path.name, as_of=date(2026, 11, 25), user=None, start=False
            )
            wall, cpu, database = (
                time.perf_counter(),
                time.process_time(),
                _backend_seconds(backend),
            )
            services.list_import(list_id=isp_list.pk)
            wall = time.perf_counter() - wall
            cpu = time.process_time() - cpu
            database = _backend_seconds(backend) - database
            print(
                f"{args.rows:,} rows: wall {wall:.1f} s, Python CPU {cpu:.1f} s, "
                f"PostgreSQL backend CPU {database:.1f} s, together {cpu + database:.1f} s",
                flush=True,
            )


if __name__ == "__main__":
    main()
