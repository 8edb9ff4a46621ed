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
  pass over the part;
* ``SheetRows``: every row of a worksheet, each cell read as python-calamine read it, holding only
  the row being read, the shared strings (``shared_strings``) and the styles (``styles``).

Everything in a workbook is untrusted: XML with a DTD is not read (``Undecided``), and a problem
that only a full reader could judge is left to it (``Undecided``) rather than refused here.
"""

from __future__ import annotations

import codecs
import contextlib
import gc
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import compress
from operator import itemgetter, not_
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
                # ASCII digits, at most Excel's 7 (int() refuses thousands, reads Arabic-Indic)
                if not (ref.isascii() and ref.isdigit() and len(ref) <= 7) or not (
                    1 <= int(ref) <= MAX_ROWS
                ):
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


# Every row of a worksheet, as calamine reads it --------------------------------------------------
#
# ``SheetRows`` gives what python-calamine's ``iter_rows()`` gave for the first worksheet, cell by
# cell, as the text ``cell_text`` made of it, reading the part as a stream: the worksheet is never
# held, only the row being read, the shared strings and the styles. Every choice below was checked
# against python-calamine 0.9.1 (calamine 0.37) itself (tests/core/test_xlsxrows.py). Where it
# reads a cell otherwise than the XML literally says, this reader does as calamine does:
# * the text of each <t> is trimmed of XML's spaces unless it says xml:space="preserve", then its
#   _xHHHH_ escapes are undone (a surrogate stays written); a phonetic run (<rPh>) is no text;
# * a <v> of a number, shared string, boolean or error is read as written up to its first
#   reference ("1&#48;" is 1; one that starts with a reference, CDATA or a comment is no value);
#   a shared string's index that is no plain number is 0 (" 1", "+1", "1.0"); a cell of no type
#   whose text is no number is that text (" 12"); booleans are trimmed, 0/1/true/false in any case;
#   the seven errors of Excel are empty text;
# * a formula result (t="str") is unescaped, CDATA dropped, comments skipped, not trimmed;
# * the last element of a cell gives its value (<v> then <f>: none); <is> is read whatever the
#   type, and an inline string's <v> is not; a cell written twice, and an attribute, keep the last;
# * dates: built-in formats 14-22, 27-36, 45, 47 and 50-58 and the first section of a format with
#   a date token outside quotes and brackets; 46, [h], [mm], [ss] are durations; Excel's 29
#   February 1900 is the 28th; to the millisecond; below 1 a time; past 9999 the number; 1904 only
#   for date1904="1" or "true";
# * rows start at the sheet's first row, columns at the leftmost cell of the whole sheet.
# Where it does not (each refused, with why): rows out of order (calamine sorts them); a DTD; a row
# of more than MAX_ROW_CHARS of XML read by the events, shared strings over
# MAX_SHARED_STRINGS_BYTES; a number no date or duration of Python holds in a cell a later one at
# the same place replaced (python-calamine converts only the cells it keeps); UTF-16; XML
# quick-xml lets through (end tags of other names, "<" in an attribute).
#
# Two readers of the same XML give the same cells:
# * a regular expression over a stretch of whole rows written as writers of Excel files write them
#   (``_SheetReader._read_found``: one ``findall`` a stretch, a few steps of Python a cell);
# * quick-xml's events as calamine's reader steps through them (``_XmlText.event``,
#   ``_SheetReader._general``), for anything else: comments, CDATA, rich text, prefixes that
#   change, attributes in another order, elements calamine skips. A stretch the expression does
#   not read whole is read by the events instead, from its start.

_EMPTY = None  # calamine's Empty: a cell that holds nothing and does not count for the rectangle
# One row of XML longer than this is no list's (Excel holds 32,767 characters a cell).
MAX_ROW_CHARS = 32 * 1024 * 1024
# Shared strings whose part expands to more than this would not fit the worker as Python strings.
MAX_SHARED_STRINGS_BYTES = 256 * 1024 * 1024
_XML_WHITESPACE = " \t\r\n"
# What Rust's ``str::trim`` removes (Unicode White_Space), for the booleans calamine trims.
_RUST_WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
# The numbers calamine reads (Rust's grammar of a float, as fast_float2 parses it): Python's
# float() reads more (spaces, "1_000", other digits), so the text is matched first.
_NUMBER_TEXT = (
    r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
    r"|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN])"
)
_NUMBER = re.compile(_NUMBER_TEXT)
_CELL_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"})
_X_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_CHARACTER_REFERENCE = re.compile(r"#(?:([0-9]{1,16})|x([0-9A-Fa-f]{1,16}))")
_DIGITS = re.compile(r"[0-9]+")
_U64 = 2**64


def _unescape_x(text: str) -> str:
    """Excel's escapes of characters XML cannot hold (``_x000D_``: a carriage return,
    ``_x005F_``: "_"), undone as calamine undoes them: a surrogate stays written."""

    def character(match: re.Match[str]) -> str:
        code = int(match.group(1), 16)
        return match.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)

    return _X_ESCAPE.sub(character, text)


def _reference(name: str) -> str:
    """The character an entity or character reference stands for (quick-xml's rules)."""
    if name.startswith("#"):
        match = _CHARACTER_REFERENCE.fullmatch(name)
        code = -1
        if match is not None:
            code = int(match.group(1), 10) if match.group(1) else int(match.group(2), 16)
        if code <= 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise DamagedSheet(f"a character reference “&{name[:20]};” that is no character")
        return chr(code)
    try:
        return _ENTITIES[name]
    except KeyError:
        raise DamagedSheet(f"an entity “&{name[:20]};” that XML does not define") from None


def _unescape(text: str) -> str:
    """Text with line ends made ``\\n`` (XML's rule) and references replaced."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" not in text:
        return text
    parts = text.split("&")
    out = [parts[0]]
    for part in parts[1:]:
        name, semicolon, rest = part.partition(";")
        if not semicolon:
            raise DamagedSheet("an “&” that starts no reference")
        out.append(_reference(name))
        out.append(rest)
    return "".join(out)


def _atoi(text: str) -> int | None:
    """An index as calamine reads one (atoi_simd: ASCII digits only, within 64 bits)."""
    if len(text) > 20 or _DIGITS.fullmatch(text) is None:
        return None
    number = int(text)
    return number if number < _U64 else None


# Dates: calamine's ``ExcelDateTime`` and python-calamine's conversion of it ----------------------

OTHER, DATETIME, TIMEDELTA = 0, 1, 2
# Built-in number formats that calamine 0.37 takes for dates (14-22, 27-36, 45, 47, 50-58: the
# East Asian ones too) and for a duration (46, [h]:mm:ss).
_BUILTIN_DATES = frozenset([*range(14, 23), *range(27, 37), 45, 47, *range(50, 59)])
_MS_A_DAY = 86_400_000
_EPOCH = datetime(1899, 12, 30)
_I64_MAX = 2**63 - 1
# chrono's dates reach the year 262,143 either way; Python's from the year 1 to 9999.
_CHRONO_DAYS = 262_143 * 366
_TIME_ZERO = time(0, 0)


def builtin_format(number_format_id: str) -> int:
    """What calamine makes of a cell in a built-in number format (its id as written)."""
    if number_format_id == "46":
        return TIMEDELTA
    number = _atoi(number_format_id)
    if number is not None and str(number) == number_format_id and number in _BUILTIN_DATES:
        return DATETIME
    return OTHER


def custom_format(code: str) -> int:
    """What calamine makes of a cell in a number format of the workbook's own: its first section
    only; text in quotes, after ``\\``, ``_`` or ``*`` and in brackets is no date; ``[h]``,
    ``[mm]`` and ``[ss]`` make a duration."""
    escaped = quoted = False
    brackets = 0
    previous = " "
    hms = ampm = False
    for char in code:
        if escaped:
            escaped = False
        elif char in "_\\*":
            escaped = True
        elif quoted:
            if char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == ";":
            return OTHER
        elif char == "[":
            brackets += 1
        elif char == "]" and brackets == 1 and hms:
            return TIMEDELTA
        elif char == "]":
            brackets = max(brackets - 1, 0)
        elif char in "aA" and not ampm and brackets == 0:
            ampm = True
        elif brackets == 0 and (char in "pm/PM" if ampm else char in "dmhysDMHYS"):
            return DATETIME
        elif not (hms and char.lower() == previous.lower()):
            hms = previous == "[" and char in "mhsMHS"
        previous = char
    return OTHER


def _rounded_ms(days: float) -> int:
    """``(days * 86_400_000).round() as i64``: half away from zero, saturating, NaN as 0."""
    value = days * _MS_A_DAY
    if math.isnan(value):
        return 0
    if value >= 2**63:
        return _I64_MAX
    if value <= -(2**63):
        return -(2**63)
    whole = math.floor(abs(value))
    if abs(value) - whole >= 0.5:
        whole += 1
    return int(math.copysign(whole, value))


def excel_date(value: float, is_1904: bool) -> object:
    """A number in a date format, as python-calamine gives it: a ``time`` below 1, a ``date`` for
    a whole number, else a ``datetime``; the number itself when it is no date Python holds.
    calamine counts from 1899-12-31 below 60 (Excel's 29 February 1900 is the 28th) and to the
    millisecond."""
    days = value + 1462 if is_1904 else value
    if not days >= 60:  # NaN too
        days += 1
    ms = _rounded_ms(days)
    if ms == -(2**63):
        # chrono panics on a duration below its least: python-calamine raised PanicException
        raise DamagedSheet("a date too far in the past to read")
    whole_days, rest = divmod(ms, _MS_A_DAY)
    if abs(whole_days) > _CHRONO_DAYS:
        return value
    if value < 1.0:
        return (datetime.min + timedelta(milliseconds=rest)).time() if rest else _TIME_ZERO
    try:
        moment = _EPOCH + timedelta(milliseconds=ms)
    except OverflowError:
        return value
    if math.isfinite(value) and value.is_integer() and value < _U64:
        return moment.date()
    return moment


def excel_duration(value: float) -> timedelta:
    """A number in a duration format (``[h]:mm``), as python-calamine gives it."""
    ms = _rounded_ms(value)
    if ms == -(2**63):
        raise DamagedSheet("a duration too long to read")
    try:
        return timedelta(milliseconds=ms)
    except OverflowError:
        raise DamagedSheet("a duration too long to read") from None


_ISO_DATETIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?"
)
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_ISO_TIME = re.compile(r"([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?")


def _iso_value(text: str) -> object:
    """A cell of type ``d`` (an ISO 8601 date and time, which Excel itself never writes): a
    ``datetime``, ``date`` or ``time`` when it reads as one, else its text."""
    with contextlib.suppress(ValueError):
        if match := _ISO_DATETIME.fullmatch(text):
            *parts, fraction = match.groups()
            micro = int((fraction or "0").ljust(9, "0")[:6])
            return datetime(*map(int, parts), micro)  # type: ignore[misc]
        if match := _ISO_DATE.fullmatch(text):
            return date(*map(int, match.groups()))
        if match := _ISO_TIME.fullmatch(text):
            *parts, fraction = match.groups()
            return time(*map(int, parts), int((fraction or "0").ljust(9, "0")[:6]))
    return text


# XML as quick-xml reads it -----------------------------------------------------------------------

_E_START, _E_END, _E_TEXT, _E_REF, _E_CDATA, _E_OTHER, _E_EOF = range(7)
_TOKEN = re.compile(
    r"<(?:/(?P<end>[^>]*)>"
    r"|(?P<name>[^\s/>!?][^\s/>]*)(?P<attributes>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
    r"|(?P<special>[!?]))"
    r"|&(?P<ref>[^;<&]*);"
    r"|(?P<text>[^<&]+)"
)
_ATTRIBUTE = re.compile(
    r"[ \t\r\n]*([^ \t\r\n=/>]+)[ \t\r\n]*=[ \t\r\n]*(?:\"([^\"]*)\"|'([^']*)')"
)
_EVENT_EOF = (_E_EOF, "", "")


def _attributes(raw: str) -> dict[str, str]:
    """A start tag's attributes, values as written (calamine compares them unescaped); the last
    of two of a name counts, as in calamine."""
    found: dict[str, str] = {}
    position = 0
    end = len(raw)
    while position < end:
        match = _ATTRIBUTE.match(raw, position)
        if match is None:
            if raw[position:].strip(_XML_WHITESPACE):
                raise DamagedSheet("an attribute that is not written as XML writes one")
            break
        value = match.group(2)
        found[match.group(1)] = match.group(3) if value is None else value
        position = match.end()
    return found


class _XmlText:
    """A part's text, decoded as it is read (UTF-8, strictly: calamine refuses other bytes), and
    quick-xml's events in it: a start tag (``<a/>`` is a start and an end), an end tag, text up
    to a reference, a reference, CDATA, anything else. ``text[pos:]`` is what is not read yet;
    the readers of rows work on it directly between events."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self.text = ""
        self.pos = 0
        self.eof = False
        self._tail = b""
        self._broken = False
        self._started = False
        self._pending: list[tuple[int, str, str]] = []
        #: the offset in the part's text of ``text[0]``
        self.base = 0

    def more(self) -> bool:
        """Read another chunk onto what is left of the text; False at the end of the part."""
        if self.eof:
            return False
        if self._broken:
            raise DamagedSheet("text that is not UTF-8")
        data = self._tail + self._handle.read(_CHUNK)
        final = len(data) == len(self._tail)
        if not self._started:
            if len(data) < 4 and not final:
                self._tail = data
                return True
            self._started = True
            if data.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise DamagedSheet("text in UTF-16")
            if data.startswith(codecs.BOM_UTF8):
                data = data[len(codecs.BOM_UTF8) :]
        try:
            text = data.decode("utf-8")
            self._tail = b""
        except UnicodeDecodeError as error:
            text = data[: error.start].decode("utf-8")
            if not final and error.reason == "unexpected end of data":
                self._tail = data[error.start :]
            else:
                self._tail = b""
                self._broken = True
        if final:
            self.eof = True
        self.base += self.pos
        self.text = self.text[self.pos :] + text
        self.pos = 0
        return True

    def event(self) -> tuple[int, str, str]:
        """The next event (kind, name or text, raw attributes)."""
        if self._pending:
            return self._pending.pop()
        while True:
            text, pos = self.text, self.pos
            if pos < len(text):
                if text[pos] == "<" and text.startswith(("<!", "<?"), pos):
                    found = self._special(text, pos)
                    if found is not None:
                        return found
                else:
                    match = _TOKEN.match(text, pos)
                    if match is not None and (match.end() < len(text) or self.eof):
                        self.pos = match.end()
                        kind = match.lastgroup
                        if kind == "text":
                            return (_E_TEXT, match.group("text"), "")
                        if kind == "attributes":
                            attributes = match.group("attributes")
                            name = match.group("name")
                            if attributes.endswith("/"):
                                self._pending.append((_E_END, name, ""))
                            return (_E_START, name, attributes)
                        if kind == "end":
                            return (_E_END, match.group("end").rstrip(_XML_WHITESPACE), "")
                        return (_E_REF, match.group("ref"), "")
                    if match is None and self.eof:
                        raise DamagedSheet("XML that is not well-formed")
            elif self.eof:
                return _EVENT_EOF
            if len(self.text) - self.pos > MAX_ROW_CHARS:
                raise DamagedSheet(f"a row of more than {MAX_ROW_CHARS / 1024**2:,.0f} MB of XML")
            if not self.more() and self.pos >= len(self.text):
                return _EVENT_EOF

    def _special(self, text: str, pos: int) -> tuple[int, str, str] | None:
        """A comment, CDATA, a processing instruction (None: the text does not hold all of it
        yet). A DTD is not read (its entities could expand without end)."""
        for opening, closing, kind in (
            ("<!--", "-->", _E_OTHER),
            ("<![CDATA[", "]]>", _E_CDATA),
            ("<?", "?>", _E_OTHER),
        ):
            if text.startswith(opening, pos):
                end = text.find(closing, pos + len(opening))
                if end == -1:
                    if self.eof:
                        raise DamagedSheet("XML that is not well-formed")
                    return None
                self.pos = end + len(closing)
                return (kind, text[pos + len(opening) : end], "")
        if len(text) - pos < 9 and not self.eof:
            return None
        if text.startswith("<!DOCTYPE", pos):
            raise DamagedSheet("a DTD")
        raise DamagedSheet("XML that is not well-formed")

    def skip_to_end(self, name: str) -> None:
        """quick-xml's ``read_to_end``: up to the end tag that closes ``name``."""
        depth = 0
        while True:
            kind, found, _attributes = self.event()
            if kind == _E_START and found == name:
                depth += 1
            elif kind == _E_END and found == name:
                if not depth:
                    return
                depth -= 1
            elif kind == _E_EOF:
                raise DamagedSheet(f"an element “{name[:20]}” that does not end")


def _read_t(xml: _XmlText, name: str, raw: str) -> str:
    """One ``<t>``: its text (CDATA too, comments not), trimmed of XML's spaces unless it says
    ``xml:space="preserve"``, then Excel's ``_xHHHH_`` escapes undone (calamine does each
    ``<t>`` on its own)."""
    parts: list[str] = []
    while True:
        kind, text, _attributes = xml.event()
        if kind in (_E_TEXT, _E_CDATA):
            parts.append(text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text)
        elif kind == _E_REF:
            parts.append(_reference(text))
        elif kind == _E_END and text == name:
            break
        elif kind == _E_EOF:
            raise DamagedSheet("text that does not end")
    value = "".join(parts)
    if _attributes_of(raw).get("xml:space") != "preserve":
        value = value.strip(_XML_WHITESPACE)
    return _unescape_x(value) if "_x" in value else value


def _attributes_of(raw: str) -> dict[str, str]:
    return _attributes(raw[:-1] if raw.endswith("/") else raw) if raw else {}


def _read_string(xml: _XmlText, name: str) -> str:
    """An ``<si>`` or ``<is>``: the text of its ``<t>`` elements, but not of a phonetic run."""
    parts: list[str] = []
    phonetic = False
    while True:
        kind, found, raw = xml.event()
        if kind == _E_START:
            local = _local_name(found)
            if local == "t" and not phonetic:
                parts.append(_read_t(xml, found, raw))
            elif local == "rPh":
                phonetic = True
        elif kind == _E_END:
            if found == name:
                return "".join(parts)
            if _local_name(found) == "rPh":
                phonetic = False
        elif kind == _E_EOF:
            raise DamagedSheet("a string that does not end")


# The shared strings and the styles ---------------------------------------------------------------

_PLAIN_SI = re.compile(r'<si><t( xml:space="preserve")?>([^<&]*)</t></si>|(<)')


def shared_strings(archive: zipfile.ZipFile) -> list[str]:
    """The workbook's shared strings, all of them (``xl/sharedStrings.xml`` in any letter case;
    none when there is no such part). Raises ``DamagedSheet``."""
    name = _find_part(archive, "xl/sharedStrings.xml")
    if name is None:
        return []
    if archive.getinfo(name).file_size > MAX_SHARED_STRINGS_BYTES:
        raise DamagedSheet(f"shared strings of more than {MAX_SHARED_STRINGS_BYTES // 1024**2} MB")
    strings: list[str] = []
    with archive.open(name) as handle:
        xml = _XmlText(handle)
        # The declaration and the root's start tag are read as events.
        while True:
            kind, found_name, _raw = xml.event()
            if kind == _E_START and _local_name(found_name) == "sst":
                break
            if kind == _E_START and _local_name(found_name) == "si":
                strings.append(_read_string(xml, found_name))
            elif kind == _E_EOF:
                raise DamagedSheet("shared strings that do not end")
        until: int | None = -1  # read events up to here (an offset in the part's text)
        while True:
            if until is not None and xml.base + xml.pos >= until and not xml._pending:
                # Whole <si> elements written as Excel writes a plain one, a stretch at a time.
                end = xml.text.rfind("</si>", xml.pos)
                if end == -1:
                    if xml.eof or len(xml.text) - xml.pos > _FAST_LIMIT:
                        until = None if xml.eof else xml.base + len(xml.text)
                    else:
                        xml.more()
                    continue
                cut = end + 5
                found = _PLAIN_SI.findall(xml.text, xml.pos, cut)
                if not any(map(itemgetter(2), found)):
                    strings.extend(_plain_string(kept, text) for kept, text, _lt in found)
                    xml.pos = cut
                    continue
                until = xml.base + cut  # something else in the stretch: the events read it
            kind, found_name, _raw = xml.event()
            if kind == _E_START and _local_name(found_name) == "si":
                strings.append(_read_string(xml, found_name))
            elif kind == _E_END and _local_name(found_name) == "sst":
                break
            elif kind == _E_EOF:
                raise DamagedSheet("shared strings that do not end")
    return strings


def _plain_string(kept: str, text: str) -> str:
    if "\r" in text:
        text = _unescape(text)
    if not kept:
        text = text.strip(_XML_WHITESPACE)
    return _unescape_x(text) if "_x" in text else text


@dataclass(frozen=True)
class Styles:
    """What calamine reads of ``xl/styles.xml`` and ``xl/workbook.xml``: for each cell format
    (``cellXfs``) whether its numbers are dates or durations, and the 1904 date system."""

    kinds: tuple[int, ...]
    is_1904: bool

    def kind(self, style: str | None) -> int:
        """What a cell's ``s`` makes of its number (calamine: no ``s`` is a number; an ``s`` that
        is no index is the first format; one past the last is a number)."""
        if style is None:
            return OTHER
        index = _atoi(style) or 0
        return self.kinds[index] if index < len(self.kinds) else OTHER


def styles(archive: zipfile.ZipFile) -> Styles:
    """The workbook's cell formats and date system. Raises ``DamagedSheet``."""
    kinds: list[int] = []
    name = _find_part(archive, "xl/styles.xml")
    if name is not None:
        custom: dict[str, str] = {}
        with archive.open(name) as handle:
            xml = _XmlText(handle)
            parent = ""
            while True:
                kind, found, raw = xml.event()
                if kind == _E_START:
                    local = _local_name(found)
                    if local in ("numFmts", "cellXfs"):
                        parent = local
                    elif local == "numFmt" and parent == "numFmts":
                        attributes = _attributes_of(raw)
                        code = _unescape(attributes.get("formatCode", ""))
                        custom[attributes.get("numFmtId", "")] = code
                    elif local == "xf" and parent == "cellXfs":
                        number_format = _attributes_of(raw).get("numFmtId")
                        if number_format is None:
                            kinds.append(OTHER)
                        elif number_format in custom:
                            kinds.append(custom_format(custom[number_format]))
                        else:
                            kinds.append(builtin_format(number_format))
                elif kind == _E_END:
                    local = _local_name(found)
                    if local == parent:
                        parent = ""
                    elif local == "styleSheet":
                        break
                elif kind == _E_EOF:
                    raise DamagedSheet("styles that do not end")
    return Styles(tuple(kinds), _is_1904(archive))


def _is_1904(archive: zipfile.ZipFile) -> bool:
    name = _find_part(archive, "xl/workbook.xml")
    found = False
    if name is None:
        return found
    with archive.open(name) as handle:
        xml = _XmlText(handle)
        while True:
            kind, element, raw = xml.event()
            if kind == _E_START and _local_name(element) == "workbookPr":
                # compared as written: calamine takes "1" and "true", not "&#49;" or "TRUE"
                found = _attributes_of(raw).get("date1904") in ("1", "true")
            elif kind == _E_EOF:
                return found


# The text of a cell ------------------------------------------------------------------------------


def cell_text(value: object, is_date_field: bool) -> str:
    """One workbook cell, as python-calamine gives it, as the text the CSV export of the same
    cell would hold."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # Excel keeps every number as a float: an SID typed as a number is read back 1234567.0.
        if value.is_integer():
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        if is_date_field or value.time() == _TIME_ZERO:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return "" if value is None else str(value)


class RowWithTimes(list[object]):
    """A row holding a ``datetime`` with a time of day, whose text depends on its column: a date
    column gives its date alone (``cell_text``). Every other cell of it is text."""


def _text_of(value: object) -> object:
    """A value as ``cell_text`` gives it, but a ``datetime`` with a time of day as it is."""
    if type(value) is str:
        return value.replace("\x00", "") if "\x00" in value else value
    if type(value) is datetime and value.time() != _TIME_ZERO:
        return value
    return cell_text(value, False)


def _digits_text(digits: str) -> str:
    """The text of a number written with ASCII digits alone, as ``cell_text`` gives it."""
    if len(digits) < 16:
        return digits if digits[0] != "0" or len(digits) == 1 else str(int(digits))
    return cell_text(float(digits), False)


class _DateTexts(dict[str, object]):
    """The text of a whole number in a date format (a day, most often), each computed once."""

    def __init__(self, is_1904: bool) -> None:
        super().__init__()
        self._is_1904 = is_1904

    def __missing__(self, digits: str) -> object:
        text = self[digits] = _text_of(excel_date(float(digits), self._is_1904))
        return text


# The rows of a worksheet -------------------------------------------------------------------------

# Column letters as written in a reference, to their index (A: 0): one look-up a cell.
_COLUMNS: dict[str, int] = {column_letters(number): number - 1 for number in range(1, 16385)}
# Types of cell whose <v> calamine reads as written, up to the first reference: the others are
# unescaped text.
_RAW_TYPES = frozenset({None, "n", "s", "b", "e"})
_INLINE_TYPES = frozenset({"inlineStr", "is"})
_CELL_REF = re.compile(r"([A-Za-z]{0,16})([0-9]{0,16})")  # longer: no cell of Excel
# A text this long without the end of a row is read by the events (they read it in pieces).
_FAST_LIMIT = 4 * 1024 * 1024
_WS = "[ \t\r\n]"
_ATTRIBUTE_VALUE = rf'{_WS}*={_WS}*"[^"<]*"'


def _fast_patterns(prefix: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Rows as writers of Excel files write them, for the elements' ``prefix`` (``x:`` or none).

    The first pattern finds each cell ``<c>`` whose value is a ``<v>``, a plain inline string
    (``<is><t>``) or nothing, with its groups: the column letters and row digits of ``r`` when
    it comes first; the rest of the start tag with the start of the value (a sheet has few
    kinds of these, each read once by ``_CellKinds``); the value's text. Anything else it finds
    whole in its last group: a row's start tag, a row's end tag, or ``<`` for any other markup
    (the stretch is then one for the events). The second finds a formula before a value
    (calamine reads the value after it: the formula is dropped first); the third reads a row's
    start tag."""
    p = re.escape(prefix)
    ends = {
        "v": rf"(?=[^<]*</{p}v></{p}c>)",
        "t": rf"(?=[^<]*</{p}t></{p}is></{p}c>)",
        "c": rf"(?=[^<]*</{p}c>)",
    }
    cell = (
        rf'<{p}c(?: r="([A-Z]{{1,3}})([0-9]{{1,7}})")?'
        rf"([^<>]*(?:/>|>(?:<{p}v>{ends['v']}|<{p}is><{p}t>{ends['t']}"
        rf"|<{p}is><{p}t xml:space=\"preserve\">{ends['t']}|{ends['c']})))"
        rf"([^<]*)(?:</{p}v></{p}c>|</{p}t></{p}is></{p}c>|</{p}c>)?"
    )
    other = rf"(<{p}row(?=[ \t\r\n/>])[^>]*>|</{p}row{_WS}*>|<)"
    formula = (
        rf"<{p}f(?:{_WS}+[^ \t\r\n=/>]+{_ATTRIBUTE_VALUE})*{_WS}*(?:/>|>[^<]*</{p}f>)"
        rf"(?=<{p}v>|</{p}c>)"
    )
    row = (
        rf'<{p}row(?: r="([0-9]{{1,7}})")?'
        rf"(?:{_WS}+(?!r{_WS}*=)[^ \t\r\n=/>]+{_ATTRIBUTE_VALUE})*{_WS}*(/?)>"
    )
    return re.compile(f"{cell}|{other}"), re.compile(formula), re.compile(row)


# How the text after a cell's start tag is read
_K_INLINE, _K_KEPT, _K_SHARED, _K_NUMBER, _K_DATE, _K_OTHER, _K_EMPTY, _K_NOT_READ = range(1, 9)
_CELL_ATTRIBUTE = re.compile(rf'{_WS}+([^ \t\r\n=/>"]+){_WS}*={_WS}*"([^"<]*)"')
_CellKind = tuple[int, str | None, str | None]
_NOT_READ: _CellKind = (_K_NOT_READ, None, None)


class _CellKinds:
    """The rest of a cell's start tag after ``r``, with the start of its value (`` s="1"
    t="n"><v>``), to how its text is read (``known``: the code alone; ``details``: with ``s`` and
    ``t``). A tag the pattern leaves to the events (``r`` again, an attribute written otherwise)
    is ``_K_NOT_READ``."""

    def __init__(self, prefix: str, sheet_styles: Styles) -> None:
        self.known: dict[str, int] = {}
        self.details: dict[str, _CellKind] = {}
        self._styles = sheet_styles
        p = prefix
        self._openings = {
            "": _K_EMPTY,
            f"<{p}v>": _K_OTHER,
            f"<{p}is><{p}t>": _K_INLINE,
            f'<{p}is><{p}t xml:space="preserve">': _K_KEPT,
        }

    def read(self, key: str) -> int:
        details = self.details[key] = self._read(key)
        self.known[key] = details[0]
        return details[0]

    def _read(self, key: str) -> _CellKind:
        tag, _, opening = key.partition(">")
        if tag.endswith("/"):
            tag, code = tag[:-1], _K_EMPTY
        elif opening in self._openings:
            code = self._openings[opening]
        else:
            return _NOT_READ
        attributes: dict[str, str] = {}
        position = 0
        while match := _CELL_ATTRIBUTE.match(tag, position):
            name, value = match.groups()
            if name == "r" or (name in attributes and name in ("s", "t")):
                return _NOT_READ
            attributes[name] = value
            position = match.end()
        if tag[position:].strip(_XML_WHITESPACE):
            return _NOT_READ
        style, kind = attributes.get("s"), attributes.get("t")
        if code == _K_OTHER:  # a <v>: what it holds depends on the type
            if kind == "s":
                code = _K_SHARED
            elif kind is None or kind == "n":
                number_kind = self._styles.kind(style)
                code = _K_DATE if number_kind == DATETIME else _K_NUMBER
                if number_kind == TIMEDELTA:
                    code = _K_OTHER
        return (code, style, kind)


def _row_number(text: str) -> int:
    """A row's ``r`` as calamine reads it (``get_row``: column letters before it are allowed),
    0-based."""
    match = _CELL_REF.fullmatch(text)
    if match is None or not match.group(2) or int(match.group(2)) == 0:
        raise DamagedSheet(f"a row numbered “{text[:20]}”")
    return int(match.group(2)) - 1


def _cell_place(text: str) -> tuple[int, int]:
    """A cell's ``r`` as calamine reads it, 0-based (row, column)."""
    match = _CELL_REF.fullmatch(text)
    if match is None or not match.group(1) or not match.group(2) or int(match.group(2)) == 0:
        raise DamagedSheet(f"a cell at “{text[:20]}”")
    return int(match.group(2)) - 1, column_number(match.group(1)) - 1


def _dimension_readable(text: str) -> bool:
    parts = text.split(":")
    if len(parts) > 2:
        return False
    for part in parts:
        try:
            _cell_place(part)
        except DamagedSheet:
            return False
    return True


def _local_name(name: str) -> str:
    """quick-xml's local name: after the first ``:``."""
    return name.partition(":")[2] if ":" in name else name


def _out_of_order(row: int, after: int) -> DamagedSheet:
    return DamagedSheet(f"rows out of order: row {row + 1:,} comes after row {after + 1:,}")


def _inline(text: str, keep: bool) -> str:
    """A plain inline string as calamine reads its ``<t>`` (without NUL, as ``cell_text``)."""
    if "&" in text or "\r" in text:
        text = _unescape(text)
    if not keep:
        text = text.strip(_XML_WHITESPACE)
    if "_x" in text:
        text = _unescape_x(text)
    return text.replace("\x00", "") if "\x00" in text else text


class _SheetReader:
    """One pass over a worksheet part: ``rows()`` gives each row from the first of the sheet to
    the last that holds a cell, as python-calamine's ``iter_rows()`` does, each cell as
    ``cell_text`` gives it (a row with a date and time in it is a ``RowWithTimes``), without the
    empty cells after a row's last one.

    calamine places every cell first and then lays the rows out from the first cell's row and
    the leftmost cell's column. Read as a stream, a row is given once the next one begins, and
    the leftmost column is known from the first row unless that row starts right of column A
    (then one pass more, ``measure``, finds it). Cells come in the order of their rows, as
    every writer writes them: a cell of a row before one already given is refused (calamine
    would have moved it up)."""

    def __init__(
        self,
        archive: zipfile.ZipFile,
        part: str,
        strings: list[str],
        sheet_styles: Styles,
        *,
        measure: bool = False,
    ) -> None:
        self._archive = archive
        self._part = part
        self._handle = archive.open(part)
        self._xml = _XmlText(self._handle)
        self._strings = strings
        self._styles = sheet_styles
        self._is_1904 = sheet_styles.is_1904
        self._date_texts = _DateTexts(sheet_styles.is_1904)
        self._measure = measure
        # calamine's own counters: the row of the last <row r>, and the column after the last cell
        self.row_index = 0
        self.col_index = 0
        # the row being filled (-1: none yet), its cells, its leftmost filled column, whether it
        # holds a date and time
        self._cur = -1
        self._cur_text = "-"  # never a reference's digits
        self._values: list[object] = []
        self._row_min = 0
        self._timed = False
        # the last row given out (-1: none), and the column the rows start from
        self._last = -1
        self._offset: int | None = 0 if measure else None
        #: the leftmost column that holds a cell (``measure``)
        self.least_column = MAX_COLUMNS
        self._out: list[list[object]] = []
        self._row_began = 0

    def close(self) -> None:
        self._handle.close()

    # Driving -----------------------------------------------------------------------------------

    def rows(self) -> Iterator[list[object]]:
        prefix, empty = self._prolog()
        if empty:
            return
        fast_prefix = f"{prefix}:" if prefix else ""
        self._pattern, self._formula, self._row_tag = _fast_patterns(fast_prefix)
        self._formula_start = f"<{fast_prefix}f"
        self._cell_kinds = _CellKinds(fast_prefix, self._styles)
        end_tag = f"</{fast_prefix}row>"
        xml = self._xml
        finished = False
        while not finished:
            end = xml.text.rfind(end_tag, xml.pos)
            if end != -1:
                cut = end + len(end_tag)
                if self._fast(xml.text, xml.pos, cut):
                    xml.pos = cut
                    self._row_began = xml.base + cut
                else:
                    finished = self._general(xml.base + cut)
            elif not xml.eof and len(xml.text) - xml.pos <= _FAST_LIMIT:
                xml.more()
            else:
                finished = self._general(None if xml.eof else xml.base + len(xml.text))
            if self._out:
                rows, self._out = self._out, []
                yield from rows

    def _prolog(self) -> tuple[str, bool]:
        """Up to ``<sheetData>``: its prefix, and whether it is empty (``<sheetData/>``)."""
        xml = self._xml
        while True:
            kind, name, raw = xml.event()
            if kind == _E_START:
                local = _local_name(name)
                if local == "dimension":
                    ref = _attributes_of(raw).get("ref")
                    if ref is None or not _dimension_readable(ref):
                        raise DamagedSheet("a worksheet whose dimension is no range of cells")
                elif local == "sheetData":
                    self._row_began = xml.base + xml.pos
                    return name.partition(":")[0] if ":" in name else "", bool(xml._pending)
            elif kind == _E_EOF:
                raise DamagedSheet("a first sheet that holds no cells (a chart, or no worksheet)")

    # The rows given out ------------------------------------------------------------------------

    def _emit(
        self,
        cur: int,
        values: list[object],
        row_min: int,
        last: int,
        out: list[list[object]],
        timed: bool,
    ) -> None:
        """Give out row ``cur`` (after the empty rows between it and ``last``)."""
        if self._measure:
            self.least_column = min(self.least_column, row_min)
            return
        if self._offset is None:
            self._offset = 0 if row_min == 0 else self._measure_offset()
        if cur - last > 1:  # python-calamine's iter_rows() gives the rows above the first too
            out.extend([] for _gap in range(cur - last - 1))
        if self._offset:
            values = values[self._offset :]
        out.append(RowWithTimes(values) if timed else values)

    def _measure_offset(self) -> int:
        # The first row starts right of column A: the leftmost cell may be in any row.
        reader = _SheetReader(self._archive, self._part, self._strings, self._styles, measure=True)
        try:
            for _row in reader.rows():
                pass
        finally:
            reader.close()
        return reader.least_column

    def _place(self, row: int, column: int, value: object) -> None:
        if row >= MAX_ROWS or column >= MAX_COLUMNS:
            raise DamagedSheet("a cell beyond Excel's last row or column")
        value = _text_of(value)
        if row != self._cur:
            if row < self._cur:
                raise _out_of_order(row, self._cur)
            self._finish()
            self._cur, self._cur_text = row, str(row + 1)
            self._values = [""] * column
            self._row_min = column
        values = self._values
        count = len(values)
        if column >= count:
            values.extend([""] * (column - count))
            values.append(value)
        else:
            values[column] = value
            self._row_min = min(self._row_min, column)
        if type(value) is datetime:
            self._timed = True

    def _finish(self) -> None:
        if self._cur >= 0:
            self._emit(self._cur, self._values, self._row_min, self._last, self._out, self._timed)
            self._last = self._cur
            self._cur, self._values, self._timed = -1, [], False

    # A cell's value ----------------------------------------------------------------------------

    def _v_value(self, kind: str | None, text: str, style: str | None) -> object:
        """What calamine makes of a ``<v>`` in a cell of type ``kind``: for the raw types the
        text as written up to its first reference, else the whole text unescaped."""
        if kind is None or kind == "n":
            if not text:
                return _EMPTY
            if _NUMBER.fullmatch(text) is None:
                if kind is None:
                    return text  # no type: a text that is no number stays text
                raise DamagedSheet(f"a number cell holding “{text[:20]}”")
            number = float(text)
            format_kind = self._styles.kind(style)
            if format_kind == DATETIME:
                return excel_date(number, self._is_1904)
            if format_kind == TIMEDELTA:
                return excel_duration(number)
            return number
        if kind == "s":
            if not text:
                return _EMPTY
            index = _atoi(text) or 0  # calamine reads an index it cannot parse as 0
            if index >= len(self._strings):
                raise DamagedSheet(f"a cell naming shared string {index:,}, which it lacks")
            return self._strings[index]
        if kind == "b":
            flag = text.strip(_RUST_WHITESPACE)
            if not flag:
                return _EMPTY
            if flag == "0" or (flag.isascii() and flag.lower() == "false"):
                return False
            if flag == "1" or (flag.isascii() and flag.lower() == "true"):
                return True
            raise DamagedSheet(f"a true-or-false cell holding “{flag[:20]}”")
        if kind == "e":
            if not text:
                return _EMPTY
            if text in _CELL_ERRORS:
                return ""  # python-calamine gives an error cell as empty text
            raise DamagedSheet(f"an error cell holding “{text[:20]}”")
        if kind == "str":
            return _unescape_x(text) if "_x" in text else text
        if kind == "d":
            return _iso_value(text)
        if kind in _INLINE_TYPES:
            return _EMPTY  # an inline string's <v> is not read
        raise DamagedSheet(f"a cell of type “{kind[:20]}”, which Excel does not write")

    # The events, for anything the pattern does not read ---------------------------------------

    def _general(self, until: int | None) -> bool:
        """Read events up to the first point between cells at or after ``until`` (an offset in
        the part's text; None: to the end). True once ``</sheetData>`` is read."""
        xml = self._xml
        while True:
            if until is not None and xml.base + xml.pos >= until and not xml._pending:
                return False
            kind, name, raw = xml.event()
            if kind == _E_START:
                local = _local_name(name)
                if local == "c":
                    if xml.base + xml.pos - self._row_began > MAX_ROW_CHARS:
                        raise DamagedSheet(
                            f"a row of more than {MAX_ROW_CHARS / 1024**2:,.0f} MB of XML"
                        )
                    self._cell(raw)
                elif local == "row":
                    ref = _attributes_of(raw).get("r")
                    if ref is not None:
                        self.row_index = _row_number(ref)
            elif kind == _E_END:
                local = _local_name(name)
                if local == "row":
                    self.row_index += 1
                    self.col_index = 0
                    self._row_began = xml.base + xml.pos
                elif local == "sheetData":
                    self._finish()
                    return True
            elif kind == _E_EOF:
                raise DamagedSheet("a worksheet that ends before its cells do")

    def _cell(self, raw: str) -> None:
        attributes = _attributes_of(raw)
        ref, style, kind = attributes.get("r"), attributes.get("s"), attributes.get("t")
        if ref is not None:
            row, column = _cell_place(ref)
            self.col_index = column
        else:
            row, column = self.row_index, self.col_index
        value: object = _EMPTY
        xml = self._xml
        while True:
            event, name, _raw = xml.event()
            if event == _E_START:
                value = self._child(name, style, kind)
            elif event == _E_END and _local_name(name) == "c":
                break
            elif event == _E_EOF:
                raise DamagedSheet("a cell that does not end")
        self.col_index = column + 1
        if value is not _EMPTY:
            self._place(row, column, value)

    def _child(self, name: str, style: str | None, kind: str | None) -> object:
        """The value an element in a cell gives it (calamine: the last element counts)."""
        xml = self._xml
        local = _local_name(name)
        if local == "is":
            return _read_string(xml, name)
        if local == "f":
            xml.skip_to_end(name)
            return _EMPTY
        if local != "v":
            raise DamagedSheet(f"a cell holding an element “{local[:20]}”")
        if kind in _INLINE_TYPES:
            xml.skip_to_end(name)
            return _EMPTY
        if kind in _RAW_TYPES:
            event, text, _raw = xml.event()
            if event == _E_END and text == name:
                return _EMPTY
            if event == _E_EOF:
                raise DamagedSheet("a value that does not end")
            xml.skip_to_end(name)
            # calamine reads the text before a reference, CDATA or element; none: no value
            return self._v_value(kind, text, style) if event == _E_TEXT else _EMPTY
        parts: list[str] = []
        while True:
            event, text, _raw = xml.event()
            if event == _E_TEXT:
                parts.append(_unescape(text) if "\r" in text else text)
            elif event == _E_REF:
                parts.append(_reference(text))
            elif event == _E_END and text == name:
                break
            elif event == _E_EOF:
                raise DamagedSheet("a value that does not end")
        return self._v_value(kind, "".join(parts), style)

    # The pattern, for rows as writers write them -----------------------------------------------

    def _fast(self, text: str, pos: int, cut: int) -> bool:
        """Read the whole rows in ``text[pos:cut]`` with the pattern; False, with nothing read,
        when some markup in it is not the pattern's (the events read it then)."""
        if self._read_stretch(text, pos, cut):
            return True
        if text.find(self._formula_start, pos, cut) == -1:
            return False
        # Formulas before values (calamine reads the value): without them, the pattern may read
        # the stretch.
        text = self._formula.sub("", text[pos:cut])
        return self._read_stretch(text, 0, len(text))

    def _read_stretch(self, text: str, pos: int, cut: int) -> bool:
        # The pattern makes a tuple a cell, which the cyclic garbage collector would walk over
        # and over while the stretch is read (nothing read here makes a cycle): it waits.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._read_found(text, pos, cut)
        finally:
            if collecting:
                gc.enable()

    def _read_found(self, text: str, pos: int, cut: int) -> bool:
        found = self._pattern.findall(text, pos, cut)
        # references, escapes, line ends and NUL are looked for in a cell only when the stretch
        # has one
        special = (
            text.find("&", pos, cut) != -1
            or text.find("\r", pos, cut) != -1
            or text.find("\x00", pos, cut) != -1
            or (text.find("_", pos, cut) != -1 and text.find("_x", pos, cut) != -1)
        )
        ascii_only = text[pos:cut].isascii()  # else a digit may be another script's
        strings = self._strings
        known = self._cell_kinds.known.get
        read_kind = self._cell_kinds.read
        columns = _COLUMNS
        date_texts = self._date_texts
        whitespace = _XML_WHITESPACE
        inline, shared, number_code, empty, date_code, not_read = (
            _K_INLINE,
            _K_SHARED,
            _K_NUMBER,
            _K_EMPTY,
            _K_DATE,
            _K_NOT_READ,
        )
        row_index, col_index = self.row_index, self.col_index
        cur, cur_text, row_min, last = self._cur, self._cur_text, self._row_min, self._last
        timed, timed_cell = self._timed, False
        values = list(self._values)  # a copy: a stretch not read whole leaves all as it was
        count = len(values)
        append = values.append
        out: list[list[object]] = []
        value: object
        try:
            for letters, digits, tag, v, other in found:
                if other:
                    if other == "<":
                        return False
                    if other[1] == "/":
                        row_index += 1
                        col_index = 0
                        continue
                    row_tag = self._row_tag.fullmatch(other)
                    if row_tag is None:
                        return False
                    ref, closed = row_tag.groups()
                    if ref:
                        if ref.strip("0") == "":
                            return False
                        row_index = int(ref) - 1
                    if closed:
                        row_index += 1
                        col_index = 0
                    continue
                code = known(tag) or read_kind(tag)
                column = columns[letters] if letters else col_index
                col_index = column + 1
                if special:
                    if code == empty:
                        continue
                    if code == not_read:
                        return False
                    value = self._special_value(code, v, tag)
                    if value is _EMPTY:
                        continue
                    timed_cell = type(value) is datetime
                elif code == inline:
                    value = v.strip(whitespace)
                elif code == shared and v.isdigit() and len(v) < 20 and (ascii_only or v.isascii()):
                    value = strings[int(v)]
                elif code == number_code and v.isdigit() and (ascii_only or v.isascii()):
                    value = v if len(v) < 16 and (v[0] != "0" or len(v) == 1) else _digits_text(v)
                elif code == empty:
                    continue
                elif code == date_code and v.isdigit() and (ascii_only or v.isascii()):
                    value = date_texts[v]
                elif code == not_read:
                    return False
                else:
                    value = self._special_value(code, v, tag)
                    if value is _EMPTY:
                        continue
                    timed_cell = type(value) is datetime
                if digits == cur_text:
                    if column == count:
                        append(value)
                        count += 1
                    elif column > count:
                        values.extend([""] * (column - count))
                        append(value)
                        count = column + 1
                    else:
                        values[column] = value
                        if column < row_min:
                            row_min = column
                    if timed_cell:
                        timed, timed_cell = True, False
                    continue
                # a cell of another row than the one being filled, or without r
                number = int(digits) - 1 if letters else row_index
                if number < 0 or number >= MAX_ROWS:
                    return False
                if number == cur:  # the same row written otherwise ("A01"), or no r
                    if column >= count:
                        values.extend([""] * (column - count))
                        append(value)
                        count = column + 1
                    else:
                        values[column] = value
                        row_min = min(row_min, column)
                    if timed_cell:
                        timed, timed_cell = True, False
                    continue
                if number < cur:
                    raise _out_of_order(number, cur)
                if cur >= 0:
                    self._emit(cur, values, row_min, last, out, timed)
                    last = cur
                cur, cur_text, row_min = number, str(number + 1), column
                timed, timed_cell = timed_cell, False
                values = [""] * column
                append = values.append
                append(value)
                count = column + 1
        except (KeyError, IndexError):
            # a column past XFD, a shared string the workbook lacks: the events say which
            return False
        self.row_index, self.col_index = row_index, col_index
        self._cur, self._cur_text, self._values = cur, cur_text, values
        self._row_min, self._last, self._timed = row_min, last, timed
        self._out.extend(out)
        return True

    def _special_value(self, code: int, v: str, tag: str) -> object:
        """A cell's value the pattern found, read with every rule (the slow way)."""
        if code in (_K_INLINE, _K_KEPT):
            return _inline(v, code == _K_KEPT)
        if code == _K_EMPTY:
            return _EMPTY
        _code, style, kind = self._cell_kinds.details[tag]
        # A <v>: the raw types up to its first reference, the others unescaped.
        value = self._v_value(
            kind, v.partition("&")[0] if kind in _RAW_TYPES else _unescape(v), style
        )
        return value if value is _EMPTY else _text_of(value)


class SheetRows:
    """The rows of a worksheet part, read as a stream (see ``_SheetReader``): each a list of the
    texts ``cell_text`` gives of the cells python-calamine reads, up to the last cell of the row
    (a ``RowWithTimes`` keeps a ``datetime`` with a time of day as it is: its text depends on
    its column). The shared strings and styles are read when it is made; a problem anywhere
    raises ``DamagedSheet`` (from the constructor or while iterating)."""

    def __init__(self, archive: zipfile.ZipFile, part: str) -> None:
        strings = [
            text.replace("\x00", "") if "\x00" in text else text for text in shared_strings(archive)
        ]
        self._reader = _SheetReader(archive, part, strings, styles(archive))

    def __iter__(self) -> Iterator[list[object]]:
        return self._reader.rows()

    def close(self) -> None:
        self._reader.close()
