"""A large list is judged as it is stored (issue 19, ``LIST_JUDGE_WHILE_STORING_BYTES``): each row
is written once, with its result, and only a person whose rows fell in different batches is judged
again, whole, before the list is ready. The results are those of a list stored, then judged."""

from __future__ import annotations

import csv
import random
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from demo.synthetic import write_csv
from eligibility import services
from eligibility.models import Conviction, IspList, ListPart

from .conftest import EXAMPLES, Stop, expected, receive, stored

SAMPLE = EXAMPLES / "sample-2000.csv"
BATCH = 300


@pytest.fixture
def judging(settings, media):
    settings.LIST_JUDGE_WHILE_STORING_BYTES = 0
    settings.LIST_STORE_BATCH_ROWS = BATCH


def store_again(path: Path, as_of: date = date(2026, 11, 25)) -> IspList:
    return services.list_store_file(
        path=path, filename=path.name, as_of=as_of, user=None, start=False, confirm_reimport=True
    )


def assert_judged_whole(isp_list: IspList, run: int = 1) -> None:
    """Every row carries the list's run and was judged with every row of its person."""
    rows = list(isp_list.convictions.values_list("person_key", "judged_with", "evaluation_run"))
    people = Counter(person for person, _judged, _run in rows)
    assert [(judged, row_run) for person, judged, row_run in rows] == [
        (people[person], run) for person, _judged, _run in rows
    ]


def assert_every_expected_result(isp_list: IspList) -> None:
    """Every row of the sample stored, evaluated, with the result the example list expects, and
    judged with every row of its person."""
    assert isp_list.rows_parsed == isp_list.rows_total == isp_list.rows_evaluated == 2000
    assert stored(isp_list) == expected("sample-2000.expected.csv")
    assert_judged_whole(isp_list)


def imported(isp_list: IspList, run) -> IspList:
    """Run the list's import to its end: the list, ready."""
    run(isp_list.pk)
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.READY, isp_list.message
    return isp_list


def results(isp_list: IspList) -> dict[int, tuple[object, ...]]:
    return {
        number: rest
        for number, *rest in isp_list.convictions.values_list(
            "row_number", "determination", "reasons", "details", "ruleset_version", "as_of"
        )
    }


def shuffled_list(tmp_path: Path, rows: int, seed: int) -> Path:
    """A generated list with its rows in random order: most people's rows fall in several
    batches."""
    source = write_csv(tmp_path / "generated.csv", rows, seed=seed)
    with open(source, newline="", encoding="utf-8") as handle:
        header, *records = list(csv.reader(handle))
    random.Random(seed).shuffle(records)
    path = tmp_path / "shuffled.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *records])
    return path


@pytest.mark.django_db
def test_a_list_judged_as_it_is_stored_gets_every_expected_result(judging, run):
    assert_every_expected_result(imported(receive(SAMPLE), run))


