"""Exhibit A (``exhibit-a.xlsx``: one row per conviction, numbered as in the motion) and the
mail house's list of the notices (``mailing-list.csv``). Every cell is neutralised against
formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from core.spreadsheets import safe_cell
from filings.documents.data import Notice, PacketRequest
from filings.zipdates import zip_redated

MAILING_HEADER = (
    "notice",
    "name",
    "address_line",
    "city",
    "state",
    "zip",
    "first_page",
    "pages",
    "batch",
)


def mailing_list_csv(request: PacketRequest, notices: Sequence[Notice]) -> bytes:
    """The mail house's list: one line per letter, where it is in ``notices.pdf``; every cell
    neutralised against formula injection."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(MAILING_HEADER)
    for notice in notices:
        person = notice.letter.person
        mailing = person.mailing
        assert mailing is not None
        row = (
            notice.letter.number,
            person.name,
            mailing.address_line.strip(),
            mailing.city.strip(),
            mailing.state.strip(),
            mailing.zip.strip(),
            notice.first_page,
            notice.pages,
            request.batch_reference,
        )
        writer.writerow([safe_cell(cell) for cell in row])
    # utf-8-sig: Excel, which mail houses open CSVs with, reads the accents right.
    return buffer.getvalue().encode("utf-8-sig")


EXHIBIT_HEADER = (
    "No.",
    "Last name",
    "First name",
    "Middle name",
    "Date of birth",
    "Court case number",
    "DCN",
    "Arrest date",
    "Arresting agency",
    "Statute (as written)",
    "Class",
    "Disposition",
    "Disposition date",
    "Court location",
    "Basis of eligibility",
)
_EXHIBIT_WIDTHS = (6, 18, 16, 12, 12, 18, 12, 12, 28, 24, 10, 18, 14, 22, 80)


def _exhibit_cell(value: Any) -> Any:
    # a control character (a stray form feed from a list) is refused by the xlsx format
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return safe_cell(value)


def exhibit_xlsx(request: PacketRequest) -> bytes:
    """Exhibit A: one row per conviction, numbered as in the motion, after one header row.

    Every cell goes through ``safe_cell``: a name or statute that starts with ``=`` stays text.
    The workbook is dated the packet's date, so the same packet gives the same bytes."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Exhibit A")
    for index, width in enumerate(_EXHIBIT_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(list(EXHIBIT_HEADER))
    for line in request.lines():
        c = line.conviction
        row = (
            line.number,
            c.last_name.strip(),
            c.first_name.strip(),
            c.middle_name.strip(),
            c.date_of_birth_shown,
            c.court_case_number.strip(),
            c.dcn.strip(),
            c.arrest_date_shown,
            c.arresting_agency.strip(),
            c.statute.strip(),
            c.offense_class.strip(),
            c.disposition.strip(),
            c.disposition_date_shown,
            c.court_location.strip(),
            c.basis.strip(),
        )
        sheet.append([_exhibit_cell(cell) for cell in row])
    saved = io.BytesIO()
    workbook.save(saved)
    return zip_redated(saved.getvalue(), request.generated_on)
