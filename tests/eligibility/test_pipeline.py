"""The pipeline is idempotent and restartable: stopped anywhere, run again, it finishes with
exactly the rows of the file."""

from __future__ import annotations

import itertools
import os
import signal
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from demo.synthetic import write_csv
from eligibility import services, tasks
from eligibility.listfiles import open_list
from eligibility.models import Conviction, IspList

from .conftest import (
    EXAMPLES,
    Stop,
    assert_every_row_once,
    expected,
    kill_once_reading,
    receive,
    stored,
    wait_until_done,
)


@pytest.mark.django_db
def test_a_parse_stopped_part_way_resumes_without_duplicates(media, settings, monkeypatch, run):
    settings.LIST_STORE_BATCH_ROWS = 300
    isp_list = receive(EXAMPLES / "sample-2000.csv")
    real_store, calls = services._store_rows, []

    def store_then_stop(*args):
        calls.append(1)
        if len(calls) == 3:
            raise Stop
        real_store(*args)

    monkeypatch.setattr(services, "_store_rows", store_then_stop)
    with pytest.raises(Stop):
        run(isp_list.pk)
    assert Conviction.objects.filter(isp_list=isp_list).count() == 600
    assert IspList.objects.get(pk=isp_list.pk).status == IspList.Status.PARSING
    monkeypatch.setattr(services, "_store_rows", real_store)
    run(isp_list.pk)
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.READY
    assert stored(isp_list) == expected("sample-2000.expected.csv")


