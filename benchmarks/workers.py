"""Real Celery worker processes, for the benchmarks and the test suite alike.

One way to start a worker: ``python -m celery --app config worker`` on one queue, without gossip,
mingle or heartbeat (a test or a benchmark owns its queue; nobody else is listening), with the
environment the caller gives (the database, the queue, the media root).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent


def worker_start(
    *,
    env: Mapping[str, str],
    queue: str,
    pool: str = "solo",
    concurrency: int | None = None,
    hostname: str | None = None,
    loglevel: str = "INFO",
    output: IO[bytes] | int | None = subprocess.DEVNULL,
) -> subprocess.Popen[bytes]:
    """Start one worker process consuming ``queue``; the caller stops it."""
    command = [
        sys.executable,
        "-m",
        "celery",
        "--app",
        "config",
        "worker",
        "--pool",
        pool,
        "--queues",
        queue,
        "--loglevel",
        loglevel,
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
    ]
    if concurrency is not None:
        command += ["--concurrency", str(concurrency)]
    if hostname is not None:
        command += ["--hostname", hostname]
    return subprocess.Popen(
        command, cwd=ROOT, env=dict(env), stdout=output, stderr=subprocess.STDOUT
    )


def worker_stop(proc: subprocess.Popen[bytes], *, timeout: float = 20) -> None:
    """Ask the worker to stop (warm shutdown), and kill it if it does not in ``timeout``."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
