"""Facts about an .xlsx workbook read from its XML parts as streams, without a spreadsheet library.

A spreadsheet library holds a worksheet in memory as the rectangle its cells span: python-calamine
allocates 32 bytes for every cell from the first filled cell to the last, filled or not (its hint
from the sheet's ``<dimension>`` is capped; the rectangle is not), and openpyxl's read-only mode
pads every row to the width the ``<dimension>`` declares. One cell at XFD1048576 next to A1 makes
calamine ask for 550 GB, and the process aborts (SIGABRT, which no ``except`` catches). What is
here reads the parts as streams in bounded memory, so that the size a sheet declares and the size
its cells span are known before any library opens it:

* ``sheet_parts``: every part of the archive a reader may take for a worksheet;
* ``first_sheet_part``: the part of the workbook's first sheet, found as calamine finds it;
* ``SheetHead``: a worksheet's declared ``<dimension>`` and its first rows, read as a stream up to
  a budget of bytes (``Undecided`` past it);
* ``cells_beyond``: the rectangle a worksheet's filled cells span when it is too large, from one
  pass over the part.

Everything in a workbook is untrusted: XML with a DTD is not read (``Undecided``), and a problem
that only a full reader could judge is left to it (``Undecided``) rather than refused here.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import compress
from operator import not_
from typing import IO, Any
from xml.parsers import expat

# Excel's own limits: a reference beyond them is no cell Excel can hold.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384

_CHUNK = 1024 * 1024
_XML_CHUNK = 64 * 1024
# A tag this long is no tag Excel writes; the exact reader takes over (it has no such limit).
_LONGEST_TAG = 1024 * 1024
# Folders a worksheet's part may be in (calamine reads a sheet only from these).
_SHEET_FOLDERS = ("xl/worksheets/", "xl/chartsheets/", "xl/dialogsheets/", "xl/macrosheets/")
_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")


class Undecided(Exception):
    """The part cannot be judged cheaply (a budget is spent, or it is read in a way a full reader
    may read differently): the full reader decides."""


class NoWorksheet(Exception):
    """The workbook lists no sheet."""


class DamagedSheet(Exception):
    """A worksheet's XML cannot be read; ``reason`` says how, for a message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def part_key(name: str) -> str:
    """A part's name as readers compare it: any letter case, ``\\`` for ``/`` (calamine does)."""
    return name.replace("\\", "/").lower()