@pytest.mark.django_db
def test_an_evaluation_stopped_between_chunks_finishes_on_a_rerun(
    media, settings, monkeypatch, run
):
    settings.EVALUATION_CHUNK_ROWS = 200
    isp_list = receive(EXAMPLES / "sample-2000.csv")
    real_chunk, calls = services.list_evaluate_chunk, []

    def chunk_then_stop(**kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise Stop
        return real_chunk(**kwargs)

    monkeypatch.setattr(services, "list_evaluate_chunk", chunk_then_stop)
    with pytest.raises(Stop):
        run(isp_list.pk)
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.EVALUATING
    assert 0 < isp_list.rows_evaluated < 2000
    assert isp_list.chunks_total > 4
    monkeypatch.setattr(services, "list_evaluate_chunk", real_chunk)
    run(isp_list.pk)
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.READY
    assert isp_list.rows_evaluated == Conviction.objects.filter(isp_list=isp_list).count() == 2000
    assert stored(isp_list) == expected("sample-2000.expected.csv")


def test_chunks_are_consecutive_bucket_ranges_that_cover_every_bucket():
    counts = {bucket: 10 for bucket in range(services.BUCKETS)}
    ranges = services.chunk_ranges(counts, 1000)
    assert ranges[0][0] == 0 and ranges[-1][1] == services.BUCKETS
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
    assert len(ranges) == -(-services.BUCKETS * 10 // 1000)
    assert services.chunk_ranges({}, 1000) == [(0, services.BUCKETS)]


def test_every_row_of_a_person_falls_in_one_bucket():
    from eligibility.rules import Record

    a = Record(row=1, last_name="Doe ", first_name="jane", date_of_birth="1970-01-02")
    b = Record(row=2, last_name="DOE", first_name="JANE", date_of_birth="01/02/1970")
    assert services.person_key_text(a) == services.person_key_text(b)
    assert services.bucket_of(services.person_key_text(a)) == services.bucket_of(
        services.person_key_text(b)
    )


@pytest.mark.parametrize(("sid", "other"), [("a301", " A301"), ("1234567.0", "1234567")])
def test_rows_whose_sids_differ_only_in_spelling_share_a_person_key_and_a_bucket(sid, other):
    from eligibility.rules import Record

    a = Record(row=1, sid=sid, last_name="DOE", first_name="JANE")
    b = Record(row=2, sid=other, last_name="ROE", first_name="JOHN")
    assert services.person_key_text(a) == services.person_key_text(b)


@pytest.mark.django_db(transaction=True)
def test_import_list_prints_the_counts(media, capsys):
    call_command("import_list", str(EXAMPLES / "worked-examples.csv"), "--wait")
    want = expected("worked-examples.expected.csv")
    counts = {d: sum(1 for v, _ in want.values() if v == d) for d in {v for v, _ in want.values()}}
    assert capsys.readouterr().out.strip().splitlines() == [
        f"{len(want)} rows: {counts['ELIGIBLE']} eligible, {counts['NEEDS_REVIEW']} needs review, "
        f"{counts['NOT_ELIGIBLE']} not eligible",
        # the first list: nothing on earlier lists (issue 18)
        f"0 already on earlier lists (0 decided, 0 filed, 0 granted), 0 corrected, {len(want)} new",
    ]


@pytest.mark.django_db
def test_import_list_refuses_a_bad_file_with_exit_code_2(tmp_path, media):
    bad = tmp_path / "bad.csv"
    bad.write_text("LAST_NAME,FIRST_NAME\nDOE,JANE\n")
    with pytest.raises(CommandError, match="no DATE_OF_BIRTH") as refused:
        call_command("import_list", str(bad))
    assert refused.value.returncode == 2
    assert IspList.objects.count() == 0


@pytest.mark.worker
def test_a_killed_worker_then_a_rerun_gives_exactly_the_rows_of_the_file(
    celery_worker, settings, tmp_path
):
    path = write_csv(tmp_path / "generated.csv", 30_000, seed=7)
    with open_list(path) as listfile:
        numbers = [row.number for row in listfile]
    isp_list = receive(path, start=True)  # the worker takes it
    kill_once_reading(celery_worker, isp_list)
    assert isp_list.status != IspList.Status.READY, "killed part-way"
    assert Conviction.objects.filter(isp_list=isp_list).count() < len(numbers)

    from config.celery_app import app

    app.conf.task_always_eager = True  # the re-run, in this process (`import_list` without broker)
    services.list_import(list_id=isp_list.pk)

    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.READY
    rows = list(Conviction.objects.filter(isp_list=isp_list).values_list("row_number", flat=True))
    assert sorted(rows) == numbers
    assert not Conviction.objects.filter(isp_list=isp_list, determination="").exists()


@pytest.mark.worker
def test_a_real_worker_imports_and_evaluates_a_list_in_chunks(celery_worker):
    isp_list = receive(EXAMPLES / "sample-2000.csv", start=True)
    deadline = time.monotonic() + 120
    while IspList.objects.get(pk=isp_list.pk).is_working:
        assert time.monotonic() < deadline, "the worker finished the list"
        time.sleep(0.2)
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.READY, isp_list.message
    assert isp_list.chunks_total > 1
    assert stored(isp_list) == expected("sample-2000.expected.csv")


@pytest.mark.django_db
def test_a_parse_overtaken_by_another_run_of_the_import_stores_each_row_once(
    media, settings, monkeypatch, run
):
    """Two runs of one list at once (a restart while the first still reads, a task delivered
    again): the one behind skips the rows the other stored, and only one starts evaluating."""
    settings.LIST_STORE_BATCH_ROWS = 300
    isp_list = receive(EXAMPLES / "sample-2000.csv")
    real_store, calls = services._store_rows, []

    def overtaken(*args):
        calls.append(1)
        if len(calls) == 2:  # the first run stored a batch; another run reads the whole file
            monkeypatch.setattr(services, "_store_rows", real_store)
            services.list_import(list_id=isp_list.pk)
        return real_store(*args)

    monkeypatch.setattr(services, "_store_rows", overtaken)
    run(isp_list.pk)
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.READY, isp_list.message
    assert isp_list.evaluation_run == 1, "one evaluation was started"
    assert isp_list.rows_parsed == isp_list.rows_total == 2000
    assert stored(isp_list) == expected("sample-2000.expected.csv")


def pool_processes(pid: int) -> list[int]:
    """The child processes of a worker (its pool), from /proc."""
    children = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue  # gone meanwhile
        if f"\nPPid:\t{pid}\n" in text:
            children.append(int(status.parent.name))
    return children


@pytest.mark.worker
@pytest.mark.parametrize("celery_prefork_worker", [1], indirect=True)
def test_a_pool_process_killed_mid_import_gets_its_task_again_and_the_list_finishes(
    celery_prefork_worker, tmp_path
):
    path = write_csv(tmp_path / "generated.csv", 30_000, seed=7)
    with open_list(path) as listfile:
        numbers = [row.number for row in listfile]
    isp_list = receive(path, start=True)
    deadline = time.monotonic() + 120
    while IspList.objects.get(pk=isp_list.pk).rows_parsed == 0:
        assert time.monotonic() < deadline, "the worker started reading the file"
        time.sleep(0.02)
    [child] = pool_processes(celery_prefork_worker.pid)
    os.kill(child, signal.SIGKILL)
    messages = wait_until_done(isp_list)
    assert messages == []
    assert_every_row_once(isp_list, numbers)
    assert celery_prefork_worker.poll() is None, "the worker itself lives on"
    assert child not in pool_processes(celery_prefork_worker.pid), "the killed process was replaced"


@pytest.mark.worker
def test_two_imports_of_one_list_at_once_store_each_row_once_and_say_nothing_alarming(
    celery_prefork_worker, tmp_path
):
    path = write_csv(tmp_path / "generated.csv", 30_000, seed=11)
    with open_list(path) as listfile:
        numbers = [row.number for row in listfile]
    isp_list = receive(path)
    tasks.import_list.delay(isp_list.pk)  # e.g. a restart while the first import still reads
    tasks.import_list.delay(isp_list.pk)
    messages = wait_until_done(isp_list)
    assert messages == [], "the page said nothing of the second import"
    assert_every_row_once(isp_list, numbers)
    log = (tmp_path / "worker.log").read_text()
    assert "UniqueViolation" not in log and "IntegrityError" not in log
