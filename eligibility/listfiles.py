"""Reading whole ISP list files, CSV or .xlsx, one row at a time (spec/isp-list-format.md).

``open_list(path)`` looks at the file's content (never its name), refuses whole-file problems with
``ListRefused`` before a single row is read, and then yields one ``ListRow`` per non-blank row::

    with open_list(path) as listfile:
        for row in listfile:
            ...  # row.number, row.raw, row.record, row.extra, row.other
        listfile.blank_rows

``check_list(path)`` is what an upload gets before the list is stored (the web process): the same
whole-file checks, made without reading the rows, and a refusal of a header with no row under it.
Neither opens a workbook with a spreadsheet library: the worker's ``open_list`` measures what the
worksheet's cells span, and then reads its rows as a stream (``core.xlsxparts``).

The checks every upload gets (the content sniffed, UTF-8 text, a workbook's archive and the zip
bomb) are ``core.uploads``'s, shared with Exhibit A's upload; the list's own are here.

CSV files are streamed with constant memory per row. A workbook's first sheet is streamed too
(``core.xlsxparts.SheetRows``: the row being read, the shared strings and the styles are held),
each cell read as python-calamine read it before issue 19. Dates are not read here beyond real
Excel date cells: the engine reads date text with ``eligibility.rules.dates.read_date``, and
``unreadable_fields`` uses the same reader.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import fields
from datetime import date
from itertools import islice
from operator import attrgetter, itemgetter
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, NamedTuple

# No longer reads a row (core.xlsxparts.SheetRows does): tests/eligibility/test_upload.py patches
# this name to show that no request opens a workbook with a spreadsheet library. Drop the two
# together, and python-calamine becomes a test dependency only.
from python_calamine import CalamineWorkbook  # noqa: F401

from core import uploads, xlsxparts
from eligibility.rules.dates import read_date
from eligibility.rules.identifiers import integer_text
from eligibility.rules.records import Record

# field -> accepted headers, the first being the canonical one (spec "Columns"). The order is the
# order of the spec's example header, which is also the order the synthetic lists are written in.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "sid": ("SID", "STATE_ID", "ISP_SID", "SID_NUMBER", "STATE_ID_NUMBER"),
    "last_name": ("LAST_NAME", "LNAME", "SURNAME"),
    "first_name": ("FIRST_NAME", "FNAME", "GIVEN_NAME"),
    "middle_name": ("MIDDLE_NAME", "MNAME", "MIDDLE"),
    "date_of_birth": ("DATE_OF_BIRTH", "DOB", "BIRTH_DATE"),
    "sex": ("SEX", "GENDER"),
    "race": ("RACE",),
    "dcn": ("DCN", "DOCUMENT_CONTROL_NUMBER"),
    "arrest_date": ("ARREST_DATE", "DATE_OF_ARREST"),
    "arresting_agency": ("ARRESTING_AGENCY", "ARREST_AGENCY", "AGENCY"),
    "arrest_ori": ("ARREST_ORI", "ORI", "AGENCY_ORI"),
    "county": ("COUNTY", "COURT_COUNTY"),
    "court_case_number": ("COURT_CASE_NUMBER", "CASE_NUMBER", "CASE_NO", "COURT_CASE_NO"),
    "court_location": ("COURT_LOCATION", "COURT", "DISTRICT", "COURT_DISTRICT"),
    "offense_date": ("OFFENSE_DATE", "DATE_OF_OFFENSE", "VIOLATION_DATE"),
    "statute": ("STATUTE", "STATUTE_CITATION", "CHARGE_STATUTE", "CITATION"),
    "offense_description": (
        "OFFENSE_DESCRIPTION",
        "CHARGE_DESCRIPTION",
        "DESCRIPTION",
        "OFFENSE_DESC",
    ),
    "offense_class": ("OFFENSE_CLASS", "CLASS", "CHARGE_CLASS"),
    "disposition": ("DISPOSITION", "CHARGE_DISPOSITION", "DISP"),
    "disposition_date": ("DISPOSITION_DATE", "DISP_DATE", "DATE_OF_DISPOSITION"),
    "sentence": ("SENTENCE", "SENTENCE_DESCRIPTION"),
    "address_line": ("ADDRESS", "STREET"),
    "city": ("CITY",),
    "state": ("STATE",),
    "zip": ("ZIP", "ZIP_CODE"),
}
CANONICAL_HEADERS: dict[str, str] = {field: names[0] for field, names in COLUMN_ALIASES.items()}
REQUIRED_FIELDS: tuple[str, ...] = (
    "last_name",
    "first_name",
    "date_of_birth",
    "court_case_number",
    "statute",
    "disposition",
    "disposition_date",
)
DATE_FIELDS: tuple[str, ...] = ("date_of_birth", "arrest_date", "offense_date", "disposition_date")
_date_texts = attrgetter(*DATE_FIELDS)
# Text fields where a number Excel stored reads as its integer text, in a CSV file too ("Cell
# values": 1234567.0 is 1234567).
INTEGER_TEXT_FIELDS: tuple[str, ...] = ("sid", "dcn", "court_case_number")
# What the app keeps about a row beyond the engine's Record (names, notices, the report).
EXTRA_FIELDS: tuple[str, ...] = (
    "middle_name",
    "sex",
    "race",
    "arresting_agency",
    "arrest_ori",
    "court_location",
    "address_line",
    "city",
    "state",
    "zip",
)

# One cell above this many characters is not data but a broken file, almost always an unmatched
# quote mark that swallowed the rest of the file; csv's own default (128 KiB) is lower.
MAX_CELL_CHARS = 1_000_000
# A workbook whose parts expand to more than this is refused before it is opened (zip bomb).
# A real statewide list of a million rows expands to well under 1 GiB.
DEFAULT_MAX_EXPANDED_BYTES = 2 * 1024**3

# A worksheet whose cells span more than this is refused before its rows are read: a spreadsheet
# library would hold the whole rectangle from the first cell to the last (python-calamine: 32
# bytes a cell, so 1.6 GB here). A statewide list of a million rows of 25 columns spans 25 million.
DEFAULT_MAX_CELLS = 50_000_000

_CHUNK = 1024 * 1024
# An upload is judged on its beginning: at most this much of a workbook's sheet XML (and of its
# shared strings), and this many rows under the header, to find the header and a row of data.
_HEAD_BYTES = 8 * 1024 * 1024
_PEEK_ROWS = 1000
_HEADERS_SHOWN = 40
_SAVE_AS = "Save it from Excel as “Excel Workbook (.xlsx)” or “CSV UTF-8 (Comma delimited)”"


class ListRefused(uploads.UploadRefused):
    """The whole file is refused; ``message`` says why, in words a clerk understands."""


# What the checks every upload gets (core.uploads) say to a list refused.
_LIST = uploads.Expected(what="a list", save_as=_SAVE_AS, too_large="Split it, or save it as CSV")


@contextlib.contextmanager
def _refused_as_list() -> Iterator[None]:
    """A refusal of the checks every upload gets is the list's refusal."""
    try:
        yield
    except ListRefused:
        raise
    except uploads.UploadRefused as refused:
        raise ListRefused(refused.message) from None


