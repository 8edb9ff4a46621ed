"""Hostile or broken ISP lists, through the real upload page (and ``open_list``): NUL bytes,
invalid UTF-8, 10,000 columns, a 10 MB cell, zip bombs, formulas in every export, HTML in every
field, and a huge number of rows of one person."""

from __future__ import annotations

import cProfile
import csv
import io
import json
import pstats
import struct
import time
import zipfile
from datetime import date

import openpyxl
import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl.utils import get_column_letter

from core.spreadsheets import FORMULA_STARTS
from eligibility.listfiles import ListRefused, open_list
from eligibility.models import Conviction, IspList
from eligibility.rules import engine
from eligibility.rules.records import Policy, Record

pytestmark = pytest.mark.django_db

HEADER = (
    "SID,LAST_NAME,FIRST_NAME,DATE_OF_BIRTH,COUNTY,COURT_CASE_NUMBER,OFFENSE_DATE,STATUTE,"
    "OFFENSE_CLASS,DISPOSITION,DISPOSITION_DATE,SENTENCE"
)
ROW = "1,DOE,JANE,1970-01-01,COOK,12C2,2012-01-01,720 ILCS 550/4(b),B,GUILTY,2012-05-10,FINE $100"


def csv_bytes(*rows: str | list[str], header: str | list[str] = HEADER) -> bytes:
    """A CSV file: rows given as text are written as they are, rows given as cells are quoted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for line in [header, *rows]:
        if isinstance(line, str):
            buffer.write(line + "\n")
        else:
            writer.writerow(line)
    return buffer.getvalue().encode()


def row(**cells: str) -> list[str]:
    """``ROW``'s cells with some replaced, by header name."""
    values = dict(zip(HEADER.split(","), ROW.split(","), strict=True))
    values.update({name.upper(): value for name, value in cells.items()})
    return list(values.values())


def refused_with(response, text: str) -> None:
    assert response.status_code == 200, "the form is shown again"
    assert text in response.content.decode()
    assert IspList.objects.count() == 0
    assert Conviction.objects.count() == 0


def the_list() -> IspList:
    return IspList.objects.get()


# NUL bytes and encodings --------------------------------------------------------------------------


def test_nul_bytes_in_a_csv_are_dropped_and_the_list_is_read(client, supervisor, upload):
    client.force_login(supervisor)
    content = csv_bytes(row(last_name="DO\x00E", sentence="FINE\x00 $100"), row(sid="2\x00"))
    response = upload(client, "nul.csv", content)
    assert response.status_code == 302
    isp_list = the_list()
    assert isp_list.status == IspList.Status.READY and isp_list.rows_total == 2
    first, second = isp_list.convictions.order_by("row_number")
    assert (first.last_name, first.sentence, second.sid) == ("DOE", "FINE $100", "2")
    assert "\x00" not in json.dumps(first.cells) + json.dumps(second.cells)


def test_cells_holding_backslashes_tabs_and_line_breaks_are_stored_as_received(
    client, supervisor, upload
):
    """The rows go to the database as lines of COPY's text format, where a backslash, a tab, a
    line break and ``\\N`` mean something: cells holding them are stored as they came."""
    client.force_login(supervisor)
    cells = {
        "last_name": "O\\NEIL \\N",
        "first_name": "JA\tNE",
        "sentence": 'FINE "$100"\r\nPAID \\t \\u0000 \\\\',
        "sid": "\\N",
    }
    response = upload(client, "escapes.csv", csv_bytes(row(**cells), row(sid="2")))
    assert response.status_code == 302
    isp_list = the_list()
    assert isp_list.status == IspList.Status.READY and isp_list.rows_total == 2
    first = isp_list.convictions.get(row_number=1)
    for name, value in cells.items():
        assert first.cells[name.upper()] == value, name
    assert (first.last_name, first.first_name, first.sid) == ("O\\NEIL \\N", "JA\tNE", "\\N")
    assert first.sentence == 'FINE "$100"\r\nPAID \\t \\u0000 \\\\'
    assert first.disposition_on == date(2012, 5, 10)


def test_a_file_of_nul_bytes_is_refused_as_not_text(client, supervisor, upload):
    client.force_login(supervisor)
    refused_with(upload(client, "list.csv", b"\x00" * 5000), "neither a CSV text file")