def column_number(letters: str) -> int:
    """``A`` is 1, ``Z`` 26, ``AA`` 27, ``XFD`` 16,384 (any letter case)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_ref(row: int, column: int) -> str:
    return f"{column_letters(column)}{row}"


def parse_ref(text: str) -> tuple[int, int] | None:
    """``(row, column)`` of a reference like ``B7`` (1-based), or None when it is no cell Excel
    can hold."""
    match = _REF.fullmatch(text)
    if match is None:
        return None
    row, column = int(match.group(2)), column_number(match.group(1))
    if not (1 <= row <= MAX_ROWS and 1 <= column <= MAX_COLUMNS):
        return None
    return row, column


@dataclass(frozen=True)
class Extent:
    """The rectangle from ``first`` to ``last`` (each ``(row, column)``, 1-based)."""

    first: tuple[int, int]
    last: tuple[int, int]

    @property
    def rows(self) -> int:
        return self.last[0] - self.first[0] + 1

    @property
    def columns(self) -> int:
        return self.last[1] - self.first[1] + 1

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    @property
    def ref(self) -> str:
        return f"{cell_ref(*self.first)}:{cell_ref(*self.last)}"


def parse_dimension(text: str) -> Extent | None:
    """The rectangle a ``<dimension ref="A1:L500">`` declares (one cell: ``A1``), or None when it
    declares none Excel can hold."""
    first, _, last = text.strip().partition(":")
    start, end = parse_ref(first), parse_ref(last or first)
    if start is None or end is None:
        return None
    return Extent(
        (min(start[0], end[0]), min(start[1], end[1])),
        (max(start[0], end[0]), max(start[1], end[1])),
    )


# Parts ------------------------------------------------------------------------------------------


def sheet_parts(archive: zipfile.ZipFile) -> list[str]:
    """Every part that may hold the sheet a reader takes for the first: whatever path the
    workbook names, calamine reads a sheet only from these folders (matched by ``part_key``)."""
    return [name for name in archive.namelist() if part_key(name).startswith(_SHEET_FOLDERS)]


def _find_part(archive: zipfile.ZipFile, path: str) -> str | None:
    key = part_key(path)
    for name in archive.namelist():
        if part_key(name) == key:
            return name
    return None


def first_sheet_part(archive: zipfile.ZipFile, *, budget: int) -> str | None:
    """The archive's name of the part that holds the workbook's first sheet, resolved as calamine
    resolves it (the first ``<sheet>`` of ``xl/workbook.xml``, its relationship in
    ``xl/_rels/workbook.xml.rels``); None when that cannot be told within ``budget`` bytes.
    Raises ``NoWorksheet`` when the workbook lists no sheet."""
    workbook = _find_part(archive, "xl/workbook.xml")
    relations = _find_part(archive, "xl/_rels/workbook.xml.rels")
    if workbook is None or relations is None:
        return None
    try:
        with archive.open(workbook) as handle:
            sheet_id = _first_sheet_id(_xml_events(handle, budget))
        if sheet_id is None:
            return None
        with archive.open(relations) as handle:
            target = _relation_target(_xml_events(handle, budget), sheet_id)
    except Undecided:
        return None
    if target is None:
        return None
    if target.startswith("/xl/"):
        path = target[1:]
    elif target.startswith("xl/"):
        path = target
    else:
        path = f"xl/{target}"
    return _find_part(archive, path)


def _first_sheet_id(events: Iterator[tuple[int, str, Any]]) -> str | None:
    for kind, name, attributes in events:
        if kind == _START and _local(name) == "sheet":
            found = None
            for key in ("r:id", "relationships:id"):
                if key in attributes:
                    found = attributes[key]
            return found
    raise NoWorksheet


def _relation_target(events: Iterator[tuple[int, str, Any]], sheet_id: str) -> str | None:
    target = None
    for kind, name, attributes in events:
        if kind == _START and _local(name) == "Relationship" and attributes.get("Id") == sheet_id:
            target = attributes.get("Target")  # the last one with this Id, as calamine keeps
    return target


# XML as a stream --------------------------------------------------------------------------------

_START, _END, _TEXT = 0, 1, 2


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _no_dtd(*_args: object) -> None:
    # Entity declarations can make a few bytes expand without end; no workbook part needs a DTD.
    raise Undecided


def _xml_events(handle: IO[bytes], budget: int | None) -> Iterator[tuple[int, str, Any]]:
    """(kind, name or text, attributes) of an XML stream, parsed ``_XML_CHUNK`` bytes at a time.
    Raises ``Undecided`` once ``budget`` bytes are read (None: no budget) and on XML that is not
    well-formed or has a DTD."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    events: list[tuple[int, str, Any]] = []
    parser.StartElementHandler = lambda name, attributes: events.append((_START, name, attributes))
    parser.EndElementHandler = lambda name: events.append((_END, name, None))
    parser.CharacterDataHandler = lambda text: events.append((_TEXT, text, None))
    parser.StartDoctypeDeclHandler = _no_dtd
    parser.EntityDeclHandler = _no_dtd
    spent = 0
    while True:
        chunk = handle.read(_XML_CHUNK)
        spent += len(chunk)
        try:
            parser.Parse(chunk, not chunk)
        except expat.ExpatError:
            raise Undecided from None
        yield from events
        events.clear()
        if not chunk:
            return
        if budget is not None and spent > budget:
            raise Undecided


