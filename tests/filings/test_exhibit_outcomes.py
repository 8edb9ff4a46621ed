"""Clerks record the court's rulings by uploading Exhibit A back with an "Outcome" column."""

from __future__ import annotations

import csv
import html
import importlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import openpyxl
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl.worksheet.worksheet import Worksheet

from accounts.models import AuditEvent
from eligibility.models import Conviction
from filings import exhibit_outcomes
from filings.models import CourtOutcome, Packet
from review.models import Batch
from tests.filings.conftest import approved_batch

pytestmark = pytest.mark.django_db

OUTCOME, ORDER_DATE = 16, 17  # the columns added after the exhibit's 15


@dataclass
class Filed:
    packet: Packet
    exhibit: bytes  # exhibit-a.xlsx as downloaded in the packet's zip

    @property
    def url(self) -> str:
        return f"/filings/{self.packet.pk}/outcomes/upload/"


def today() -> date:
    return timezone.localdate()


@pytest.fixture
def approved(asa, supervisor2, settings, tmp_path) -> Batch:
    settings.MEDIA_ROOT = tmp_path / "media"
    return approved_batch(asa, supervisor2, court="MUNICIPAL DISTRICT 3", name="RUIZ")


def generate(client, batch: Batch, capture) -> tuple[Packet, bytes]:
    """Generate the packet as the clerk does and take Exhibit A from its downloaded zip."""
    with capture(execute=True):
        client.post(f"/filings/generate/{batch.pk}/")
    packet = Packet.objects.get(batch=batch)
    assert packet.status == Packet.Status.READY, packet.message
    content = b"".join(client.get(f"/filings/{packet.pk}/download/").streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return packet, archive.read("exhibit-a.xlsx")


@pytest.fixture
def filed(client, clerk, approved, django_capture_on_commit_callbacks) -> Filed:
    client.force_login(clerk)
    packet, exhibit = generate(client, approved, django_capture_on_commit_callbacks)
    filed_on = today() - timedelta(days=10)
    client.post(f"/filings/{packet.pk}/file/", {"filed_on": filed_on.isoformat()})
    packet.refresh_from_db()
    assert packet.status == Packet.Status.FILED
    return Filed(packet, exhibit)


def edited(exhibit: bytes, change: Callable[[Worksheet], None]) -> bytes:
    """The exhibit opened in a spreadsheet program, changed and saved again."""
    book = openpyxl.load_workbook(io.BytesIO(exhibit))
    change(book["Exhibit A"])
    saved = io.BytesIO()
    book.save(saved)
    return saved.getvalue()


def with_outcomes(
    exhibit: bytes,
    outcomes: dict[int, tuple[Any, ...]],
    headers: tuple[str, ...] = ("Outcome", "Order date"),
) -> bytes:
    """The exhibit with the added columns, filled in for the lines given (line -> cells)."""

    def change(sheet: Worksheet) -> None:
        for column, header in enumerate(headers, start=OUTCOME):
            sheet.cell(1, column, header)
        for line, cells in outcomes.items():
            assert sheet.cell(line + 1, 1).value == line
            for column, value in enumerate(cells, start=OUTCOME):
                sheet.cell(line + 1, column, value)

    return edited(exhibit, change)


def upload(client, filed: Filed, data: bytes, name: str = "exhibit-a.xlsx", **fields: Any):
    response = client.post(
        filed.url, {"file": SimpleUploadedFile(name, data), **fields}, follow=True
    )
    return response, html.unescape(response.content.decode())


def line_convictions(filed: Filed) -> dict[int, Conviction]:
    """Line of the exhibit -> the conviction whose case number is on it (read from the sheet)."""
    sheet = openpyxl.load_workbook(io.BytesIO(filed.exhibit), read_only=True)["Exhibit A"]
    by_case = {c.court_case_number: c for c in Conviction.objects.all()}
    return {row[0]: by_case[row[5]] for row in sheet.iter_rows(min_row=2, values_only=True)}


# The round trip ---------------------------------------------------------------------------------


def test_a_clerk_records_the_rulings_by_uploading_the_exhibit_back(client, clerk, filed):
    lines = line_convictions(filed)
    assert filed.packet.exhibit_lines == [lines[n].pk for n in (1, 2, 3, 4)]
    granted_on, denied_on = today() - timedelta(days=3), today() - timedelta(days=2)
    data = with_outcomes(
        filed.exhibit,
        {
            1: ("GRANTED", granted_on),  # a real Excel date cell
            2: (" granted ", f"{granted_on:%m/%d/%Y}"),  # a date written as text
            3: ("d", denied_on.isoformat()),
            4: ("", ""),  # the court has not ruled yet
        },
    )
    response, page = upload(client, filed, data)
    assert response.redirect_chain == [(f"/filings/{filed.packet.pk}/", 302)]
    assert "Recorded 3 rulings (2 granted, 1 denied); 1 row had no outcome." in page

    outcomes = {o.conviction_id: o for o in CourtOutcome.objects.all()}
    assert set(outcomes) == {lines[1].pk, lines[2].pk, lines[3].pk}
    assert outcomes[lines[1].pk].ruling == outcomes[lines[2].pk].ruling == "granted"
    assert outcomes[lines[1].pk].order_date == outcomes[lines[2].pk].order_date == granted_on
    assert (outcomes[lines[3].pk].ruling, outcomes[lines[3].pk].order_date) == ("denied", denied_on)
    assert all(o.recorded_by == clerk and o.packet == filed.packet for o in outcomes.values())

    event = AuditEvent.objects.get(action="outcome.record")
    assert event.detail["upload"] == {
        "file": "exhibit-a.xlsx",
        "size": len(data),
        "recorded": 3,
        "granted": 2,
        "denied": 1,
        "no_outcome": 1,
    }
    assert event.detail[str(lines[3].pk)] == ["denied", denied_on.isoformat()]


def test_the_form_date_serves_rows_without_one_and_headers_are_read_loosely(client, filed):
    lines = line_convictions(filed)
    own, form = today() - timedelta(days=1), today() - timedelta(days=4)
    data = with_outcomes(
        filed.exhibit,
        {1: ("G", ""), 2: ("DENIED", own), 3: ("Granted",), 4: ("",)},
        headers=("  RULING ", "order DATE"),
    )
    _, page = upload(client, filed, data, order_date=form.isoformat())
    assert "Recorded 3 rulings (2 granted, 1 denied); 1 row had no outcome." in page
    dates = dict(CourtOutcome.objects.values_list("conviction_id", "order_date"))
    assert dates == {lines[1].pk: form, lines[2].pk: own, lines[3].pk: form}


def test_rows_in_another_order_are_matched_by_their_number(client, filed):
    lines = line_convictions(filed)

    def reverse(sheet: Worksheet) -> None:
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
        for index, values in enumerate(reversed(rows), start=2):
            for column, value in enumerate(values, start=1):
                sheet.cell(index, column, value)
        for index, values in enumerate(reversed(rows), start=2):
            sheet.cell(index, OUTCOME, "GRANTED" if values[0] in (1, 4) else "DENIED")
        sheet.cell(1, OUTCOME, "Outcome")

    _, page = upload(client, filed, edited(filed.exhibit, reverse), order_date=today().isoformat())
    assert "Recorded 4 rulings (2 granted, 2 denied); 0 rows had no outcome." in page
    rulings = dict(CourtOutcome.objects.values_list("conviction_id", "ruling"))
    assert rulings == {
        lines[1].pk: "granted",
        lines[2].pk: "denied",
        lines[3].pk: "denied",
        lines[4].pk: "granted",
    }


def test_a_csv_file_is_accepted_too(client, filed):
    lines = line_convictions(filed)
    sheet = openpyxl.load_workbook(io.BytesIO(filed.exhibit), read_only=True)["Exhibit A"]
    text = io.StringIO()
    writer = csv.writer(text)
    for number, row in enumerate(sheet.iter_rows(values_only=True)):
        extra = ["Outcome", "Order date"] if number == 0 else ["granted", f"{today():%m/%d/%Y}"]
        writer.writerow([*row, *extra] if number != 2 else [*row, "", ""])
    _, page = upload(client, filed, text.getvalue().encode("utf-8-sig"), name="exhibit.csv")
    assert "Recorded 3 rulings (3 granted, 0 denied); 1 row had no outcome." in page
    assert lines[2].pk not in set(CourtOutcome.objects.values_list("conviction_id", flat=True))


# Refusals: the whole file, nothing recorded -----------------------------------------------------


def set_cell(row: int, column: int, value: Any) -> Callable[[Worksheet], None]:
    def change(sheet: Worksheet) -> None:
        sheet.cell(row, column).value = value  # (``cell(row, column, None)`` would keep it)

    return change


def ruled(*changes: Callable[[Worksheet], None]) -> Callable[[bytes], bytes]:
    """Every line granted a few days ago, then ``changes`` made to the sheet."""

    def make(exhibit: bytes) -> bytes:
        day = today() - timedelta(days=3)
        data = with_outcomes(exhibit, {n: ("GRANTED", day) for n in (1, 2, 3, 4)})
        for change in changes:
            data = edited(data, change)
        return data

    return make


def swap_case_numbers(sheet: Worksheet) -> None:
    first, second = sheet.cell(2, 6).value, sheet.cell(3, 6).value
    sheet.cell(2, 6, second)
    sheet.cell(3, 6, first)


def copy_row(source: int, target: int) -> Callable[[Worksheet], None]:
    def change(sheet: Worksheet) -> None:
        for column in range(1, ORDER_DATE + 1):
            sheet.cell(target, column, sheet.cell(source, column).value)

    return change


def bogus_zip(_: bytes) -> bytes:
    saved = io.BytesIO()
    with zipfile.ZipFile(saved, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return saved.getvalue()


def parts_declared_smaller(data: bytes) -> bytes:
    """The exhibit stored uncompressed, with every part's expanded size in its directory written
    as 1 byte: a zip that hides how far it expands."""
    saved = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(saved, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info), zipfile.ZIP_STORED)
    forged = bytearray(saved.getvalue())
    central = forged.find(b"PK\x01\x02")
    while central != -1:
        forged[central + 24 : central + 28] = (1).to_bytes(4, "little")
        central = forged.find(b"PK\x01\x02", central + 46)
    return bytes(forged)


def opendocument(_: bytes) -> bytes:
    saved = io.BytesIO()
    with zipfile.ZipFile(saved, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return saved.getvalue()


REFUSALS: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "a PDF": (lambda _: b"%PDF-1.7\n" + b"\x00" * 100, "The file is a PDF document"),
    "an old .xls": (
        lambda _: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
        "old-style Excel workbook (.xls)",
    ),
    "a zip": (bogus_zip, "a ZIP archive without an Excel workbook in it"),
    "a damaged workbook": (
        lambda data: data[:2000],
        "The file looks like an Excel workbook or a ZIP archive but is damaged.",
    ),
    # the checks every upload gets (core.uploads), worded as for a list
    "a UTF-16 CSV": (
        lambda _: "No.,Court case number,Outcome\r\n".encode("utf-16"),
        "The file is saved as UTF-16 (“Unicode Text”), which is not accepted.",
    ),
    "a CSV in another encoding": (
        lambda _: "No.,Court case number,Outcome\r\n1,X,GRANTÉ\r\n".encode("cp1252"),
        "The file is not a CSV file in UTF-8: line 2 (byte 41) holds text in another encoding",
    ),
    "a workbook whose parts hide how far they expand": (
        parts_declared_smaller,
        "The Excel workbook could not be read (its parts do not expand to the sizes it declares).",
    ),
    "an OpenDocument file": (opendocument, "The file is an OpenDocument file (.ods)"),
    "the exhibit as it was": (lambda data: data, "has no “Outcome” or “Ruling” column"),
    "no No. column": (ruled(set_cell(1, 1, "Number")), "has no “No.” or “No” or “Line” column"),
    "no case column": (ruled(set_cell(1, 6, "Case")), "has no “Court case number”"),
    "two outcome columns": (
        ruled(set_cell(1, 18, "ruling")),
        "the columns “Outcome” and “ruling”, which mean the same “Outcome”: keep one.",
    ),
    "an unknown line": (ruled(set_cell(3, 1, 99)), "Row 3: No. 99 is not a line"),
    "a line that is no number": (ruled(set_cell(3, 1, "two")), "Row 3: the “No.” “two”"),
    "an outcome without a line": (ruled(set_cell(3, 1, None)), "Row 3: the outcome “GRANTED”"),
    "swapped case numbers": (
        ruled(swap_case_numbers),
        "Row 2: the court case number is “CASE-",
    ),
    "an emptied case number": (
        ruled(set_cell(4, 6, None)),
        "Row 4: the court case number is empty",
    ),
    "a line twice": (
        ruled(copy_row(2, 6)),
        "Row 6: line 1 appears twice (also on row 2).",
    ),
    "an unreadable outcome": (
        ruled(set_cell(2, OUTCOME, "MAYBE")),
        "Row 2: the outcome “MAYBE” is not GRANTED or DENIED.",
    ),
    "a formula outcome": (
        ruled(set_cell(2, OUTCOME, '=HYPERLINK("http://x","GRANTED")')),
        "Row 2: the outcome “=HYPERLINK",
    ),
    "an unreadable date": (
        ruled(set_cell(5, ORDER_DATE, "13/45/2026")),
        "Row 5: the order date “13/45/2026” cannot be read",
    ),
    "a ruling without a date": (
        ruled(set_cell(5, ORDER_DATE, None)),
        "Row 5: a ruling without an order date",
    ),
    "a date in the future": (
        ruled(set_cell(2, ORDER_DATE, today() + timedelta(days=1))),
        "is in the future",
    ),
    "a date before the filing": (
        ruled(set_cell(2, ORDER_DATE, today() - timedelta(days=30))),
        "is before the packet was filed",
    ),
    "no outcome at all": (
        ruled(*(set_cell(row, OUTCOME, None) for row in (2, 3, 4, 5))),
        "No row has an outcome (4 lines read)",
    ),
    "too many rows": (
        ruled(*(copy_row(2, row) for row in range(6, 6 + exhibit_outcomes.EXTRA_ROWS + 1))),
        "The file has more than 54 rows",
    ),
    "too big a file": (
        lambda data: data + b"\x00" * 5_000_000,
        "The file is 5.0 MB, over the upload limit of 5 MB.",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_any_problem_refuses_the_whole_file(client, filed, case):
    make, message = REFUSALS[case]
    response, page = upload(client, filed, make(filed.exhibit))
    assert response.status_code == 200 and not response.redirect_chain
    assert "Nothing was recorded." in page
    assert message in page
    assert not CourtOutcome.objects.exists()
    assert not AuditEvent.objects.filter(action="outcome.record").exists()


def test_every_problem_is_listed_with_its_row_up_to_twenty(client, filed):
    def bad_outcomes(sheet: Worksheet) -> None:
        for row in range(6, 36):
            sheet.cell(row, 1, row - 4)  # 30 lines that are not in the packet
            sheet.cell(row, OUTCOME, "GRANTED")

    data = ruled(set_cell(2, OUTCOME, "YES"), bad_outcomes)(filed.exhibit)
    _, page = upload(client, filed, data)
    assert "Row 2: the outcome “YES” is not GRANTED or DENIED." in page
    assert "Row 6: No. 2 is not a line" not in page  # line 2 is real: it appears twice
    assert "Row 6: line 2 appears twice (also on row 3)." in page
    assert "Row 7: No. 3" not in page and "Row 8: line 4 appears twice" in page
    assert "Row 9: No. 5 is not a line of this packet's Exhibit A (lines 1 to 4)." in page
    assert "Row 24: No. 20" in page and "Row 25" not in page
    assert "… and 11 more problems." in page
    assert not CourtOutcome.objects.exists()


def test_a_packet_that_is_not_filed_takes_no_rulings(
    client, clerk, approved, django_capture_on_commit_callbacks
):
    client.force_login(clerk)
    packet, exhibit = generate(client, approved, django_capture_on_commit_callbacks)
    ready = Filed(packet, exhibit)
    page = html.unescape(client.get(ready.url).content.decode())
    assert "recorded once the packet is filed" in page and 'id="outcomes-upload"' not in page
    _, page = upload(client, ready, ruled()(exhibit))
    assert "Record rulings once the packet is filed." in page
    assert not CourtOutcome.objects.exists()


def test_a_packet_without_its_exhibit_lines_refuses_with_a_clear_message(client, filed):
    Packet.objects.filter(pk=filed.packet.pk).update(exhibit_lines=[])
    _, page = upload(client, filed, ruled()(filed.exhibit))
    assert "does not record which conviction is on each line of its Exhibit A" in page
    assert not CourtOutcome.objects.exists()


def test_the_ruling_of_a_purged_conviction_cannot_change(client, filed):
    lines = line_convictions(filed)
    Conviction.objects.filter(pk=lines[2].pk).update(
        court_case_number="", last_name="", purged_at=timezone.now()
    )
    _, page = upload(client, filed, ruled()(filed.exhibit))
    assert "Row 3: line 2 was vacated and its personal data purged" in page
    assert not CourtOutcome.objects.exists()
    _, page = upload(client, filed, ruled(set_cell(3, OUTCOME, None))(filed.exhibit))
    assert "Recorded 3 rulings (3 granted, 0 denied); 1 row had no outcome." in page


# Who may upload ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["supervisor", "asa", "admin"])
def test_only_those_who_record_rulings_may_upload(client, request, filed, role):
    data = ruled()(filed.exhibit)
    client.force_login(request.getfixturevalue(role))
    assert client.get(filed.url).status_code == 403
    response = client.post(filed.url, {"file": SimpleUploadedFile("exhibit-a.xlsx", data)})
    assert response.status_code == 403
    assert not CourtOutcome.objects.exists()


def test_the_packet_page_offers_the_upload_to_clerks_once_filed(client, supervisor, filed):
    page = client.get(f"/filings/{filed.packet.pk}/").content.decode()
    assert f'action="/filings/{filed.packet.pk}/outcomes/upload/"' in page
    assert '<label for="id_file">Exhibit A with an Outcome column (.xlsx or .csv)</label>' in page
    client.force_login(supervisor)
    page = client.get(f"/filings/{filed.packet.pk}/").content.decode()
    assert "outcomes/upload/" not in page


# Packets made before the exhibit's lines were kept ----------------------------------------------


def test_the_migration_rebuilds_the_lines_of_existing_packets(filed):
    expected = filed.packet.exhibit_lines
    Packet.objects.filter(pk=filed.packet.pk).update(exhibit_lines=[])
    migration = importlib.import_module("filings.migrations.0002_packet_exhibit_lines")
    migration.exhibit_lines_rebuild(apps, None)
    assert Packet.objects.get(pk=filed.packet.pk).exhibit_lines == expected