def test_a_workbook_cell_with_nul_bytes_is_read_without_them(client, supervisor, upload):
    client.force_login(supervisor)
    upload(client, "nul.xlsx", workbook([HEADER.split(","), row(last_name="DO\x00E")]))
    assert the_list().convictions.get().last_name == "DOE"


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (csv_bytes(ROW, row(last_name="MUÑOZ")), None),
        (csv_bytes(ROW).replace(b"DOE", b"MU\xd1OZ"), "line 2"),
        (csv_bytes(ROW, ROW, ROW) + b"1,\xff\xfe,JANE\n", "line 5"),
        (csv_bytes(ROW, ROW) + b"1,DOE,JANE\xe2\x82\n", "line 4"),
    ],
)
def test_text_that_is_not_utf8_is_refused_with_the_line_named(
    client, supervisor, upload, content, line
):
    client.force_login(supervisor)
    response = upload(client, "list.csv", content)
    if line is None:  # the control: the same file in UTF-8 is read
        assert response.status_code == 302
        return
    refused_with(response, f"not a CSV file in UTF-8: {line} ")


# Width and size ---------------------------------------------------------------------------------


def test_a_list_with_10000_columns_is_read_and_keeps_its_other_columns(client, supervisor, upload):
    extra = [f"X{n}" for n in range(10_000 - len(HEADER.split(",")))]
    header = ",".join([HEADER, *extra])
    rows = [",".join([ROW.replace("12C2", f"12C{n}"), *(f"v{n}" for n in extra)]) for n in range(3)]
    client.force_login(supervisor)
    response = upload(client, "wide.csv", csv_bytes(*rows, header=header))
    assert response.status_code == 302
    isp_list = the_list()
    assert isp_list.status == IspList.Status.READY and isp_list.rows_total == 3
    conviction = isp_list.convictions.order_by("row_number").first()
    assert len(conviction.cells) == 10_000 and len(conviction.other) == len(extra)
    assert conviction.other[extra[-1]] == f"v{extra[-1]}"
    assert client.get(f"/review/{conviction.pk}/").status_code == 200
    assert client.get(f"/lists/{isp_list.pk}/").status_code == 200


def test_a_header_of_10000_unknown_columns_is_refused_with_a_short_message(
    client, supervisor, upload
):
    header = ",".join(f"COLUMN_{n}" for n in range(10_000))
    client.force_login(supervisor)
    response = upload(client, "wide.csv", csv_bytes("1,2,3", header=header))
    refused_with(response, "COLUMN_39, … and 9960 more.")
    assert len(response.content) < 20_000


TEN_MB = 10 * 1024 * 1024


def test_a_10_mb_csv_cell_refuses_the_list_with_the_line_named(client, supervisor, upload):
    client.force_login(supervisor)
    content = csv_bytes(ROW, row(sentence="X" * TEN_MB))
    response = upload(client, "big-cell.csv", content)
    assert response.status_code == 302, "found only when the rows are read"
    isp_list = the_list()
    assert isp_list.status == IspList.Status.FAILED
    assert "near line 3" in isp_list.message and "field larger than field limit" in isp_list.message
    assert Conviction.objects.count() == 0, "nothing half-stored"
    assert "near line 3" in client.get(f"/lists/{isp_list.pk}/").content.decode()


def test_a_10_mb_csv_cell_is_refused_by_the_reader(tmp_path):
    path = tmp_path / "big-cell.csv"
    path.write_bytes(csv_bytes(row(sentence="X" * TEN_MB)))
    with open_list(path) as listfile, pytest.raises(ListRefused, match="near line 2"):
        list(listfile)


# A value longer than its column: on PostgreSQL the import stops with an uncaught
# StringDataRightTruncation and the list stays "parsing" for ever (reported; eligibility/services.py
# stores the parsed fields unfitted to the Conviction columns).
def test_a_10_mb_workbook_cell_does_not_break_the_import(client, supervisor, upload):
    content = workbook([HEADER.split(","), ROW.split(",")], big_cell=("LAST_NAME", TEN_MB))
    assert len(content) < 100_000
    client.force_login(supervisor)
    response = upload(client, "big-cell.xlsx", content)
    assert response.status_code in (200, 302)
    if response.status_code == 200:  # refused: with a message, nothing stored
        refused_with(response, "cell")
        return
    isp_list = the_list()
    if isp_list.status == IspList.Status.FAILED:
        assert isp_list.message and Conviction.objects.count() == 0
        return
    assert isp_list.status == IspList.Status.READY
    conviction = isp_list.convictions.get()
    assert client.get(f"/review/{conviction.pk}/").status_code == 200


