"""A large CSV list is read in parts, by the workers side by side (issue 19): every row is stored
once with the number it has in the whole file, and a part stopped part-way resumes alone."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from eligibility import services
from eligibility.listfiles import csv_parts, open_csv_part, open_list
from eligibility.models import Conviction, IspList, ListPart

from .conftest import EXAMPLES, Stop, expected, receive, stored

HEADER = "LAST_NAME,FIRST_NAME,DATE_OF_BIRTH,COURT_CASE_NUMBER,STATUTE,DISPOSITION,DISPOSITION_DATE"


def rows_of(path: Path) -> list[tuple[int, dict[str, str]]]:
    with open_list(path) as listfile:
        return [(row.number, row.raw) for row in listfile]


def rows_in_parts(path: Path, part_bytes: int) -> tuple[list[tuple[int, dict[str, str]]], int]:
    header_end, parts = csv_parts(path, part_bytes=part_bytes)
    rows, blank = [], 0
    for part in parts:
        with open_csv_part(path, header_end=header_end, part=part) as listfile:
            rows += [(row.number, row.raw) for row in listfile]
            blank += listfile.blank_rows
            assert listfile.last_number == part.rows_before + part.rows
    return rows, blank


def test_parts_end_at_records_and_number_rows_as_the_whole_file(tmp_path):
    path = tmp_path / "tricky.csv"
    lines = ["", HEADER]
    for number in range(1, 400):
        if number % 7 == 0:
            lines.append("")  # a blank row counts in the numbering
        elif number % 5 == 0:
            lines.append(f'"DOE\n{number}","JANE, ""JJ""",1970-01-02,C{number},550/4,GUILTY,')
        else:
            lines.append(f'ROE "R",JOHN,1/2/1970,C{number},720 ILCS 550/4(a),GUILTY,2001-01-01')
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8") + b"\r\n")
    whole = rows_of(path)
    _, parts = csv_parts(path, part_bytes=500)
    assert len(parts) > 10
    parted, blank = rows_in_parts(path, 500)
    assert parted == whole
    assert blank == 57


def test_a_file_with_lone_carriage_returns_is_read_whole(tmp_path):
    path = tmp_path / "mac.csv"
    path.write_text(HEADER + "\r" + "\r".join(["DOE,JANE,1970-01-02,C1,X,GUILTY,2001-01-01"] * 50))
    _, parts = csv_parts(path, part_bytes=100)
    assert len(parts) == 1


@pytest.mark.django_db
def test_a_list_read_in_parts_stores_every_row_once_with_its_number(media, settings, run):
    settings.LIST_PART_BYTES = 40_000
    isp_list = receive(EXAMPLES / "sample-2000.csv")
    run(isp_list.pk)
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.READY, isp_list.message
    assert ListPart.objects.filter(isp_list=isp_list, done=True).count() > 5
    assert isp_list.rows_parsed == isp_list.rows_total == isp_list.rows_evaluated == 2000
    assert stored(isp_list) == expected("sample-2000.expected.csv")
    with open(EXAMPLES / "sample-2000.csv", newline="", encoding="utf-8-sig") as handle:
        raw = {number: row for number, row in enumerate(csv.DictReader(handle), start=1)}
    for conviction in isp_list.convictions.all():
        assert conviction.cells == raw[conviction.row_number]


@pytest.mark.django_db
def test_a_part_stopped_part_way_resumes_without_duplicates(media, settings, monkeypatch, run):
    settings.LIST_PART_BYTES = 100_000
    settings.LIST_STORE_BATCH_ROWS = 100
    isp_list = receive(EXAMPLES / "sample-2000.csv")
    real_store, calls = services._store_rows, []

    def store_then_stop(*args):
        calls.append(1)
        if len(calls) == 7:
            raise Stop
        real_store(*args)

    monkeypatch.setattr(services, "_store_rows", store_then_stop)
    with pytest.raises(Stop):
        run(isp_list.pk)
    assert 0 < Conviction.objects.filter(isp_list=isp_list).count() < 2000
    assert IspList.objects.get(pk=isp_list.pk).status == IspList.Status.PARSING
    assert ListPart.objects.filter(isp_list=isp_list, done=True).exists()
    monkeypatch.setattr(services, "_store_rows", real_store)
    run(isp_list.pk)
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.READY
    assert isp_list.rows_parsed == 2000
    assert stored(isp_list) == expected("sample-2000.expected.csv")


@pytest.mark.django_db
def test_a_list_in_parts_refused_while_read_keeps_no_rows(media, settings, tmp_path, run):
    settings.LIST_PART_BYTES = 20_000
    path = tmp_path / "long-cell.csv"
    rows = [f"DOE,JANE,1970-01-02,C{n},720 ILCS 550/4,GUILTY,2001-01-01" for n in range(2000)]
    rows[1500] = rows[1500].replace("GUILTY", "G" * 1_100_000)  # a cell over the limit
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    isp_list = receive(path)
    run(isp_list.pk)
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.FAILED
    assert not Conviction.objects.filter(isp_list=isp_list).exists()
    assert not isp_list.file
    assert "line 1,502" in isp_list.message
