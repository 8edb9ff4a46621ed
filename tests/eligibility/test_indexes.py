"""A large list is stored without the conviction indexes whose entries go to random places, and
they are built again, as the model defines them, before it is evaluated (issue 19,
``eligibility.indexes``): after its last part, after a refusal, after a killed worker and a rerun,
and by the periodic check when no list is being read."""

from __future__ import annotations

import time

import psycopg2
import pytest
from django.db import connection

from demo.synthetic import write_csv
from eligibility import services
from eligibility.indexes import (
    DEFERRED,
    index_definitions,
    indexes_build,
    indexes_defer,
    indexes_present,
)
from eligibility.listfiles import ListRefused, open_list
from eligibility.models import Conviction, IspList, ListPart
from tests.factories import IspListFactory

from .conftest import EXAMPLES, expected, kill_once_reading, receive, stored

SAMPLE = EXAMPLES / "sample-2000.csv"
TABLE = Conviction._meta.db_table


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps every index (eligibility.indexes)")


@pytest.fixture
def seen_as_stored(monkeypatch):
    """The indexes present each time a batch of rows is stored."""
    real_copy, seen = services._copy_rows, []

    def copy_seeing(batch):
        seen.append(indexes_present())
        real_copy(batch)

    monkeypatch.setattr(services, "_copy_rows", copy_seeing)
    return seen


def imported(isp_list: IspList, run) -> IspList:
    run(isp_list.pk)
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.READY, isp_list.message
    return isp_list


@pytest.mark.django_db
def test_a_list_in_parts_is_stored_without_the_random_indexes_and_is_evaluated_with_all(
    media, settings, run, seen_as_stored
):
    settings.LIST_PART_BYTES = 40_000
    before = index_definitions()
    assert set(DEFERRED) <= set(before)
    isp_list = imported(receive(SAMPLE), run)
    assert ListPart.objects.filter(isp_list=isp_list).count() > 5
    assert len(seen_as_stored) > 5
    assert all(not present & set(DEFERRED) for present in seen_as_stored)
    # The review queue's order is never left out: the queue walks it on every page.
    assert all("conviction_newest" in present for present in seen_as_stored)
    assert index_definitions() == before
    assert stored(isp_list) == expected("sample-2000.expected.csv")


@pytest.mark.django_db
def test_the_identity_index_is_kept_when_an_earlier_list_holds_rows(
    media, settings, run, seen_as_stored
):
    settings.LIST_PART_BYTES = 40_000
    before = index_definitions()
    first = imported(receive(SAMPLE), run)
    seen_as_stored.clear()
    again = services.list_store_file(
        path=SAMPLE,
        filename=SAMPLE.name,
        as_of=first.as_of,
        user=None,
        start=False,
        confirm_reimport=True,
    )
    again = imported(again, run)
    assert seen_as_stored
    assert all(present & set(DEFERRED) == {"conviction_identity"} for present in seen_as_stored)
    assert index_definitions() == before
    # Each row of the second list found as the same conviction on the first.
    assert Conviction.objects.filter(isp_list=again, copy_of__isp_list=first).count() == 2000


@pytest.mark.django_db
def test_a_list_with_fewer_rows_than_half_the_table_or_the_setting_keeps_every_index(
    media, settings, run, seen_as_stored, tmp_path
):
    settings.LIST_PART_BYTES = 40_000
    before = index_definitions()
    imported(receive(SAMPLE), run)
    seen_as_stored.clear()
    small = write_csv(tmp_path / "small.csv", 900, seed=3)
    imported(receive(small), run)
    assert ListPart.objects.filter(isp_list__filename="small.csv").count() > 1
    assert seen_as_stored and all(present == set(before) for present in seen_as_stored)

    for least in (100_000, 0):  # more than the list brings; never
        settings.LIST_DEFER_INDEXES_ROWS = least
        seen_as_stored.clear()
        other = write_csv(tmp_path / f"other-{least}.csv", 5000, seed=4 + least)
        imported(receive(other), run)
        assert seen_as_stored and all(present == set(before) for present in seen_as_stored)
    assert index_definitions() == before


