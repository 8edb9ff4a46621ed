"""A list read in parts is evaluated in the pass that stores it (issue 19): once every part is
read, each shard of people is evaluated and each of its rows written once, with its result."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.models import Count

from eligibility import services
from eligibility.models import Conviction, IspList, ListPart, ListShard

from .conftest import EXAMPLES, Stop, expected, receive, stored


def writes_to_convictions() -> tuple[int, int]:
    """Rows inserted and updated in ``eligibility_conviction`` by this test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_ins, n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
            [Conviction._meta.db_table],
        )
        inserted, updated = cursor.fetchone()
    return inserted, updated


def shard_files(isp_list: IspList) -> list[str]:
    directory = services._shards_dir(isp_list.pk)
    return sorted(path.name for path in directory.glob("*")) if directory.exists() else []


@pytest.fixture
def in_parts(settings, media):
    settings.LIST_PART_BYTES = 60_000
    settings.LIST_STORE_BATCH_ROWS = 150


@pytest.mark.django_db
def test_each_row_of_a_list_in_parts_is_written_once_with_its_result(in_parts, monkeypatch, run):
    def second_write(*args, **kwargs):
        raise AssertionError("a row of a list in parts was written a second time")

    monkeypatch.setattr(services, "_write_results", second_write)
    isp_list = receive(EXAMPLES / "sample-2000.csv")
    run(isp_list.pk)
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.READY, isp_list.message
    assert stored(isp_list) == expected("sample-2000.expected.csv")
    assert writes_to_convictions() == (2000, 0)
    shards = ListShard.objects.filter(isp_list=isp_list)
    assert shards.count() == ListPart.objects.filter(isp_list=isp_list).count() > 5
    assert not shards.filter(done=False).exists()
    assert isp_list.evaluation_run == 1
    assert isp_list.rows_parsed == isp_list.rows_total == isp_list.rows_evaluated == 2000
    row = isp_list.convictions.get(row_number=1)
    assert (row.policy_version, row.as_of) == (isp_list.policy.version, isp_list.as_of)
    assert shard_files(isp_list) == [], "the shards' files are removed once the list is ready"


def test_every_bucket_falls_in_exactly_one_shard():
    for shards in (1, 2, 3, 7, 16, 1000, services.BUCKETS):
        ranges = services.shard_ranges(shards)
        assert len(ranges) == shards
        for bucket in range(services.BUCKETS):
            lo, hi = ranges[services._shard_of(bucket, shards)]
            assert lo <= bucket < hi


@pytest.mark.django_db
def test_a_shard_overtaken_by_another_run_stores_each_row_once(in_parts, monkeypatch, run):
    isp_list = receive(EXAMPLES / "sample-2000.csv")
    real_store, calls = services._store_rows, []

    def overtaken(isp_list_, batch, part=None):
        calls.append(part)
        if isinstance(part, ListShard) and sum(isinstance(p, ListShard) for p in calls) == 2:
            # a shard stored one batch; another run of the import does the whole list
            monkeypatch.setattr(services, "_store_rows", real_store)
            services.list_import(list_id=isp_list.pk)
        return real_store(isp_list_, batch, part)

    monkeypatch.setattr(services, "_store_rows", overtaken)
    run(isp_list.pk)
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.READY, isp_list.message
    assert isp_list.rows_parsed == isp_list.rows_total == isp_list.rows_evaluated == 2000
    assert stored(isp_list) == expected("sample-2000.expected.csv")
    assert writes_to_convictions() == (2000, 0)


@pytest.mark.django_db
def test_the_progress_of_a_list_in_parts_counts_the_rows_evaluated(in_parts, monkeypatch, run):
    isp_list = receive(EXAMPLES / "sample-2000.csv")
    seen: list[tuple[str, int]] = []
    real_store = services._store_rows

    def watch(isp_list_, batch, part=None):
        real_store(isp_list_, batch, part)
        current = IspList.objects.get(pk=isp_list.pk)
        seen.append((current.status, current.progress_percent))

    monkeypatch.setattr(services, "_store_rows", watch)
    run(isp_list.pk)
    percents = [percent for _status, percent in seen]
    assert {status for status, _percent in seen} == {IspList.Status.PARSING}
    assert percents == sorted(percents), "the bar never goes back"
    assert 50 < percents[0] < percents[-1] == 100


@pytest.mark.django_db
def test_a_list_sent_again_is_matched_in_the_same_write(in_parts, run):
    first = receive(EXAMPLES / "sample-2000.csv")
    run(first.pk)
    before = writes_to_convictions()
    again = services.list_store_file(
        path=EXAMPLES / "sample-2000.csv",
        filename="sample-2000.csv",
        as_of=date(2026, 11, 25),
        user=None,
        confirm_reimport=True,
        start=False,
    )
    run(again.pk)
    again.refresh_from_db()
    assert again.status == IspList.Status.READY, again.message
    after = writes_to_convictions()
    rows = again.convictions.values_list("row_number", "identity", "copy_of__identity")
    repeated = {
        group["identity"]
        for group in again.convictions.values("identity")
        .annotate(rows=Count("id"))
        .filter(rows__gt=1)
    }
    assert 0 < len(repeated) < 50, "the sample holds a few convictions twice (R20)"
    assert all(identity == earlier for _number, identity, earlier in rows)
    copies = dict(again.convictions.values_list("row_number", "copy_of__row_number"))
    assert all(copies[number] == number for number, identity, _ in rows if identity not in repeated)
    # Each row written once; only a conviction the list holds twice may be matched again, to
    # the earlier copy with its own facts (list_match, issue 18).
    twice = again.convictions.filter(identity__in=repeated).count()
    assert after[0] - before[0] == 2000
    assert 0 < after[1] - before[1] <= twice
    assert (again.history["known"], again.history["new"]) == (2000, 0)


@pytest.mark.django_db
def test_a_list_refused_while_its_shards_wait_leaves_no_shard_files(
    in_parts, monkeypatch, run, django_capture_on_commit_callbacks
):
    isp_list = receive(EXAMPLES / "sample-2000.csv")

    def stop(*args):
        raise Stop

    monkeypatch.setattr(services, "_store_rows", stop)
    with pytest.raises(Stop):
        run(isp_list.pk)
    assert shard_files(isp_list), "every part was read: its rows wait in the shards' files"
    with django_capture_on_commit_callbacks(execute=True):
        services.list_fail(list_id=isp_list.pk, message="Refused.")
    assert shard_files(isp_list) == []
    assert not Conviction.objects.filter(isp_list=isp_list).exists()
