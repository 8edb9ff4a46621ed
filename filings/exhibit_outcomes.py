"""The court's rulings read from Exhibit A uploaded back with an "Outcome" column.

The clerk opens ``exhibit-a.xlsx`` from the packet, adds a column "Outcome" (GRANTED or DENIED,
or G / D; "Ruling" is accepted as its header) and, when the orders are not all of one day, a
column "Order date", and uploads it (.xlsx, or .csv). Every row is matched by its "No." to the
conviction on that line of the packet's exhibit (``Packet.exhibit_lines``), and its "Court case
number" must be that conviction's (compared by ``case_key``): a sheet that was re-sorted or
edited cannot put a ruling on the wrong person.

``read_rulings`` refuses the whole file (``ExhibitRefused``, every problem with its row number)
or returns every ruling in it; it stores nothing. The file gets the checks every upload gets
(``core.uploads``: its size, its content, a workbook's archive) before it is read. Every cell
is untrusted: the workbook is opened without computed values, so a formula (``=HYPERLINK(...)``)
is read as its text and fails like any other unreadable value.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from openpyxl import load_workbook

from core import uploads
from eligibility.rules import case_key, read_date

# The largest file accepted, and what its parts may expand to (a zip bomb is refused unopened).
MAX_UPLOAD_BYTES = 5_000_000
MAX_EXPANDED_BYTES = 50 * 1024 * 1024
# Rows under the header beyond the exhibit's lines (a note, a total) before a file is refused,
# and blank rows beyond those.
EXTRA_ROWS = 50
EXTRA_BLANK_ROWS = 1_000
PROBLEMS_SHOWN = 20
_CELL_SHOWN = 40
_HEADERS_SHOWN = 30

GRANTED = "granted"
DENIED = "denied"
_RULINGS = {"granted": GRANTED, "g": GRANTED, "denied": DENIED, "d": DENIED}

# column -> the headers accepted for it (compared case-insensitively, whitespace collapsed);
# the first is the one the messages name.
COLUMNS: dict[str, tuple[str, ...]] = {
    "line": ("No.", "No", "Line"),
    "case": ("Court case number", "Case number"),
    "outcome": ("Outcome", "Ruling"),
    "order_date": ("Order date", "Date of order"),
}
REQUIRED = ("line", "case", "outcome")
_COLUMN_OF: dict[str, str] = {
    " ".join(header.split()).casefold(): column
    for column, headers in COLUMNS.items()
    for header in headers
}
_LINE_NUMBER = re.compile(r"\d{1,9}")
_SAVE_AS = "Upload the packet's exhibit-a.xlsx with the column added, saved as .xlsx or CSV UTF-8"


class ExhibitRefused(uploads.UploadRefused):
    """The whole file is refused; ``problems`` says why, each with its row number."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(" ".join(_shown(list(problems))), problems)

    @property
    def shown(self) -> list[str]:
        """The first ``PROBLEMS_SHOWN`` problems, then how many more there are."""
        return _shown(self.problems)


def _shown(problems: list[str]) -> list[str]:
    more = len(problems) - PROBLEMS_SHOWN
    if more <= 0:
        return problems
    noun = "problem" if more == 1 else "problems"
    return [*problems[:PROBLEMS_SHOWN], f"… and {more:,} more {noun}."]


@dataclass(frozen=True)
class ExhibitLine:
    """One line of a packet's Exhibit A: its number and the conviction on it."""

    number: int
    conviction_id: int
    court_case_number: str
    purged: bool = False


@dataclass(frozen=True)
class ExhibitRulings:
    """What a file said: conviction id -> (ruling, order date), and the counts."""

    rulings: dict[int, tuple[str, date]]
    granted: int
    denied: int
    no_outcome: int

    @property
    def summary(self) -> str:
        count = len(self.rulings)
        rows = "1 row had" if self.no_outcome == 1 else f"{self.no_outcome:,} rows had"
        return (
            f"Recorded {count:,} ruling{'' if count == 1 else 's'} ({self.granted:,} granted, "
            f"{self.denied:,} denied); {rows} no outcome."
        )