def header_key(text: str) -> str:
    """A header cell as it is matched: upper-cased, without whitespace, `_`, `-`, `.` and `#`."""
    squeezed = "".join(text.split())
    for mark in "_-.#":
        squeezed = squeezed.replace(mark, "")
    return squeezed.upper()


_FIELD_BY_KEY: dict[str, str] = {
    header_key(name): field for field, names in COLUMN_ALIASES.items() for name in names
}
_RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Record))[1:]
assert fields(Record)[0].name == "row", "Record must start with its row number"


class ListRow(NamedTuple):
    """One non-blank row of a list (a named tuple: a frozen dataclass costs 10x more to build).

    ``raw``: every cell as read, keyed by its header (JSON-serialisable). ``record``: what the
    engine reads. ``extra``: the fields of ``EXTRA_FIELDS``, trimmed. ``other``: the non-empty
    cells of columns the format does not know ("other data" for reviewers), trimmed. ``as_read``:
    the cells of ``raw`` that the fields and ``other`` do not hold as they were read (spaces
    around them, a number's ``.0``, a column past the header's): with the list's
    ``ListFile.column_fields`` they give ``raw`` back (``cells_of``), so a row is stored with
    each cell once.
    """

    number: int
    raw: dict[str, str]
    record: Record
    extra: dict[str, str]
    other: dict[str, str]
    as_read: dict[str, str]


