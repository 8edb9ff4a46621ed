"""Personas shared by every test, and a real Celery worker for the tests that need one."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from accounts.roles import ADMIN, ASA, CLERK, SUPERVISOR
from benchmarks.workers import worker_start, worker_stop
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent


def make_user(django_user_model, username: str, role: str | None):
    return UserFactory(username=username, role=role)


def persona(username: str, role: str) -> Any:
    """A fixture of a user named ``username`` with ``role``."""

    @pytest.fixture(name=username)
    def fixture(db: None) -> Any:
        return UserFactory(username=username, role=role)

    return fixture


asa = persona("asa", ASA)
asa2 = persona("asa2", ASA)
supervisor = persona("supervisor", SUPERVISOR)
supervisor2 = persona("supervisor2", SUPERVISOR)
clerk = persona("clerk", CLERK)


@pytest.fixture
def admin(django_user_model):
    user = make_user(django_user_model, "admin", ADMIN)
    user.is_staff = True
    user.save()
    return user


def other_process_database_env(settings) -> dict[str, str]:
    """The environment that points another process (a worker, a server) at this run's test
    database: DATABASE_URL on PostgreSQL, SQLITE_PATH on SQLite (and no DATABASE_URL)."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        return {
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        }
    return {"SQLITE_PATH": str(db["NAME"])}


def broker_reachable() -> str | None:
    """The broker URL when one is configured and answers, else None."""
    url = os.getenv("CELERY_BROKER_URL", "")
    if not url or url.startswith("memory"):
        return None
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), 2):
            return url
    except OSError:
        return None


def worker_nodename(settings) -> str:
    """The name the test run's worker answers to (its queue's: workers of other runs on this
    machine do not answer for it)."""
    return f"{settings.CELERY_TASK_DEFAULT_QUEUE}@{socket.gethostname()}"


@contextmanager
def running_worker(
    settings, tmp_path: Path, pool: str, concurrency: int | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """A real `celery worker` process with the given pool, on its own queue, against the
    test database (the test's writes must be committed for it to see them); both processes keep
    files in the same MEDIA_ROOT."""
    url = broker_reachable()
    if url is None:
        pytest.skip("no Celery broker reachable (set CELERY_BROKER_URL to a running Redis)")
    from config.celery_app import app

    env = dict(os.environ, SECRET_KEY="worker-under-test", DJANGO_SETTINGS_MODULE="config.settings")
    env.pop("DATABASE_URL", None)
    env.update(other_process_database_env(settings))
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    settings.MEDIA_ROOT = tmp_path / "media"
    env["MEDIA_ROOT"] = str(settings.MEDIA_ROOT)
    env["EVALUATION_CHUNK_ROWS"] = "500"  # small chunks, so that a list makes a real group
    env["CELERY_QUEUE"] = queue
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115
    proc = worker_start(
        env=env,
        queue=queue,
        pool=pool,
        concurrency=concurrency,
        hostname=worker_nodename(settings),
        output=log,
    )
    app.conf.task_always_eager = False
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"celery worker exited with {proc.returncode}; see {log.name}")
            if app.control.ping(destination=[worker_nodename(settings)], timeout=1.0):
                break
        else:
            raise RuntimeError(f"celery worker did not answer within 60 s; see {log.name}")
        yield proc
    finally:
        app.conf.task_always_eager = True
        worker_stop(proc)
        log.close()


@pytest.fixture
def celery_worker(transactional_db, tmp_path, settings) -> Iterator[subprocess.Popen[bytes]]:
    """A real worker that runs one task at a time in its own process (``--pool solo``)."""
    with running_worker(settings, tmp_path, "solo") as proc:
        yield proc


@pytest.fixture
def celery_prefork_worker(
    transactional_db, tmp_path, settings, request
) -> Iterator[subprocess.Popen[bytes]]:
    """A real worker as production runs it: a prefork pool of child processes, two by default
    (``@pytest.mark.parametrize("celery_prefork_worker", [1], indirect=True)`` for one)."""
    concurrency = getattr(request, "param", 2)
    with running_worker(settings, tmp_path, "prefork", concurrency) as proc:
        yield proc
