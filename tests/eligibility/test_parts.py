"""A large CSV list is read in parts, by the workers side by side (issue 19): every row is stored
once with the number it has in the whole file, and a part stopped part-way resumes alone."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from eligibility import services
from eligibility.listfiles import CsvPart, ListRefused, csv_parts, open_csv_part, open_list
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
@pytest.mark.parametrize(("rows_before", "line"), [(1500, "1,502"), (15_000, "15,002")])
def test_a_list_in_parts_refused_while_read_keeps_no_rows(
    media, settings, tmp_path, run, rows_before, line
):
    # At row 15,000 the long cell lies past the first block ``csv_parts`` reads, whose lines it
    # counts without the CSV reader.
    settings.LIST_PART_BYTES = 20_000
    path = tmp_path / "long-cell.csv"
    rows = [
        f"DOE,JANE,1970-01-02,C{n},720 ILCS 550/4,GUILTY,2001-01-01"
        for n in range(rows_before + 500)
    ]
    rows[rows_before] = rows[rows_before].replace(
        "GUILTY", "G" * 1_100_000
    )  # a cell over the limit
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    isp_list = receive(path)
    run(isp_list.pk)
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.FAILED
    assert not Conviction.objects.filter(isp_list=isp_list).exists()
    assert not isp_list.file
    assert f"line {line}" in isp_list.message


def parts_by_the_reader(path: Path, part_bytes: int) -> list[CsvPart]:
    """The parts as the CSV reader alone finds them, record by record (what ``csv_parts``
    must find, counting the lines of blocks with no quote mark)."""
    size = path.stat().st_size
    target = size // -(-size // part_bytes)
    with open(path, "rb") as handle:
        position = 3 if handle.read(3) == b"\xef\xbb\xbf" else 0
        handle.seek(position)

        def lines():
            nonlocal position
            for line in handle:
                position += len(line)
                yield line.decode("utf-8")

        reader = csv.reader(lines(), strict=False)
        for cells in reader:
            if any(cell.strip() for cell in cells):
                break
        start, rows_before, rows, parts = position, 0, 0, []
        for _cells in reader:
            rows += 1
            if position - start >= target:
                parts.append(CsvPart(start, position, rows_before, rows - rows_before))
                start, rows_before = position, rows_before + rows - rows_before
        if rows > rows_before or not parts:
            parts.append(CsvPart(start, position, rows_before, rows - rows_before))
    return parts


CELL = st.text(st.sampled_from(list('ab 1,"\n\r')), max_size=6)


@examples(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.one_of(
            st.lists(st.text(st.sampled_from(list("ab 1/-")), max_size=8), max_size=9),
            st.lists(CELL, max_size=9),  # quoted by the writer when they need it
            st.text(st.sampled_from(list('ab 1,"')), max_size=20),  # a stray quote mark
            st.just(""),  # a blank row
        ),
        min_size=1,
        max_size=60,
    ),
    part_bytes=st.integers(10, 400),
    block_bytes=st.integers(1, 300),
    line_end=st.sampled_from(["\n", "\r\n"]),
    last_line_end=st.booleans(),
    bom=st.booleans(),
)
def test_parts_are_the_records_the_reader_finds_whatever_the_blocks(
    tmp_path_factory, rows, part_bytes, block_bytes, line_end, last_line_end, bom
):
    lines = [HEADER]
    for row in rows:
        if isinstance(row, list):
            text = io.StringIO()
            csv.writer(text, lineterminator=line_end).writerow(row)
            lines.append(text.getvalue().removesuffix(line_end))
        else:
            lines.append(row)
    content = line_end.join(lines) + (line_end if last_line_end else "")
    path = tmp_path_factory.mktemp("parts") / "list.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + content.encode("utf-8"))
    try:
        header_end, parts = csv_parts(path, part_bytes=part_bytes, block_bytes=block_bytes)
    except ListRefused:
        return  # what open_list refuses (an unclosed quote mark, say) is refused here too
    if len(parts) == 1 and parts[0].rows == 0:
        return  # read whole (a lone carriage return inside a quoted cell)
    assert parts == parts_by_the_reader(path, part_bytes)
    assert parts[0].start == header_end and parts[-1].end == path.stat().st_size
    parted, _blank = rows_in_parts(path, part_bytes)
    assert parted == rows_of(path)