@pytest.mark.django_db
def test_only_people_whose_rows_fell_in_different_batches_are_judged_again(
    judging, monkeypatch, run
):
    written = spy_on_writes(monkeypatch)
    isp_list = imported(receive(SAMPLE), run)
    rows = list(isp_list.convictions.order_by("row_number").values_list("pk", "person_key"))
    batches: dict[str, set[int]] = defaultdict(set)
    for position, (_pk, person) in enumerate(rows):
        batches[person].add(position // BATCH)
    split = {pk for pk, person in rows if len(batches[person]) > 1}
    assert split, "some people have rows in two batches"
    assert sorted(written) == sorted(split), "each of their rows once, and no other row"
    assert len(split) < len(rows) / 10


@pytest.mark.django_db
def test_the_people_judged_again_are_found_by_one_scan_of_the_list(judging, monkeypatch, run):
    # PostgreSQL: the chunks are given the ids of their rows; SQLite: each groups its buckets.
    scans: list[int] = []
    real_people = services.people_to_judge

    def people(rows, evaluation_run):
        scans.append(1)
        return real_people(rows, evaluation_run)

    monkeypatch.setattr(services, "people_to_judge", people)
    written = spy_on_writes(monkeypatch)
    isp_list = imported(receive(SAMPLE), run)
    assert written, "some people have rows in two batches"
    assert_judged_whole(isp_list)
    chunks = isp_list.chunks_total
    assert len(scans) == (1 if connection.vendor == "postgresql" else 1 + chunks)


def spy_on_writes(monkeypatch) -> list[int]:
    """The ids of the rows the evaluation's chunks write (not the rows written as stored)."""
    written: list[int] = []
    real_write = services._write_results

    def write(ids, *args, **kwargs):
        written.extend(ids)
        return real_write(ids, *args, **kwargs)

    monkeypatch.setattr(services, "_write_results", write)
    return written


@pytest.mark.django_db
def test_a_shuffled_list_judged_as_stored_agrees_with_it_stored_then_judged(
    judging, settings, monkeypatch, tmp_path, run
):
    monkeypatch.setattr(services, "JUDGED_TOGETHER_SHARE", 0)  # judge every batch as stored
    path = shuffled_list(tmp_path, 3000, seed=5)
    judged = receive(path)
    run(judged.pk)
    settings.LIST_JUDGE_WHILE_STORING_BYTES = 1 << 40
    then_judged = store_again(path)
    run(then_judged.pk)
    for isp_list in (judged, then_judged):
        isp_list.refresh_from_db()
        assert isp_list.status == IspList.Status.READY, isp_list.message
        assert isp_list.rows_evaluated == isp_list.rows_total > 2900
        assert_judged_whole(isp_list)
    assert results(judged) == results(then_judged)
    people = Counter(judged.convictions.values_list("person_key", flat=True))
    assert sum(1 for rows in people.values() if rows > 1) > 100, "people with several rows"


@pytest.mark.django_db
def test_a_list_that_does_not_give_a_persons_rows_together_is_stored_then_judged(
    judging, settings, monkeypatch, tmp_path, run
):
    settings.LIST_STORE_BATCH_ROWS = 100  # few of a batch's rows share their person by chance
    path = shuffled_list(tmp_path, 3000, seed=6)
    written = spy_on_writes(monkeypatch)
    isp_list = imported(receive(path), run)
    assert sorted(written) == sorted(isp_list.convictions.values_list("pk", flat=True))
    assert_judged_whole(isp_list)


@pytest.mark.django_db
def test_a_list_judged_as_stored_stopped_part_way_resumes_without_duplicates(
    judging, monkeypatch, run
):
    isp_list = receive(SAMPLE)
    real_store, batches = services._store_rows, iter(range(1, 10_000))

    def store(*args):
        if next(batches) == 3:  # a worker dies storing the third batch
            raise Stop
        real_store(*args)

    monkeypatch.setattr(services, "_store_rows", store)
    with pytest.raises(Stop):
        run(isp_list.pk)
    assert Conviction.objects.filter(isp_list=isp_list).count() == 2 * BATCH
    assert IspList.objects.get(pk=isp_list.pk).status == IspList.Status.PARSING
    assert_every_expected_result(imported(isp_list, run))


@pytest.mark.django_db
def test_a_list_read_in_parts_and_judged_as_stored_gets_every_expected_result(
    judging, settings, run
):
    if connection.vendor != "postgresql":
        pytest.skip("a list is read in parts on PostgreSQL only")
    settings.LIST_PART_BYTES = 40_000
    isp_list = imported(receive(SAMPLE), run)
    assert ListPart.objects.filter(isp_list=isp_list, done=True).count() > 5
    assert_every_expected_result(isp_list)


@pytest.mark.django_db
def test_a_list_judged_as_stored_is_judged_whole_again_under_a_new_date(
    judging, run, django_capture_on_commit_callbacks
):
    isp_list = imported(receive(SAMPLE), run)
    with django_capture_on_commit_callbacks(execute=True):
        services.list_reevaluate(
            isp_list=isp_list, as_of=date(2027, 1, 4), policy=isp_list.policy, user=None
        )
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.READY, isp_list.message
    assert isp_list.evaluation_run == 2 and isp_list.rows_evaluated == 2000
    assert set(isp_list.convictions.values_list("as_of", flat=True)) == {date(2027, 1, 4)}
    assert_judged_whole(isp_list, run=2)


def copies(isp_list: IspList) -> dict[int, int | None]:
    """Each row's number, and the number of the row it repeats on the list before."""
    return dict(isp_list.convictions.values_list("row_number", "copy_of__row_number"))


@pytest.mark.django_db
def test_rows_judged_as_stored_name_the_same_conviction_on_the_list_before(judging, settings, run):
    first = receive(SAMPLE)
    run(first.pk)
    judged = store_again(SAMPLE)
    run(judged.pk)
    settings.LIST_JUDGE_WHILE_STORING_BYTES = 1 << 40
    then_judged = store_again(SAMPLE)
    run(then_judged.pk)
    judged.refresh_from_db()
    then_judged.refresh_from_db()
    assert [row.copy_of.isp_list_id for row in judged.convictions.exclude(copy_of=None)] == [
        first.pk
    ] * judged.history["known"]
    assert judged.history["known"] > 1900
    assert copies(judged) == copies(then_judged)
    assert judged.history == then_judged.history