class SharedStrings:
    """The workbook's shared strings (``xl/sharedStrings.xml``), read only as far as asked for."""

    def __init__(self, archive: zipfile.ZipFile, *, budget: int) -> None:
        self._archive = archive
        self._budget = budget
        self._strings: list[str] = []
        self._events: Iterator[tuple[int, str, Any]] | None = None
        self._handle: IO[bytes] | None = None

    def get(self, index: int) -> str:
        if self._events is None:
            name = _find_part(self._archive, "xl/sharedStrings.xml")
            if name is None:
                raise Undecided
            self._handle = self._archive.open(name)
            self._events = _xml_events(self._handle, self._budget)
        while index >= len(self._strings):
            self._strings.append(self._next())
        return self._strings[index]

    def _next(self) -> str:
        # One <si>: the text of its <t> elements, but not of a phonetic run (<rPh>).
        assert self._events is not None
        parts: list[str] = []
        keep = phonetic = 0
        for kind, name, _attributes in self._events:
            if kind == _TEXT:
                if keep and not phonetic:
                    parts.append(name)
                continue
            local = _local(name)
            step = 1 if kind == _START else -1
            if local == "t":
                keep += step
            elif local == "rPh":
                phonetic += step
            elif local == "si" and kind == _END:
                return "".join(parts)
        raise Undecided  # fewer strings than the sheet uses: the full reader judges that

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


class SheetHead:
    """The beginning of a worksheet part: its declared dimension, then its rows as lists of cell
    texts in document order, reading no more than ``budget`` bytes of the part (and as much of the
    shared strings). A context manager: it closes the parts it opened."""

    def __init__(self, archive: zipfile.ZipFile, part: str, *, budget: int) -> None:
        self._handle = archive.open(part)
        self._strings = SharedStrings(archive, budget=budget)
        self._events = _xml_events(self._handle, budget)
        self._dimension: str | None = None
        self._in_data = False

    def __enter__(self) -> SheetHead:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._strings.close()
        self._handle.close()

    def dimension(self) -> str | None:
        """The ``ref`` of the sheet's ``<dimension>``, when it has one before its cells."""
        if self._in_data:
            return self._dimension
        for kind, name, attributes in self._events:
            if kind != _START:
                continue
            local = _local(name)
            if local == "dimension":
                self._dimension = attributes.get("ref")
            elif local == "sheetData":
                self._in_data = True
                break
        return self._dimension

    def rows(self) -> Iterator[list[str]]:
        """Rows of cell texts. Raises ``Undecided`` where a full reader may place cells otherwise
        (rows out of order, a cell of another row) and when the budget is spent."""
        self.dimension()
        number = 0
        cells: dict[int, str] = {}
        column = 0
        kind_of_cell: str | None = None
        text: list[str] = []
        keep = skipping = 0
        for kind, name, attributes in self._events:
            if kind == _TEXT:
                if keep and not skipping:
                    text.append(name)
                continue
            local = _local(name)
            if kind == _START:
                if local == "row":
                    ref = attributes.get("r")
                    next_number = int(ref) if ref and ref.isdigit() else number + 1
                    if next_number <= number or next_number > MAX_ROWS:
                        raise Undecided
                    number, cells, column = next_number, {}, 0
                elif local == "c":
                    ref = attributes.get("r")
                    if ref is not None:
                        place = parse_ref(ref)
                        if place is None or place[0] != number:
                            raise Undecided
                        column = place[1] - 1
                    kind_of_cell, text = attributes.get("t", "n"), []
                elif local == "rPh":
                    skipping += 1
                elif local in ("v", "t"):
                    keep += 1
            elif local == "c":
                if column >= MAX_COLUMNS:
                    raise Undecided
                cells[column] = self._cell_text(kind_of_cell, "".join(text))
                column += 1
            elif local == "row":
                yield [cells.get(position, "") for position in range(max(cells, default=-1) + 1)]
            elif local == "rPh":
                skipping -= 1
            elif local in ("v", "t"):
                keep -= 1
            elif local == "sheetData":
                return
        raise Undecided

    def _cell_text(self, kind: str | None, text: str) -> str:
        # The text the full reader gives the same cell, as far as a header and "is it blank" need.
        if kind == "s":
            if not text.strip().isdigit():
                raise Undecided
            return self._strings.get(int(text))
        if kind == "b":
            return "FALSE" if text == "0" else "TRUE"
        if kind in ("n", None) and text:
            try:
                number = float(text)
            except ValueError:
                return text
            return str(int(number)) if number.is_integer() else format(number, ".15g")
        return text