def read_rulings(
    handle: IO[bytes],
    *,
    lines: Sequence[ExhibitLine],
    order_date: date | None,
    filed_on: date | None,
    today: date,
) -> ExhibitRulings:
    """Read the rulings of an uploaded exhibit; raise ``ExhibitRefused`` on any problem.

    ``order_date`` applies to the rows with a ruling and no order date of their own; an order
    date after ``today`` or before ``filed_on`` (the packet's filing) is a problem."""
    by_number = {line.number: line for line in lines}
    problems: list[str] = []
    if order_date is not None:
        problems += _date_problems(order_date, "The order date given on the form", filed_on, today)
    if problems:
        raise ExhibitRefused(problems)

    limit = len(lines) + EXTRA_ROWS
    columns: dict[str, int] | None = None
    seen: dict[int, int] = {}  # line -> the row it was on
    rulings: dict[int, tuple[str, date]] = {}
    no_outcome = 0
    data_rows = 0
    for row, cells in _rows(handle):
        if row > limit + EXTRA_BLANK_ROWS:
            raise ExhibitRefused([_too_many(limit, lines)])
        if not any(_text(cell) for cell in cells):
            continue
        if columns is None:
            columns = _columns(cells, row)
            continue
        data_rows += 1
        if data_rows > limit:
            raise ExhibitRefused([_too_many(limit, lines)])
        record = _Row(cells, columns)
        line_text = _text(record.cell("line"))
        outcome_text = _text(record.cell("outcome"))
        if not line_text:
            if outcome_text:
                problems.append(
                    f"Row {row}: the outcome {_quoted(outcome_text)} has no “No.”, so it cannot "
                    "be matched to a line of the exhibit."
                )
            continue  # a note or a total under the table: not a line
        number = _line_number(record.cell("line"))
        if number is None:
            problems.append(f"Row {row}: the “No.” {_quoted(line_text)} is not a line number.")
            continue
        line = by_number.get(number)
        if line is None:
            problems.append(
                f"Row {row}: No. {number} is not a line of this packet's Exhibit A "
                f"(lines 1 to {len(lines):,})."
            )
            continue
        if number in seen:
            problems.append(f"Row {row}: line {number} appears twice (also on row {seen[number]}).")
            continue
        seen[number] = row
        if line.purged:
            if outcome_text:
                problems.append(
                    f"Row {row}: line {number} was vacated and its personal data purged; its "
                    "ruling cannot change. Clear its outcome or remove the row."
                )
            else:
                no_outcome += 1
            continue
        case_text = _text(record.cell("case"))
        if not case_key(case_text) or case_key(case_text) != case_key(line.court_case_number):
            shown = _quoted(case_text) if case_text else "empty"
            problems.append(
                f"Row {row}: the court case number is {shown}, but line {number} of the exhibit "
                f"is case {line.court_case_number}. Was the sheet re-sorted or edited?"
            )
            continue
        if not outcome_text:
            no_outcome += 1
            continue
        row_problems = []
        ruling = _RULINGS.get(outcome_text.casefold())
        if ruling is None:
            row_problems.append(
                f"Row {row}: the outcome {_quoted(outcome_text)} is not GRANTED or DENIED."
            )
        day = order_date
        date_cell = record.cell("order_date")
        if _text(date_cell):
            day = _date(date_cell)
            if day is None:
                row_problems.append(
                    f"Row {row}: the order date {_quoted(_text(date_cell))} cannot be read "
                    "(write it as MM/DD/YYYY)."
                )
        elif day is None:
            row_problems.append(
                f"Row {row}: a ruling without an order date: fill in the “Order date” column or "
                "give the date on the form."
            )
        if day is not None and _text(date_cell):
            row_problems += _date_problems(day, f"Row {row}: the order date", filed_on, today)
        if row_problems or ruling is None or day is None:
            problems += row_problems
            continue
        rulings[line.conviction_id] = (ruling, day)

    if columns is None:
        raise ExhibitRefused([f"The file is empty: it has no header row. {_SAVE_AS}."])
    if problems:
        raise ExhibitRefused(problems)
    if not rulings:
        raise ExhibitRefused(
            [
                f"No row has an outcome ({no_outcome:,} lines read): write GRANTED or DENIED in "
                "the “Outcome” column of each line the court ruled on."
            ]
        )
    granted = sum(1 for ruling, _ in rulings.values() if ruling == GRANTED)
    return ExhibitRulings(rulings, granted, len(rulings) - granted, no_outcome)


# Cells ------------------------------------------------------------------------------------------


class _Row:
    """One row's cells, read by column name."""

    def __init__(self, cells: list[Any], columns: dict[str, int]) -> None:
        self.cells = cells
        self.columns = columns

    def cell(self, column: str) -> Any:
        position = self.columns.get(column)
        if position is None or position >= len(self.cells):
            return None
        return self.cells[position]


def _text(value: Any) -> str:
    """A cell as trimmed text (a whole number written as a float loses its ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    return str(value).strip()


def _quoted(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > _CELL_SHOWN:
        text = text[: _CELL_SHOWN - 1] + "…"
    return f"“{text}”"


def _line_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and _LINE_NUMBER.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _date(value: Any) -> date | None:
    """A real date cell, or text ``read_date`` reads."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return None
    return read_date(_text(value))


def _date_problems(day: date, what: str, filed_on: date | None, today: date) -> list[str]:
    if day > today:
        return [f"{what} {day:%m/%d/%Y} is in the future."]
    if filed_on is not None and day < filed_on:
        return [f"{what} {day:%m/%d/%Y} is before the packet was filed ({filed_on:%m/%d/%Y})."]
    return []