def cells_of(
    column_fields: Iterable[Sequence[str | None]],
    as_read: dict[str, str],
    fields: Callable[[str], str],
    other: dict[str, str],
) -> dict[str, str]:
    """A row's cells as read, keyed by header in the file's order (``ListRow.raw``), from what is
    stored of it: the list's ``column_fields`` (``ListFile.column_fields``), the row's
    ``as_read``, its fields (``fields(name)``) and its ``other``."""
    cells = {
        key: as_read[key] if key in as_read else fields(field) if field else other.get(key, "")
        for key, field in column_fields
    }
    for key, cell in as_read.items():  # columns past the header's
        cells.setdefault(key, cell)
    return cells


def _getter(positions: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """``itemgetter`` that always returns a tuple (it returns a bare item for one position)."""
    if len(positions) == 1:
        only = positions[0]
        return lambda cells: (cells[only],)
    return itemgetter(*positions)


def unreadable_fields(
    record: Record, *, read: Callable[[str], date | None] = read_date
) -> tuple[str, ...]:
    """The date fields of ``record`` that hold text ``read_date`` cannot read (for the report);
    ``read`` is ``read_date`` or a cache of it."""
    return tuple(
        name
        for name, text in zip(DATE_FIELDS, _date_texts(record), strict=True)
        if text and read(text) is None
    )


def file_sha256(path: Path | str) -> str:
    """The SHA-256 of a file, hex, read in chunks (duplicate uploads are found by it)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class ListFile:
    """An open list: its header is read and accepted; iterate it once for its rows."""

    def __init__(
        self,
        kind: uploads.Kind,
        rows: Iterator[list[str]],
        closers: Iterable[Any],
        *,
        rows_before: int = 0,
    ) -> None:
        self.kind: uploads.Kind = kind
        self.blank_rows = 0
        self.rows_read = 0
        #: the number of the row before the first one iterated (a part of a file starts later)
        self.rows_before = rows_before
        #: the number of the last row iterated, blank or not
        self.last_number = rows_before
        self._rows = rows
        self._closers = list(closers)
        self._started = False
        try:
            self._set_header(self._read_header())
        except BaseException:
            self.close()
            raise

    # The header -------------------------------------------------------------------------------

    def _read_header(self) -> list[str]:
        for cells in self._rows:
            if any(cell.strip() for cell in cells):
                return [cell.strip() for cell in cells]
        raise ListRefused("The file is empty: it has no header row and no data.")

    def _set_header(self, header: list[str]) -> None:
        while header and not header[-1]:
            header.pop()
        #: the header cells as found in the file (empty ones left out)
        self.headers: tuple[str, ...] = tuple(cell for cell in header if cell)
        found: dict[str, list[int]] = {}
        keys: list[str] = []
        seen: dict[str, int] = {}
        for position, cell in enumerate(header):
            key = cell or f"Column {position + 1}"
            if key in seen:
                seen[key] += 1
                key = f"{key} ({seen[key]})"
            else:
                seen[key] = 1
            keys.append(key)
            field = _FIELD_BY_KEY.get(header_key(cell)) if cell else None
            if field is not None:
                found.setdefault(field, []).append(position)

        missing = [field for field in REQUIRED_FIELDS if field not in found]
        doubled = {
            field: [header[position] for position in positions]
            for field, positions in found.items()
            if len(positions) > 1
        }
        if missing or doubled:
            raise ListRefused(self._header_problem(missing, doubled, header))

        index = {field: positions[0] for field, positions in found.items()}
        known = set(index.values())
        #: field -> the header cell that holds it in this file
        self.columns: dict[str, str] = {field: header[pos] for field, pos in index.items()}
        #: the keys in ``ListRow.raw`` and ``ListRow.other`` of the columns the format does not know
        self.other_columns: tuple[str, ...] = tuple(
            key for position, key in enumerate(keys) if position not in known
        )
        #: each column's key in ``ListRow.raw`` and the field it holds (None: one the format does
        #: not know, kept in ``ListRow.other``), in the file's order
        self.column_fields: list[list[str | None]] = [
            [key, next((field for field, at in index.items() if at == position), None)]
            for position, key in enumerate(keys)
        ]
        self._keys = keys
        self._width = len(keys)
        self._record_index = [index.get(field, -1) for field in _RECORD_FIELDS]
        self._extra_index = [index.get(field, -1) for field in EXTRA_FIELDS]
        self._other_index = [
            (key, position) for position, key in enumerate(keys) if position not in known
        ]
        self._date_positions = frozenset(index[field] for field in DATE_FIELDS if field in index)
        self._integer_positions = tuple(
            index[field] for field in INTEGER_TEXT_FIELDS if field in index
        )

    def _header_problem(
        self, missing: list[str], doubled: dict[str, list[str]], header: list[str]
    ) -> str:
        parts: list[str] = []
        if missing:
            names = [CANONICAL_HEADERS[field] for field in missing]
            noun = "column" if len(names) == 1 else "columns"
            accepted = "; ".join(
                f"{CANONICAL_HEADERS[field]}: {', '.join(COLUMN_ALIASES[field])}"
                for field in missing
            )
            parts.append(
                f"The file has no {_join_or(names)} {noun} (required). "
                f"Accepted headers: {accepted}."
            )
        for field, cells in doubled.items():
            if len(set(cells)) == 1:
                parts.append(
                    f"The column “{cells[0]}” appears {len(cells)} times: keep only one of them."
                )
            else:
                quoted = _join_and([f"“{cell}”" for cell in cells])
                both = "both" if len(cells) == 2 else "all"
                parts.append(
                    f"The columns {quoted} {both} mean {CANONICAL_HEADERS[field]}: "
                    "keep only one of them."
                )
        if not self.headers:
            shown = "(none)"
        elif len(self.headers) > _HEADERS_SHOWN:
            more = len(self.headers) - _HEADERS_SHOWN
            shown = ", ".join(self.headers[:_HEADERS_SHOWN]) + f", … and {more} more"
        else:
            shown = ", ".join(self.headers)
        parts.append(f"Headers found: {shown}.")
        if missing and not any(_FIELD_BY_KEY.get(header_key(cell)) for cell in header):
            hint = "The first non-empty row must be the header row."
            if len(self.headers) == 1 and ("\t" in self.headers[0] or ";" in self.headers[0]):
                hint = "The columns must be separated by commas, not tabs or semicolons."
            parts.append(hint)
        return " ".join(parts)

    # The rows ---------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[ListRow]:
        if self._started:
            raise RuntimeError("a ListFile can be iterated only once")
        self._started = True
        return self._iter_rows()

    def _iter_rows(self) -> Iterator[ListRow]:
        # The hot loop of a million-row import: every per-row step is a C call where possible.
        keys = self._keys
        width = self._width
        padding = [""] * width
        record_values = _getter(self._record_index)
        extra_values = _getter(self._extra_index)
        other_index = self._other_index
        integer_positions = self._integer_positions
        strip = str.strip
        number = self.rows_before
        for cells in self._rows:
            number += 1
            self.last_number = number
            count = len(cells)
            if count < width:
                cells = cells + padding[count:]
            trimmed = list(map(strip, cells))
            if not any(trimmed):
                self.blank_rows += 1
                continue
            raw = dict(zip(keys, cells, strict=False))
            other = {key: trimmed[pos] for key, pos in other_index if trimmed[pos]}
            if count > width:
                for position in range(width, count):
                    if trimmed[position]:
                        key = f"Column {position + 1}"
                        while key in raw:  # a header cell may read "Column 12" too
                            key += "+"
                        raw[key] = cells[position]
                        other[key] = trimmed[position]
            for position in integer_positions:
                if trimmed[position].endswith(".0"):
                    trimmed[position] = integer_text(trimmed[position])
            # What the row's fields and ``other`` hold is ``trimmed`` (``cells_of``): the cells
            # that differ from it are kept as read (most rows have none; ``strip`` returns the
            # very string it was given when there is nothing to trim).
            if count <= width and cells == trimmed:
                as_read = {}
            else:
                as_read = {
                    key: cell
                    for key, cell, text in zip(keys, cells, trimmed, strict=False)
                    if cell != text
                }
                if count > width:  # the cells past the header's, as ``raw`` holds them
                    as_read.update(islice(raw.items(), width, None))
            trimmed.append("")  # index -1: a field this file has no column for
            record = Record(number, *record_values(trimmed))
            extra = dict(zip(EXTRA_FIELDS, extra_values(trimmed)))  # noqa: B905 - as many
            self.rows_read += 1
            yield ListRow(number, raw, record, extra, other, as_read)

    # Closing ----------------------------------------------------------------------------------

    def close(self) -> None:
        closers, self._closers = self._closers, []
        for closer in closers:
            # closing a reader that already failed is best effort
            with contextlib.suppress(Exception):
                closer.close()

    def __enter__(self) -> ListFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_list(
    path: Path | str,
    *,
    max_expanded_bytes: int | None = DEFAULT_MAX_EXPANDED_BYTES,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> ListFile:
    """Open an ISP list, CSV or .xlsx, judged by its content; refuse it with ``ListRefused``.

    Every whole-file problem the reader can see is raised here, before any row is read, except a
    cell longer than ``MAX_CELL_CHARS`` in a CSV file (found only when reading reaches it). A
    workbook's sheets are measured first (one pass over each): one whose cells span more than
    ``max_cells`` is refused unread.
    """
    path = Path(path)
    kind, head = _sniff(path)
    if kind == "xlsx":
        return _open_xlsx(path, max_expanded_bytes, max_cells)
    return _open_csv(path, head)


def check_list(
    path: Path | str,
    *,
    max_expanded_bytes: int | None = DEFAULT_MAX_EXPANDED_BYTES,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> uploads.Kind:
    """The checks an upload gets before it is stored, made without reading its rows; returns the
    file's kind. Refuses with ``ListRefused`` what ``open_list`` refuses before a row is read (for
    a workbook: its archive, the size its first sheet declares, its header), and a header with no
    row under it (among the first ``_PEEK_ROWS``). A CSV file's text is decoded once, a
    workbook's parts are only read from their beginning, and no spreadsheet library opens it:
    what lies further (a cell far beyond the rest, an oversize CSV cell) is for ``open_list``,
    in the worker."""
    path = Path(path)
    kind, head = _sniff(path)
    if kind == "csv":
        # _Unjudged: no header or no row among the rows looked at; the worker reads them all.
        with contextlib.suppress(_Unjudged), _open_csv(path, head, limit_rows=_PEEK_ROWS) as file:
            _check_has_rows(file)
        return kind
    with _open_archive(path) as archive:
        uploads.archive_check(archive, _LIST, max_expanded_bytes=max_expanded_bytes)
        with _first_sheet_head(archive) as sheet:
            if sheet is not None:
                _check_declared_size(sheet, max_cells)
                with ListFile("xlsx", sheet.rows(), []) as listfile:
                    _check_has_rows(listfile)
    return kind


def no_rows_message(blank_rows: int) -> str:
    """Why a file whose header has no row of data under it is refused."""
    blank = f" ({blank_rows:,} blank row{'s' if blank_rows != 1 else ''})" if blank_rows else ""
    return (
        f"The file has a header row but no rows of data under it{blank}, so there is nothing to "
        "evaluate. Check that it is the list itself and not an empty export, and upload it again."
    )


def _check_has_rows(listfile: ListFile) -> None:
    for _row in listfile:
        return
    raise ListRefused(no_rows_message(listfile.blank_rows))


class _Unjudged(Exception):
    """The rows looked at do not say: reading them all will."""


def _sniff(path: Path) -> tuple[uploads.Kind, bytes]:
    """The kind of list the content is, with its first bytes; refuses what is neither."""
    with open(path, "rb") as handle, _refused_as_list():
        return uploads.sniff(handle, _LIST)


# CSV --------------------------------------------------------------------------------------------


def _open_csv(path: Path, head: bytes, *, limit_rows: int | None = None) -> ListFile:
    has_nul = _check_text(path, head)
    if csv.field_size_limit() < MAX_CELL_CHARS:
        csv.field_size_limit(MAX_CELL_CHARS)
    handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by ListFile
    rows = _csv_rows(handle, has_nul)
    if limit_rows is not None:
        rows = _at_most(rows, limit_rows)
    return ListFile("csv", rows, [handle])


def _at_most(rows: Iterator[list[str]], count: int) -> Iterator[list[str]]:
    for number, cells in enumerate(rows):
        if number > count:
            raise _Unjudged
        yield cells


def _check_text(path: Path, head: bytes) -> bool:
    """Refuse binary content and text that is not UTF-8, reading the whole file once.

    Returns whether the file holds a NUL character anywhere.
    """
    with open(path, "rb") as handle, _refused_as_list():
        return uploads.text_check(handle, head, _LIST)


def _csv_rows(
    handle: Iterable[str], has_nul: bool, *, lines_before: int = 0
) -> Iterator[list[str]]:
    # NUL is legal in a CSV cell for Python but not in PostgreSQL text, and never meant anything.
    lines: Iterable[str] = (line.replace("\x00", "") for line in handle) if has_nul else handle
    reader = csv.reader(lines, strict=False)
    try:
        yield from reader
    except csv.Error as error:
        raise ListRefused(
            f"The file could not be read as CSV near line {lines_before + reader.line_num:,}: "
            f'{error}. A quote mark (") that is opened and never closed is the usual cause.'
        ) from None
    except UnicodeDecodeError:
        raise ListRefused(f"The file is not a CSV file in UTF-8. {_SAVE_AS}.") from None


# The blocks ``csv_parts`` reads: smaller than the longest cell (``MAX_CELL_CHARS``), so that a
# block with a longer line stands out by its length.
_PART_BLOCK = 512 * 1024


class CsvPart(NamedTuple):
    """A run of whole records of a CSV list that one worker reads: bytes ``[start, end)`` of the
    file, holding the rows numbered ``rows_before + 1`` to ``rows_before + rows`` (blank rows
    are numbered too, as ``ListFile`` numbers them)."""

    start: int
    end: int
    rows_before: int
    rows: int


def csv_parts(
    path: Path | str, *, part_bytes: int, block_bytes: int = _PART_BLOCK
) -> tuple[int, list[CsvPart]]:
    """Split a CSV list into parts of about ``part_bytes`` that workers read side by side.

    Returns the byte offset where the header record ends and the parts (one part when the file
    is not larger than ``part_bytes``). A part ends where the CSV reader ends a record (never at
    a newline inside quotes), and the rows of each part are counted, which numbers them
    (``_PartScan``). A file with a NUL character or lone carriage returns (line ends the byte
    offsets are not counted by) is one part. Refuses with ``ListRefused`` what ``open_list``
    refuses.
    """
    path = Path(path)
    with open_list(path) as listfile:
        whole = listfile.kind != "csv"
    size = path.stat().st_size
    if whole or size <= part_bytes or not _countable_lines(path):
        return 0, [CsvPart(0, size, 0, 0)]
    with open(path, "rb") as handle:
        header_end, lines = _header_end(handle)
        scan = _PartScan(handle, target=size // -(-size // part_bytes), at=header_end, lines=lines)
        while block := handle.read(block_bytes):
            if not block.endswith(b"\n"):
                block += handle.readline()  # to the end of its last line
            scan.read(block)
    return header_end, scan.parts()


def _header_end(handle: BinaryIO) -> tuple[int, int]:
    """The byte offset after the header record (the first non-blank one, as the CSV reader
    reads it) and the lines up to it; ``handle`` is left there."""
    position = len(codecs.BOM_UTF8) if handle.read(3) == codecs.BOM_UTF8 else 0
    handle.seek(position)
    lines = 0

    def texts() -> Iterator[str]:
        nonlocal position, lines
        while line := handle.readline():
            position += len(line)
            lines += 1
            yield line.decode("utf-8")

    for cells in _csv_rows(texts(), has_nul=False):
        if any(cell.strip() for cell in cells):
            break
    return position, lines


class _PartScan:
    """The records of a CSV list after its header, block by block, cut into parts of at least
    ``target`` bytes: a part ends at the first record end that far from its start.

    A line with no quote mark, read at the start of a record, is a record: such lines are counted
    in C, a run at a time. A record from a line with a quote mark on is read by the CSV reader
    (it may run over several lines, past the block too: the lines after it are read from
    ``handle``), and so is every line of a block longer than a cell may be (``MAX_CELL_CHARS``:
    the reader refuses a cell over it, with its line)."""

    def __init__(self, handle: BinaryIO, *, target: int, at: int, lines: int) -> None:
        self.handle = handle
        self.target = target
        self.position = at  # where the block being read starts in the file
        self.lines = lines  # the lines before it
        self.rows = 0  # the records before it
        self.start = at  # the part being found: its start, and the records before it
        self.rows_before = 0
        self.found: list[CsvPart] = []

    def read(self, block: bytes) -> None:
        every_line = len(block) > MAX_CELL_CHARS
        at = 0
        while at < len(block):
            quote = at if every_line else block.find(b'"', at)
            if quote == -1:
                self._lines(block, at, len(block))
                break
            newline = block.rfind(b"\n", at, quote)
            line = at if newline == -1 else newline + 1
            self._lines(block, at, line)
            block, at = self._record(block, line)
        self.position += len(block)

    def parts(self) -> list[CsvPart]:
        if self.rows > self.rows_before or not self.found:
            self._cut(self.position)
        return self.found

    def _cut(self, end: int) -> None:
        self.found.append(CsvPart(self.start, end, self.rows_before, self.rows - self.rows_before))
        self.start, self.rows_before = end, self.rows

    def _lines(self, block: bytes, at: int, end: int) -> None:
        """The lines of ``block[at:end]``, each a record (the last one may lack its line end:
        the file's last line)."""
        if at == end:
            return
        # Each line a record: its count, less those of each part that ends among them.
        records = block.count(b"\n", at, end) + (block[end - 1] != ord("\n"))
        self.lines += records
        while (wanted := self.start + self.target - self.position) <= end:
            newline = block.find(b"\n", max(wanted - 1, at), end)
            cut_at = end if newline == -1 else newline + 1
            before = block.count(b"\n", at, cut_at) + (newline == -1)
            self.rows += before
            records -= before
            at = cut_at
            self._cut(self.position + cut_at)
        self.rows += records

    def _record(self, block: bytes, at: int) -> tuple[bytes, int]:
        """Read the record that starts at ``block[at]`` with the CSV reader; returns the block
        (longer, when the record ran past it) and where the record ends in it."""
        lines = 0

        def texts() -> Iterator[str]:
            nonlocal block, at, lines
            while True:
                if at == len(block):
                    more = self.handle.readline()  # the record runs past the block
                    if not more:
                        return
                    block += more
                newline = block.find(b"\n", at)
                end = len(block) if newline == -1 else newline + 1
                line, at = block[at:end], end
                lines += 1
                yield line.decode("utf-8")

        next(_csv_rows(texts(), has_nul=False, lines_before=self.lines))
        self.lines += lines
        self.rows += 1
        if self.position + at - self.start >= self.target:
            self._cut(self.position + at)
        return block, at


def _countable_lines(path: Path) -> bool:
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            if chunk.endswith(b"\r"):
                chunk += handle.read(1)
            if b"\x00" in chunk or chunk.count(b"\r") != chunk.count(b"\r\n"):
                return False
    return True


def open_csv_part(path: Path | str, *, header_end: int, part: CsvPart) -> ListFile:
    """Open one part of a CSV list that ``csv_parts`` split (and so checked): its header is read
    from the start of the file, its rows from the part alone, numbered as in the whole file."""
    if csv.field_size_limit() < MAX_CELL_CHARS:
        csv.field_size_limit(MAX_CELL_CHARS)
    handle = open(path, "rb")  # noqa: SIM115 - closed by ListFile
    header = handle.read(header_end).decode("utf-8-sig")

    def lines() -> Iterator[str]:
        yield from io.StringIO(header, newline="")
        handle.seek(part.start)
        position = part.start
        while position < part.end and (line := handle.readline()):
            position += len(line)
            yield line.decode("utf-8")

    rows = _csv_rows(lines(), has_nul=False)
    return ListFile("csv", rows, [handle], rows_before=part.rows_before)


# xlsx -------------------------------------------------------------------------------------------


def _open_xlsx(path: Path, max_expanded_bytes: int | None, max_cells: int) -> ListFile:
    with _open_archive(path) as archive:
        uploads.archive_check(archive, _LIST, max_expanded_bytes=max_expanded_bytes)
        with _first_sheet_head(archive) as sheet:
            if sheet is not None:
                _check_declared_size(sheet, max_cells)
        _check_cells(archive, max_cells)
    # The first sheet is read as a stream (core.xlsxparts.SheetRows, cell for cell what
    # python-calamine read): only the row being read is held, with the shared strings and
    # styles. This is the edge between an untrusted file and a parser: every failure but an
    # interruption becomes a refusal, whether found before the first row or while reading.
    archive: zipfile.ZipFile | None = None
    rows: xlsxparts.SheetRows | None = None
    try:
        archive = zipfile.ZipFile(path)
        part = xlsxparts.first_sheet_part(archive, budget=None)
        if part is None:
            raise xlsxparts.DamagedSheet("the workbook does not say where its first sheet is")
        rows = xlsxparts.SheetRows(archive, part)
    except BaseException as error:
        if rows is not None:
            rows.close()
        if archive is not None:
            archive.close()
        raise _xlsx_refusal(error) from None
    # Which columns hold dates is known only once the header is read: the set is filled then.
    date_positions: set[int] = set()

    def cells() -> Iterator[list[str]]:
        try:
            for values in rows:
                if type(values) is not list:  # a date and time: its text depends on its column
                    values = [
                        value
                        if type(value) is str
                        else xlsxparts.cell_text(value, position in date_positions)
                        for position, value in enumerate(values)
                    ]
                yield values  # type: ignore[misc]
        except GeneratorExit:
            raise
        except BaseException as error:
            raise _xlsx_refusal(error) from None

    listfile = ListFile("xlsx", cells(), [rows, archive])
    date_positions.update(listfile._date_positions)
    return listfile


def _xlsx_refusal(error: BaseException) -> BaseException:
    """What a failure to read a workbook's rows is to the caller: a refusal that says why."""
    if isinstance(error, KeyboardInterrupt | SystemExit | ListRefused):
        return error
    if isinstance(error, xlsxparts.NoWorksheet):
        return ListRefused(uploads.NO_WORKSHEET)
    if isinstance(error, xlsxparts.DamagedSheet):
        return ListRefused(_LIST.unreadable(error.reason))
    if isinstance(error, uploads.READING_FAILED):
        return ListRefused(
            f"The Excel workbook could not be read: a part of it is damaged. {_SAVE_AS}."
        )
    return ListRefused(_LIST.unreadable(type(error).__name__))


_FAR_CELLS = (
    "Something is in a cell far below or to the right of the list (a space, a value pasted there "
    "by mistake). Delete the rows under the list and the columns to its right, or copy the list "
    "alone into a new workbook, save it and upload it again."
)


@contextlib.contextmanager
def _open_archive(path: Path) -> Iterator[zipfile.ZipFile]:
    """The list's archive (``core.uploads.archive_open``): a refusal inside is the list's."""
    with _refused_as_list(), uploads.archive_open(path, _LIST) as archive:
        yield archive


@contextlib.contextmanager
def _first_sheet_head(archive: zipfile.ZipFile) -> Iterator[xlsxparts.SheetHead | None]:
    """The beginning of the workbook's first sheet; None when it cannot be told where that is."""
    try:
        part = xlsxparts.first_sheet_part(archive, budget=_HEAD_BYTES)
    except xlsxparts.NoWorksheet:
        raise ListRefused(uploads.NO_WORKSHEET) from None
    if part is None:
        yield None
        return
    # Undecided: the beginning does not say; the worker reads the rest.
    with (
        xlsxparts.SheetHead(archive, part, budget=_HEAD_BYTES) as sheet,
        contextlib.suppress(xlsxparts.Undecided),
    ):
        yield sheet


def _check_declared_size(sheet: xlsxparts.SheetHead, max_cells: int) -> None:
    ref = sheet.dimension()
    extent = xlsxparts.parse_dimension(ref) if ref is not None else None
    if extent is not None and extent.cells > max_cells:
        raise ListRefused(
            f"The worksheet declares that its cells span {extent.ref} "
            f"({_span(extent)}), more than the {max_cells:,} cells a list may span. {_FAR_CELLS}"
        )


def _check_cells(archive: zipfile.ZipFile, max_cells: int) -> None:
    """Measure every sheet a reader may take for the first (each in one pass) before any
    spreadsheet library holds one in memory."""
    for name in xlsxparts.sheet_parts(archive):
        try:
            extent = xlsxparts.cells_beyond(archive, name, max_cells=max_cells)
        except xlsxparts.DamagedSheet as damaged:
            raise ListRefused(_LIST.unreadable(f"a worksheet has {damaged.reason}")) from None
        if extent is not None:
            raise ListRefused(
                f"The workbook has cells as far apart as {xlsxparts.cell_ref(*extent.first)} "
                f"and {xlsxparts.cell_ref(*extent.last)}: they span {extent.ref} "
                f"({_span(extent)}), more than the {max_cells:,} cells a list may span. "
                f"{_FAR_CELLS}"
            )


def _span(extent: xlsxparts.Extent) -> str:
    return (
        f"{extent.columns:,} column{'s' if extent.columns != 1 else ''} by "
        f"{extent.rows:,} row{'s' if extent.rows != 1 else ''}, {extent.cells:,} cells"
    )


# Messages ---------------------------------------------------------------------------------------


def _join_or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _join_and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