# The extent of the cells ------------------------------------------------------------------------

# XML separates attributes with space, tab, CR or LF: made all spaces, one count finds every tag.
_SPACES = bytes.maketrans(b"\t\r\n", b"   ")
_ATTRIBUTES = rb'(?: +(?!r[ =])[^ =>]+ *= *"[^"]*")* *'
# A cell's start tag as every writer of Excel files writes it: no prefix, ``r`` first and only once
# (calamine takes the last), every value in double quotes (one may hold ">"). Captured: the column
# letters, the row digits, and "/" when the tag closes itself (an empty cell, not kept).
_PLAIN_CELL = re.compile(rb'<c r="([A-Za-z]*)([0-9]*)"' + _ATTRIBUTES + rb"(/?)>")
# The same in one of the columns A to Z and a row from 1 to 1,048,576, found without captures:
# a sheet of only such cells spans at most 26 columns of Excel's rows.
_ROW_NUMBER = (
    rb"(?:[1-9][0-9]{0,5}|10[0-3][0-9]{4}|104[0-7][0-9]{3}|1048[0-4][0-9]{2}"
    rb"|10485[0-6][0-9]|104857[0-6])"
)
_NARROW_CELL = re.compile(rb'<c r="[A-Za-z]' + _ROW_NUMBER + b'"' + _ATTRIBUTES + rb"/?>")
_NARROW_MOST = 26 * MAX_ROWS


def cells_beyond(archive: zipfile.ZipFile, name: str, *, max_cells: int) -> Extent | None:
    """The rectangle the filled cells of a worksheet part span, as calamine would hold it, when it
    is more than ``max_cells`` cells; None when it is not. A cell written ``<c .../>`` holds
    nothing and does not count; any other cell does (one that turns out empty makes the rectangle
    larger than calamine's, never smaller).

    Every tag that names a cell is counted, and when each one is written as Excel writes it, with
    its own reference, one pass of a regular expression finds the rectangle (or shows that the
    sheet has no column past Z). Otherwise the part is read again with an XML parser that places
    cells as calamine does: a cell without a reference takes the column after the previous one
    (slower; for the rare sheet that needs it).
    Raises ``DamagedSheet`` for a reference that is no cell of Excel, or XML that cannot be read.
    """
    if max_cells >= _NARROW_MOST:
        with archive.open(name) as handle:
            try:
                if _only_narrow_cells(handle):
                    return None
            except _NotPlain:
                pass
    with archive.open(name) as handle:
        try:
            extent = _extent_of_plain_cells(handle)
        except _NotPlain:
            extent = None
        else:
            return extent if extent is not None and extent.cells > max_cells else None
    with archive.open(name) as handle:
        extent = _extent_by_placing(handle)
    return extent if extent is not None and extent.cells > max_cells else None


class _NotPlain(Exception):
    """A cell tag is not written as ``_PLAIN_CELL`` reads it."""


def _cell_tag_chunks(handle: IO[bytes]) -> Iterator[tuple[bytes, int, int]]:
    """(text, end, tags): the part a chunk at a time, spaces made plain, to be scanned up to
    ``end`` (the end of its last complete tag: text after it has no "<"), and how many tags named
    c are in that span, wherever they are (in a comment, a value: counting more is safe)."""
    tail = b""
    while chunk := handle.read(_CHUNK):
        buffer = tail + chunk.translate(_SPACES)
        start = buffer.rfind(b"<")
        if start == -1:
            end, tail = len(buffer), b""
        elif (close := buffer.find(b">", start)) != -1:
            end, tail = close + 1, b""
        else:
            end, tail = start, buffer[start:]
            if len(tail) > _LONGEST_TAG:
                raise _NotPlain
        if buffer.count(b":c ", 0, end) or buffer.count(b":c>", 0, end):
            raise _NotPlain  # a prefixed name (<x:c>) is left to the parser
        tags = buffer.count(b"<c ", 0, end) + buffer.count(b"<c>", 0, end)
        tags += buffer.count(b"<c/", 0, end)
        yield buffer, end, tags
    if tail:
        raise _NotPlain  # the part ends inside a tag