def _columns(cells: list[Any], row: int) -> dict[str, int]:
    """The positions of the columns read, from the header row; refuse a missing or doubled one."""
    found: dict[str, list[str]] = {}
    positions: dict[str, int] = {}
    headers = []
    for position, cell in enumerate(cells):
        header = _text(cell)
        if not header:
            continue
        headers.append(header)
        column = _COLUMN_OF.get(" ".join(header.split()).casefold())
        if column is not None:
            found.setdefault(column, []).append(header)
            positions.setdefault(column, position)
    problems = []
    for column in REQUIRED:
        if column not in found:
            accepted = " or ".join(f"“{name}”" for name in COLUMNS[column])
            problems.append(f"The header row (row {row}) has no {accepted} column.")
    for column, names in found.items():
        if len(names) > 1:
            quoted = " and ".join(f"“{name}”" for name in names)
            problems.append(
                f"The header row (row {row}) has the columns {quoted}, which mean the same "
                f"“{COLUMNS[column][0]}”: keep one."
            )
    if problems:
        shown = ", ".join(_quoted(h) for h in headers[:_HEADERS_SHOWN]) or "none"
        if len(headers) > _HEADERS_SHOWN:
            shown += f" and {len(headers) - _HEADERS_SHOWN} more"
        problems.append(f"Headers found: {shown}.")
        raise ExhibitRefused(problems)
    return positions


def _too_many(limit: int, lines: Sequence[ExhibitLine]) -> str:
    return (
        f"The file has more than {limit:,} rows, and this packet's Exhibit A has "
        f"{len(lines):,} lines. {_SAVE_AS}."
    )


# Files ------------------------------------------------------------------------------------------

# What the checks every upload gets (core.uploads) say to an exhibit refused.
_EXHIBIT = uploads.Expected(what="Exhibit A", save_as=_SAVE_AS, too_large=_SAVE_AS)


def _rows(handle: IO[bytes]) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cells) of the file's first worksheet (or its "Exhibit A"), or of the CSV."""
    try:
        kind, head = uploads.sniff(handle, _EXHIBIT)
        if kind == "xlsx":
            return _xlsx_rows(handle)
        return _csv_rows(handle, head)
    except ExhibitRefused:
        raise
    except uploads.UploadRefused as refused:
        raise ExhibitRefused([refused.message]) from None


def _xlsx_rows(handle: IO[bytes]) -> Iterator[tuple[int, list[Any]]]:
    with uploads.archive_open(handle, _EXHIBIT) as archive:
        uploads.archive_check(archive, _EXHIBIT, max_expanded_bytes=MAX_EXPANDED_BYTES)
    handle.seek(0)
    try:
        # data_only=False: a formula is read as its text, never as a value it computed
        workbook = load_workbook(handle, read_only=True, data_only=False)
    except Exception as error:  # a foreign parser on an untrusted file: every failure refuses
        raise ExhibitRefused([_EXHIBIT.unreadable(type(error).__name__)]) from None
    return _sheet_rows(workbook)


def _sheet_rows(workbook: Any) -> Iterator[tuple[int, list[Any]]]:
    try:
        names = workbook.sheetnames
        if not names:
            raise ExhibitRefused([uploads.NO_WORKSHEET])
        sheet = workbook["Exhibit A"] if "Exhibit A" in names else workbook[names[0]]
        # The size a workbook declares may be wrong: too small, rows beyond it would be left
        # out; too large, every row would be padded to it. Read the cells that are there.
        sheet.reset_dimensions()
        # read-only rows come with the missing (empty) rows filled in: row numbers hold
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(values)
    except ExhibitRefused:
        raise
    except Exception as error:
        raise ExhibitRefused([_EXHIBIT.unreadable(type(error).__name__)]) from None
    finally:
        workbook.close()


def _csv_rows(handle: IO[bytes], head: bytes) -> Iterator[tuple[int, list[Any]]]:
    data = handle.read(MAX_UPLOAD_BYTES + 1)
    if problem := size_problem(len(data)):
        raise ExhibitRefused([problem])
    if uploads.text_check(io.BytesIO(data), head, _EXHIBIT):
        # a NUL never belongs in a cell of the exhibit (the list's reader drops them)
        raise ExhibitRefused(
            [f"The file is neither an Excel workbook nor a CSV file, not Exhibit A. {_SAVE_AS}."]
        )
    return _csv_records(data.decode("utf-8-sig"))


def _csv_records(text: str) -> Iterator[tuple[int, list[Any]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        raise ExhibitRefused([f"The CSV file cannot be read: {error}. {_SAVE_AS}."]) from None


def size_problem(size: int | None) -> str | None:
    """Why an upload of ``size`` bytes is refused before it is read, if it is."""
    return uploads.size_problem(size, limit=MAX_UPLOAD_BYTES, advice=_SAVE_AS)