@pytest.mark.parametrize(
    "cells",
    [
        {"last_name": "X" * 300},
        {"sid": "9" * 65},
        {"court_case_number": "2012-CR-" + "0" * 130},
        {"date_of_birth": "sometime in the spring of the year nineteen hundred and seventy-one"},
    ],
    ids=["name", "sid", "case", "birth"],
)
def test_a_value_longer_than_its_column_neither_crashes_nor_stalls_the_import(
    client, supervisor, upload, cells
):
    client.force_login(supervisor)
    upload(client, "long.csv", csv_bytes(row(**cells)))
    isp_list = the_list()
    assert isp_list.status in (IspList.Status.READY, IspList.Status.FAILED)
    if isp_list.status == IspList.Status.READY:
        ((_field, value),) = cells.items()
        assert value in isp_list.convictions.get().cells.values(), "the cell as received is kept"


# Zip bombs --------------------------------------------------------------------------------------


def workbook(
    rows: list[list[str]],
    *,
    big_cell: tuple[str, int] | None = None,
    forge_sheet_size: int | None = None,
) -> bytes:
    """An .xlsx written by hand, with inline strings. ``big_cell`` (header, bytes) fills that
    column of the first data row with that many bytes of "A", streamed: it compresses about
    1000:1. ``forge_sheet_size`` writes another expanded size for the sheet into the archive's
    headers (a workbook that lies about how large it expands)."""
    base = openpyxl.Workbook()
    buffer = io.BytesIO()
    base.save(buffer)
    sheet_name = "xl/worksheets/sheet1.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in source.infolist():
            if info.filename != sheet_name:
                dst.writestr(info.filename, source.read(info.filename))
        with dst.open(sheet_name, "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData>"
            )
            for r, cells in enumerate(rows, start=1):
                sheet.write(f'<row r="{r}">'.encode())
                for c, value in enumerate(cells, start=1):
                    ref = f"{get_column_letter(c)}{r}"
                    sheet.write(f'<c r="{ref}" t="inlineStr"><is><t>'.encode())
                    if big_cell and r == 2 and rows[0][c - 1] == big_cell[0]:
                        chunk = b"A" * (1024 * 1024)
                        for _ in range(big_cell[1] // len(chunk)):
                            sheet.write(chunk)
                    else:
                        sheet.write(value.replace("&", "&amp;").replace("<", "&lt;").encode())
                    sheet.write(b"</t></is></c>")
                sheet.write(b"</row>")
            sheet.write(b"</sheetData></worksheet>")
    data = bytearray(out.getvalue())
    if forge_sheet_size is not None:
        with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
            local = archive.getinfo(sheet_name).header_offset
        struct.pack_into("<I", data, local + 22, forge_sheet_size)  # local file header
        central = data.find(b"PK\x01\x02")
        while central != -1:
            name_length = struct.unpack_from("<H", data, central + 28)[0]
            if data[central + 46 : central + 46 + name_length] == sheet_name.encode():
                struct.pack_into("<I", data, central + 24, forge_sheet_size)  # central directory
            central = data.find(b"PK\x01\x02", central + 46)
    return bytes(data)


def test_a_workbook_bomb_is_refused_before_it_is_opened(client, supervisor, upload, settings):
    settings.LIST_MAX_EXPANDED_BYTES = 32 * 1024 * 1024
    content = workbook([HEADER.split(","), ROW.split(",")], big_cell=("SENTENCE", 64 * 1024**2))
    assert len(content) < 200_000, "64 MB in under 200 kB"
    client.force_login(supervisor)
    refused_with(upload(client, "bomb.xlsx", content), "expands to 64 MB, more than the 32 MB")


def test_the_default_limit_refuses_a_workbook_that_expands_to_3_gb(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(workbook([HEADER.split(","), ROW.split(",")], forge_sheet_size=3 * 1024**3))
    with pytest.raises(ListRefused, match="expands to 3,072 MB, more than the 2,048 MB allowed"):
        open_list(path, max_expanded_bytes=settings.LIST_MAX_EXPANDED_BYTES)


def test_a_workbook_that_hides_how_far_it_expands_is_refused_unread(client, supervisor, upload):
    content = workbook(
        [HEADER.split(","), ROW.split(",")],
        big_cell=("SENTENCE", 64 * 1024**2),
        forge_sheet_size=4096,
    )
    client.force_login(supervisor)
    # The reader stops at the size the archive declares: the sheet is cut short and refused.
    refused_with(upload(client, "liar.xlsx", content), "could not be read")


# Formulas in every export -----------------------------------------------------------------------

EVIL = {
    "last_name": '=HYPERLINK("http://x.invalid","click")',
    "first_name": "+cmd|' /C calc'!A0",
    "court_case_number": "-2+3",
    "date_of_birth": "@SUM(A1)",
    "offense_class": "=1+1",
    "disposition": "-GUILTY",
}


def results_export(client, upload) -> object:
    upload(client, "evil.csv", csv_bytes(row(**EVIL)))
    return client.get(f"/lists/{the_list().pk}/results.xlsx")


def audit_export(client, upload) -> object:
    for text in EVIL.values():
        client.post("/accounts/login/", {"username": text, "password": "wrong"})
    return client.get("/audit/export.xlsx?action=user.login_failed")


def reports_export(client, upload) -> object:
    # The reports hold no names: each text is a race as recorded, shown as a row label.
    rows = [
        [*row(sid=str(n), court_case_number=f"12C{n}"), text]
        for n, text in enumerate(EVIL.values())
    ]
    upload(client, "evil.csv", csv_bytes(*rows, header=[*HEADER.split(","), "RACE"]))
    return client.get("/reports/export.xlsx")


def referrals_export(client, upload) -> object:
    # A dismissed charge is referred; texts that would change its determination go elsewhere.
    cells = row(
        last_name=EVIL["last_name"],
        first_name=EVIL["first_name"],
        court_case_number=EVIL["court_case_number"],
        disposition="DISMISSED",
    )
    extra = [EVIL["date_of_birth"], EVIL["offense_class"], EVIL["disposition"]]
    header = [*HEADER.split(","), "ARRESTING_AGENCY", "DCN", "MIDDLE_NAME"]
    upload(client, "evil.csv", csv_bytes([*cells, *extra], header=header))
    return client.get(f"/reports/lists/{the_list().pk}/referrals.xlsx")


def sample_export(client, upload) -> object:
    upload(client, "evil.csv", csv_bytes(row(**EVIL)))
    client.post("/review/samples/", {"isp_list": the_list().pk, "size": 5, "seed": 1})
    sample = the_list().validation_samples.get()
    return client.get(f"/review/samples/{sample.pk}/report.xlsx")


EXPORTS = {
    "/review/samples/<int:pk>/report.xlsx": sample_export,
    "/lists/<int:pk>/results.xlsx": results_export,
    "/audit/export.xlsx": audit_export,
    "/reports/export.xlsx": reports_export,
    "/reports/lists/<int:pk>/referrals.xlsx": referrals_export,
}


def routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    found = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not route.startswith("admin/"):
                found.extend(routes(pattern, route))
        elif isinstance(pattern, URLPattern):
            found.append("/" + route)
    return found


def test_every_spreadsheet_export_is_checked_for_formulas():
    spreadsheets = {r for r in routes(get_resolver()) if r.endswith((".xlsx", ".csv", ".xls"))}
    assert spreadsheets == set(EXPORTS)


@pytest.mark.parametrize("route", sorted(EXPORTS))
def test_no_export_holds_a_formula(client, supervisor, upload, route):
    client.force_login(supervisor)
    response = EXPORTS[route](client, upload)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    texts = []
    for sheet in book.worksheets:
        for cells in sheet.iter_rows():
            for cell in cells:
                assert cell.data_type != "f", f"{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_STARTS), cell.value
                    texts.append(cell.value)
    for text in EVIL.values():
        assert "'" + text in texts, f"{text} is kept, as text"


# HTML in the list -------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"


def test_html_in_any_field_shows_as_text(client, supervisor, upload):
    client.force_login(supervisor)
    content = csv_bytes(
        row(
            last_name=SCRIPT,
            first_name=IMG,
            statute=f"720 ILCS 550/4(b) {SCRIPT}",
            disposition_date=f"<b>{SCRIPT}</b>",
            sentence=IMG,
        ),
        header=[*HEADER.split(","), "<i>NOTES</i>"],
    )
    response = upload(client, f"<b onmouseover=alert(3)>list{IMG}.csv", content)
    assert response.status_code == 302
    isp_list = the_list()
    conviction = isp_list.convictions.get()
    assert conviction.last_name == SCRIPT, "stored as received"
    pages = {
        "conviction": client.get(f"/review/{conviction.pk}/"),
        "report": client.get(f"/lists/{isp_list.pk}/"),
        "lists": client.get("/lists/"),
        "audit": client.get("/audit/"),
    }
    for name, page in pages.items():
        html = page.content.decode()
        assert page.status_code == 200, name
        assert "<script>alert" not in html and "<img src=x" not in html, name
        assert "<b onmouseover" not in html and "<i>NOTES" not in html, name
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["conviction"].content.decode()
    assert "&lt;img src=x onerror=alert(2)&gt;" in pages["conviction"].content.decode()
    assert "&lt;b&gt;&lt;script&gt;" in pages["report"].content.decode(), "the unreadable date"
    assert "&lt;b onmouseover=alert(3)&gt;" in pages["lists"].content.decode()


def test_html_in_a_refused_header_shows_as_text(client, supervisor, upload):
    client.force_login(supervisor)
    response = upload(client, "list.csv", csv_bytes(ROW, header=[SCRIPT, IMG, "DOB"]))
    refused_with(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
    assert "<script>alert" not in response.content.decode()
    assert "<img src=x" not in response.content.decode()


# One person, very many rows ---------------------------------------------------------------------


def test_20000_rows_of_one_person_are_read_and_evaluated_in_one_pass(
    client, supervisor, upload, monkeypatch, capsys
):
    """Association is within a person: the person's 20,000 rows are judged together, once each,
    in one call of the association step (no re-reading per row, no pair of rows compared)."""
    calls = {"person": 0, "rows": 0}
    judge_person = engine._judge_person

    def counting(records, indices, run, results):
        calls["person"] += 1
        calls["rows"] += len(indices)
        return judge_person(records, indices, run, results)

    monkeypatch.setattr(engine, "_judge_person", counting)
    rows = [ROW.replace("12C2", f"12C{n}") for n in range(20_000)]
    client.force_login(supervisor)
    started = time.perf_counter()
    response = upload(client, "one-person.csv", csv_bytes(*rows))
    elapsed = time.perf_counter() - started
    assert response.status_code == 302
    isp_list = the_list()
    assert isp_list.status == IspList.Status.READY
    assert isp_list.rows_total == isp_list.rows_evaluated == 20_000
    assert calls == {"person": 1, "rows": 20_000}
    assert isp_list.convictions.filter(determination="ELIGIBLE").count() == 20_000
    conviction = isp_list.convictions.get(row_number=10_000)
    assert client.get(f"/review/{conviction.pk}/").status_code == 200
    with capsys.disabled():
        print(f"\n  20,000 rows of one person: uploaded, read and evaluated in {elapsed:.1f} s")


def one_person(rows: int, shape: str) -> list[Record]:
    """One person's rows, half of them cannabis (section 4) convictions, half aggravated battery
    (violent) convictions: in separate cases, in one case, or in separate cases of one arrest."""
    records = []
    for n in range(1, rows + 1):
        statute = "720 ILCS 550/4(b)" if n % 2 else "720 ILCS 5/12-3.05"
        records.append(
            Record(
                row=n,
                sid="1234567",
                last_name="DOE",
                first_name="JANE",
                date_of_birth="1970-01-01",
                dcn="D1" if shape == "one arrest" else "",
                county="COOK",
                court_case_number="12C1" if shape == "one case" else f"12C{n}",
                offense_date="2012-01-01",
                statute=statute,
                offense_class="B",
                disposition="GUILTY",
                disposition_date="2012-05-10",
                sentence="FINE $100",
            )
        )
    return records


def work(rows: int, shape: str) -> tuple[int, int]:
    """Function calls made by ``evaluate`` (counted, not timed) and bytes of details written."""
    engine.case_key.cache_clear()
    records = one_person(rows, shape)
    profile = cProfile.Profile()
    results = profile.runcall(engine.evaluate, records, Policy(), date(2026, 11, 25))
    calls = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
    return calls, sum(len(json.dumps(result.details)) for result in results)


@pytest.mark.parametrize(
    "shape",
    [
        "separate cases",
        "one case",
        "one arrest",
    ],
)
def test_twice_the_rows_of_one_person_is_twice_the_work(shape):
    calls, written = work(2000, shape)
    calls2, written2 = work(4000, shape)
    assert calls2 / calls < 2.2, (calls, calls2)
    assert written2 / written < 2.2, f"details: {written:,} → {written2:,} bytes"