def _only_narrow_cells(handle: IO[bytes]) -> bool:
    for buffer, end, tags in _cell_tag_chunks(handle):
        if tags and len(_NARROW_CELL.findall(buffer, 0, end)) != tags:
            return False
    return True


def _extent_of_plain_cells(handle: IO[bytes]) -> Extent | None:
    rows: set[bytes] = set()
    columns: set[bytes] = set()
    for buffer, end, tags in _cell_tag_chunks(handle):
        if not tags:
            continue
        found = _PLAIN_CELL.findall(buffer, 0, end)
        if len(found) != tags:
            raise _NotPlain
        letters, digits, closing = zip(*found, strict=True)
        if any(closing):
            holding = list(map(not_, closing))
            letters, digits = tuple(compress(letters, holding)), tuple(compress(digits, holding))
        chunk_columns, chunk_rows = set(letters), set(digits)
        if b"" in chunk_columns or b"" in chunk_rows:
            raise _NotPlain
        columns |= chunk_columns
        rows |= chunk_rows
    if not rows:
        return None
    for text in columns:
        if len(text) > 3 or column_number(text.decode("ascii")) > MAX_COLUMNS:
            raise DamagedSheet(f"a cell in column {text.decode('ascii').upper()[:20]}")
    numbers = [int(row) for row in rows]
    for number in (min(numbers), max(numbers)):
        if not 1 <= number <= MAX_ROWS:
            raise DamagedSheet(f"a cell in row {number:,}")
    column_numbers = [column_number(text.decode("ascii")) for text in columns]
    return Extent((min(numbers), min(column_numbers)), (max(numbers), max(column_numbers)))


def _extent_by_placing(handle: IO[bytes]) -> Extent | None:
    # calamine's own placing: a row's r sets the row, the end of a row moves to the next one and
    # back to the first column, a cell without r takes the column after the previous cell; what
    # is inside a cell is its value (calamine reads it as such), never more rows or cells.
    row = column = 0  # 0-based, as calamine counts
    depth = 0  # > 0 inside a cell
    holds = False
    place = (0, 0)
    first = [MAX_ROWS, MAX_COLUMNS]
    last = [-1, -1]

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal row, column, depth, holds, place
        if depth:
            depth, holds = depth + 1, True
            return
        local = _local(name)
        if local == "row":
            ref = attributes.get("r")
            if ref is not None:
                if not ref.isdigit() or not 1 <= int(ref) <= MAX_ROWS:
                    raise DamagedSheet(f"a row numbered “{ref[:20]}”")
                row = int(ref) - 1
        elif local == "c":
            ref = attributes.get("r")
            if ref is None:
                place = (row, column)
            else:
                found = parse_ref(ref)
                if found is None:
                    raise DamagedSheet(f"a cell at “{ref[:20]}”")
                place = (found[0] - 1, found[1] - 1)
            if place[0] >= MAX_ROWS or place[1] >= MAX_COLUMNS:
                raise DamagedSheet("a cell beyond Excel's last row or column")
            column = place[1] + 1
            depth, holds = 1, False

    def end(name: str) -> None:
        nonlocal row, column, depth
        if depth:
            depth -= 1
            if depth == 0 and holds:
                first[0], first[1] = min(first[0], place[0]), min(first[1], place[1])
                last[0], last[1] = max(last[0], place[0]), max(last[1], place[1])
        elif _local(name) == "row":
            row, column = row + 1, 0

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = _no_dtd
    parser.EntityDeclHandler = _no_dtd
    try:
        while chunk := handle.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except (expat.ExpatError, Undecided):
        raise DamagedSheet("XML that is not well-formed, or that has a DTD") from None
    if last[0] < 0:
        return None
    return Extent((first[0] + 1, first[1] + 1), (last[0] + 1, last[1] + 1))