@pytest.mark.django_db
def test_a_list_refused_part_way_leaves_every_index(
    media, settings, monkeypatch, run, seen_as_stored
):
    settings.LIST_PART_BYTES = 40_000
    before = index_definitions()
    real_store, calls = services._store_rows, []

    def store_then_refuse(*args):
        calls.append(1)
        if len(calls) == 3:
            raise ListRefused("Row 900 cannot be read.")
        real_store(*args)

    monkeypatch.setattr(services, "_store_rows", store_then_refuse)
    isp_list = receive(SAMPLE)
    run(isp_list.pk)
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.FAILED
    assert "Row 900 cannot be read." in isp_list.message
    assert len(seen_as_stored) == 2 and not seen_as_stored[0] & set(DEFERRED)
    assert index_definitions() == before


@pytest.mark.django_db
def test_the_periodic_check_builds_missing_indexes_once_no_list_is_being_read():
    before = index_definitions()
    reading = IspListFactory(status=IspList.Status.PARSING)
    assert indexes_defer(rows=1_000_000) == list(DEFERRED)
    services.lists_restart_stalled()
    assert not indexes_present() & set(DEFERRED), "a list is being read: left to it"
    IspList.objects.filter(pk=reading.pk).update(status=IspList.Status.READY)
    services.lists_restart_stalled()
    assert index_definitions() == before
    assert indexes_build() == []


@pytest.mark.django_db(transaction=True)
def test_a_busy_table_keeps_its_indexes_rather_than_wait():
    before = index_definitions()
    # Another session reads the table, in a transaction left open: a drop would wait for it,
    # and every query after the drop for the drop.
    other = psycopg2.connect(
        dbname=connection.settings_dict["NAME"],
        user=connection.settings_dict["USER"],
        host=connection.settings_dict["HOST"],
        port=connection.settings_dict["PORT"],
        password=connection.settings_dict["PASSWORD"],
    )
    try:
        with other.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")
        started = time.monotonic()
        assert indexes_defer(rows=1_000_000) == []
        assert time.monotonic() - started < 30
        assert index_definitions() == before
    finally:
        other.rollback()
        other.close()
    assert indexes_defer(rows=1_000_000) == list(DEFERRED)
    assert indexes_build() == list(DEFERRED)
    assert index_definitions() == before


@pytest.fixture
def worker_reads_in_parts(monkeypatch, settings):
    """The worker (started after this) and this process read a list of a few MB in parts."""
    monkeypatch.setenv("LIST_PART_BYTES", "1000000")
    monkeypatch.setenv("LIST_DEFER_INDEXES_ROWS", "1")
    settings.LIST_PART_BYTES = 1_000_000


def test_a_killed_worker_then_a_rerun_builds_every_index_and_stores_every_row(
    worker_reads_in_parts, celery_worker, tmp_path
):
    before = index_definitions()
    path = write_csv(tmp_path / "generated.csv", 30_000, seed=7)
    with open_list(path) as listfile:
        rows = sum(1 for _row in listfile)
    isp_list = receive(path, start=True)  # the worker takes it
    kill_once_reading(celery_worker, isp_list)
    assert isp_list.status == IspList.Status.PARSING, "killed part-way"
    assert ListPart.objects.filter(isp_list=isp_list).count() > 4
    assert not indexes_present() & set(DEFERRED), "killed while they were missing"

    from config.celery_app import app

    app.conf.task_always_eager = True  # the re-run, in this process (`import_list` without broker)
    services.list_import(list_id=isp_list.pk)

    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.READY
    assert Conviction.objects.filter(isp_list=isp_list).count() == isp_list.rows_total == rows
    assert not Conviction.objects.filter(isp_list=isp_list, determination="").exists()
    assert index_definitions() == before
