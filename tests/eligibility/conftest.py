from __future__ import annotations

import csv
import os
import re
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from eligibility.models import Conviction, IspList

EXAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "examples"


def expected(name: str) -> dict[int, tuple[str, str]]:
    with open(EXAMPLES / name, newline="") as handle:
        return {
            int(row["row"]): (row["determination"], row["reasons"])
            for row in csv.DictReader(handle)
        }


def stored(isp_list) -> dict[int, tuple[str, str]]:
    return {
        number: (determination, ";".join(sorted(reasons)))
        for number, determination, reasons in isp_list.convictions.values_list(
            "row_number", "determination", "reasons"
        )
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def wait_until_done(isp_list: IspList, seconds: float = 120) -> list[str]:
    """Wait for the list to leave the working states; return every message it showed meanwhile."""
    seen = []
    deadline = time.monotonic() + seconds
    while (current := IspList.objects.get(pk=isp_list.pk)).is_working:
        if current.message and current.message not in seen:
            seen.append(current.message)
        assert time.monotonic() < deadline, f"the list finished ({current.status})"
        time.sleep(0.02)
    isp_list.refresh_from_db()
    return seen


def assert_every_row_once(isp_list: IspList, numbers: list[int]) -> None:
    """The list is ready with each row of its file (``numbers``) stored and evaluated once."""
    assert isp_list.status == IspList.Status.READY, isp_list.message
    assert isp_list.message == ""
    rows = list(Conviction.objects.filter(isp_list=isp_list).values_list("row_number", flat=True))
    assert sorted(rows) == numbers
    assert isp_list.rows_parsed == isp_list.rows_total == isp_list.rows_evaluated == len(numbers)
    assert not Conviction.objects.filter(isp_list=isp_list, determination="").exists()


def restart_form(page: str) -> tuple[str, dict[str, str]]:
    """The restart form of a list page, as a browser would post it: its action and fields."""
    form = re.search(
        r'<form method="post" action="(/lists/\d+/resume/)"[^>]*>(.*?)</form>', page, re.S
    )
    assert form, "the page offers a restart"
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(2))
    return form.group(1), dict(fields)


@contextmanager
def celery_broker(url: str, *, eager: bool = False) -> Iterator[None]:
    """Send tasks through the broker at ``url`` (the result store too: one Redis holds both)."""
    from config.celery_app import app

    names = ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")  # Celery reads these first
    saved_env = {name: os.environ.get(name) for name in names}
    saved = (app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager)

    def use(broker: str, backend: str, always_eager: bool) -> None:
        app.conf.update(broker_url=broker, result_backend=backend, task_always_eager=always_eager)
        # Connections, producers and the result store are made from the URLs on first use.
        app._pool = None
        app.amqp._producer_pool = None
        vars(app._local).pop("backend", None)

    os.environ.update(dict.fromkeys(names, url))
    use(url, url, eager)
    try:
        yield
    finally:
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        use(*saved)


def receive(path: Path, *, start: bool = False) -> IspList:
    """Store a list file as an upload does (its pipeline not started unless ``start``)."""
    from datetime import date

    from eligibility import services

    return services.list_store_file(
        path=path, filename=path.name, as_of=date(2026, 11, 25), user=None, start=start
    )


class Stop(Exception):
    """Raised by a test to stop the pipeline where a worker could die."""


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the pipeline of a list as the task does, with what it starts on commit."""
    from eligibility import services

    def import_list(list_id: int) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            services.list_import(list_id=list_id)

    return import_list


def kill_once_reading(worker, isp_list: IspList) -> None:
    """Kill the ``worker`` process as soon as it has stored rows of ``isp_list`` (re-read)."""
    deadline = time.monotonic() + 120
    while IspList.objects.get(pk=isp_list.pk).rows_parsed == 0:
        assert time.monotonic() < deadline, "the worker started reading the file"
        time.sleep(0.02)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    isp_list.refresh_from_db()
