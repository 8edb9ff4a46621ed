"""Reading a worksheet's rows as a stream (core.xlsxparts.SheetRows) gives, cell for cell, the text
the list reader had from python-calamine: calamine stays installed as the oracle of these tests.

Each workbook is read three ways and the texts compared: by calamine (each value through
``cell_text``, in a date column and in another), by the stream reader, and by the stream reader
made to read every stretch with its events (the slow way, for anything the fast pattern does not
read). A workbook calamine refuses must be refused too. Rows are compared without the empty
cells after their last one (calamine pads every row to the sheet's width; the list reader does
the same with a shorter row).
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from xml.sax.saxutils import quoteattr

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from python_calamine import CalamineWorkbook

from core import xlsxparts
from core.xlsxparts import DamagedSheet, SheetRows, cell_text

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "examples"
SHEET = "xl/worksheets/sheet1.xml"
REFUSED = "refused"


# Workbooks ---------------------------------------------------------------------------------------


def workbook(
    path: Path,
    sheet_data: str = "",
    *,
    strings: str | None = None,
    styles: str | None = None,
    workbook_xml: str | None = None,
    sheet: str | bytes | None = None,
) -> Path:
    """openpyxl's empty workbook with its first sheet's ``<sheetData>`` (or whole ``sheet``), its
    shared strings (the ``<si>`` elements), styles and workbook part replaced."""
    base = io.BytesIO()
    openpyxl.Workbook().save(base)
    if sheet is None:
        sheet = f'<worksheet xmlns="{NS}"><sheetData>{sheet_data}</sheetData></worksheet>'
    with (
        zipfile.ZipFile(base) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in source.namelist():
            data = source.read(name)
            if name == SHEET:
                data = sheet.encode() if isinstance(sheet, str) else sheet
            elif name == "xl/styles.xml" and styles is not None:
                data = styles.encode()
            elif name == "xl/workbook.xml" and workbook_xml is not None:
                data = workbook_xml.encode()
            target.writestr(name, data)
        if strings is not None:
            target.writestr("xl/sharedStrings.xml", f'<sst xmlns="{NS}">{strings}</sst>')
    return path


def styles_xml(*number_formats: str | int) -> str:
    """Cell formats 0, 1, … with these number formats (a built-in id, or a format code)."""
    custom = [code for code in number_formats if isinstance(code, str)]
    codes = "".join(
        f"<numFmt numFmtId={quoteattr(str(164 + index))} formatCode={quoteattr(code)}/>"
        for index, code in enumerate(custom)
    )
    xfs = "".join(
        f'<xf numFmtId="{code if isinstance(code, int) else 164 + custom.index(code)}"/>'
        for code in number_formats
    )
    return (
        f'<styleSheet xmlns="{NS}"><numFmts>{codes}</numFmts><cellXfs>{xfs}</cellXfs></styleSheet>'
    )


def workbook_1904() -> str:
    return (
        f'<workbook xmlns="{NS}" xmlns:r="{RELS}"><workbookPr date1904="1"/>'
        '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


# The three readings -----------------------------------------------------------------------------


def trimmed(cells: list[str]) -> list[str]:
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def texts(rows: list[list[object]]) -> tuple[list[list[str]], list[list[str]]]:
    """The rows' texts as the list reader makes them (``cell_text``: no NUL), out of a date
    column and in one (they differ for a date and time)."""
    return tuple(  # type: ignore[return-value]
        [trimmed([cell_text(value, in_date) for value in row]) for row in rows]
        for in_date in (False, True)
    )


def calamine_texts(path: Path) -> object:
    try:
        book = CalamineWorkbook.from_path(str(path))
        return texts(list(book.get_sheet_by_index(0).iter_rows()))
    except BaseException as error:  # a Rust panic arrives as a BaseException
        if isinstance(error, KeyboardInterrupt):
            raise
        return REFUSED


def stream_texts(path: Path, *, slow: bool = False) -> object:
    try:
        with zipfile.ZipFile(path) as archive:
            part = xlsxparts.first_sheet_part(archive, budget=None)
            assert part is not None
            rows = SheetRows(archive, part)
            if slow:
                rows._reader._read_stretch = lambda *_args: False  # type: ignore[method-assign]
            try:
                read = list(rows)
            finally:
                rows.close()
    except (DamagedSheet, xlsxparts.NoWorksheet):
        return REFUSED
    for row in read:
        assert type(row) is list or (type(row) is xlsxparts.RowWithTimes), type(row)
        assert all(type(value) is str for value in row) or type(row) is xlsxparts.RowWithTimes
    return texts(read)


def assert_read_as_calamine_reads(path: Path) -> object:
    expected = calamine_texts(path)
    assert stream_texts(path) == expected
    assert stream_texts(path, slow=True) == expected
    return expected


# Cells written as XML ----------------------------------------------------------------------------


def inline(ref: str, text: str, attributes: str = "") -> str:
    return f'<c r="{ref}"{attributes} t="inlineStr"><is><t>{text}</t></is></c>'


SST = (
    "<si><t>plain</t></si>"
    '<si><t xml:space="preserve">  kept spaces </t></si>'
    '<si><r><rPr><b/><sz val="11"/></rPr><t>rich</t></r>'
    '<r><t xml:space="preserve"> runs</t></r></si>'
    '<si><t>漢字</t><rPh sb="0" eb="2"><t>かんじ</t></rPh><phoneticPr fontId="1"/></si>'
    "<si><t>line_x000D_end_x005F_x000D_ &amp; &lt;tag&gt; &#233;</t></si>"
    "<si><t>  trimmed\n</t></si>"
    "<si/>"
    "<si><t><![CDATA[a < b]]></t></si>"
    "<si><t>nul_x0000_here</t></si>"
)

# Every way a cell is written that the list reader may meet, in a sheet of its own (each sheet
# also has a cell at C5, so that an empty cell at A1 shows in where the rows start).
CASES: dict[str, dict[str, str]] = {
    "shared strings": {
        "data": '<row r="1">'
        + "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(9))
        + "</row>",
        "strings": SST,
    },
    "shared index written oddly": {
        "data": '<row r="1"><c r="A1" t="s"><v>007</v></c><c r="B1" t="s"><v> 1</v></c>'
        '<c r="C1" t="s"><v>1.0</v></c><c r="D1" t="s"><v></v></c>'
        '<c r="E1" t="s"><v>99999999999999999999999</v></c></row>',
        "strings": SST,
    },
    "inline strings": {
        "data": '<row r="1">'
        + inline("A1", "plain")
        + '<c r="B1" t="inlineStr"><is><t xml:space="preserve"> kept </t></is></c>'
        + '<c r="C1" t="inlineStr"><is><r><t>ri</t></r><r><t>ch</t></r></is></c>'
        + '<c r="D1" t="inlineStr"><is><t>漢</t><rPh sb="0" eb="1"><t>かん</t></rPh></is></c>'
        + inline("E1", "a&amp;b &#x41; _x000D_ _x005F_x0041_ _xD800_")
        + inline("F1", "  padded\t")
        + '<c r="G1" t="inlineStr"><is/></c>'
        + '<c r="H1" t="inlineStr"><is><t/></is></c>'
        + inline("I1", "a\r\nb\rc")
        + '<c r="J1" t="inlineStr"><v>ignored</v></c>'
        + '<c r="K1"><is><t>no type</t></is></c>'
        + inline("L1", "nul_x0000_")
        + "</row>",
    },
    "numbers": {
        "data": '<row r="1"><c r="A1"><v>1234567</v></c><c r="B1" t="n"><v>1234567.0</v></c>'
        '<c r="C1"><v>0.1</v></c><c r="D1"><v>-2.5E+3</v></c><c r="E1"><v>007</v></c>'
        '<c r="F1"><v>12345678901234567890</v></c><c r="G1"><v>1.</v></c><c r="H1"><v>.5</v></c>'
        '<c r="I1"><v>3.0000000000000004</v></c><c r="J1"><v>inf</v></c><c r="K1"><v>NaN</v></c>'
        '<c r="L1"><v>1e400</v></c><c r="M1"><v>0</v></c><c r="N1"><v>-0</v></c>'
        '<c r="O1"><v>199135990497</v></c><c r="P1"><v>4.9e-324</v></c></row>',
    },
    "text in a cell of no type": {
        "data": '<row r="1"><c r="A1"><v> 12</v></c><c r="B1"><v>1_000</v></c>'
        '<c r="C1"><v>0x10</v></c><c r="D1"><v>\uff11</v></c><c r="E1"><v>1&amp;2</v></c>'
        '<c r="F1"><v>&#49;2</v></c><c r="G1"><v>a\r\nb</v></c></row>',
    },
    "booleans": {
        "data": '<row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="b"><v>0</v></c>'
        '<c r="C1" t="b"><v> true </v></c><c r="D1" t="b"><v>FALSE</v></c>'
        '<c r="E1" t="b"><v></v></c><c r="F1" t="b"><v>\u00a01</v></c></row>',
    },
    "errors": {
        "data": '<row r="1">'
        + "".join(
            f'<c r="{chr(65 + i)}1" t="e"><v>{error}</v></c>'
            for i, error in enumerate(
                ["#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", ""]
            )
        )
        + "</row>",
    },
    "formula results": {
        "data": '<row r="1"><c r="A1" t="str"><f>B1&amp;"x"</f><v>a_x000D_b &amp; c</v></c>'
        '<c r="B1"><f>1+1</f><v>2</v></c><c r="C1" t="str"><f t="shared" si="0"/><v>s</v></c>'
        '<c r="D1"><f>NOW()</f></c><c r="E1" t="str"><v>x</v><f>late</f></c>'
        '<c r="F1" t="str"><v></v></c><c r="G1" t="str"><v>a<!--c-->b</v></c>'
        '<c r="H1" t="str"><v><![CDATA[gone]]></v></c><c r="I1" t="b"><f>TRUE()</f><v>1</v></c>'
        '<c r="J1" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>',
    },
    "dates in built-in formats": {
        "data": "".join(
            f'<row r="{n + 1}"><c r="A{n + 1}" s="{n}"><v>45000</v></c>'
            f'<c r="B{n + 1}" s="{n}"><v>45000.25</v></c><c r="C{n + 1}" s="{n}"><v>0.5</v></c>'
            f'<c r="D{n + 1}" s="{n}"><v>60</v></c><c r="E{n + 1}" s="{n}"><v>2958466</v></c>'
            f'<c r="F{n + 1}" s="{n}"><v>-1.25</v></c><c r="G{n + 1}" s="{n}"><v>nan</v></c>'
            f'<c r="H{n + 1}" s="{n}"><v>45000.123456789</v></c></row>'
            for n in range(60)
        ),
        "styles": styles_xml(*range(60)),
    },
    "dates in formats of the workbook's own": {
        "data": "".join(
            f'<row r="{n + 1}"><c r="A{n + 1}" s="{n}"><v>45000</v></c>'
            f'<c r="B{n + 1}" s="{n}"><v>45000.75</v></c><c r="C{n + 1}" s="{n}"><v>1.5</v></c>'
            "</row>"
            for n in range(24)
        ),
        "styles": styles_xml(
            "yyyy-mm-dd",
            "m/d/yyyy h:mm",
            "[$-409]mmmm d, yyyy;@",
            '"Date: "0',
            "[Red]0.00",
            "hh:mm:ss",
            "[h]:mm",
            "[mm]:ss",
            "0.00E+00",
            '"y"0',
            "\\d0",
            "0;d",
            "AM/PM",
            "General",
            "@",
            "dd/mm/yy\\ hh:mm",
            "#,##0*y",
            "*-yyyy",
            "[>=100][Magenta][s].00",
            "e",
            "b",
            "_d0",
            "mmss.0",
            "",
        ),
    },
    "the 1904 date system": {
        "data": '<row r="1"><c r="A1" s="0"><v>0</v></c><c r="B1" s="0"><v>1</v></c>'
        '<c r="C1" s="0"><v>45000.5</v></c><c r="D1" s="0"><v>60</v></c></row>',
        "styles": styles_xml(14),
        "workbook": workbook_1904(),
    },
    "styles written oddly": {
        "data": '<row r="1"><c r="A1" s="x"><v>45000</v></c><c r="B1" s="9"><v>45000</v></c>'
        '<c r="C1" s="01"><v>45000</v></c><c r="D1"><v>45000</v></c>'
        '<c r="E1" s="1"><v>45000</v></c></row>',
        "styles": styles_xml(14, 0),
    },
    "durations": {
        "data": '<row r="1"><c r="A1" s="0"><v>1.5</v></c><c r="B1" s="0"><v>-0.5</v></c>'
        '<c r="C1" s="0"><v>nan</v></c><c r="D1" s="0"><v>0.0000000058</v></c></row>',
        "styles": styles_xml(46),
    },
    "ISO dates (type d)": {
        "data": '<row r="1"><c r="A1" t="d"><v>2020-01-02T03:04:05.5</v></c>'
        '<c r="B1" t="d"><v>2020-01-02</v></c><c r="C1" t="d"><v>03:04:05</v></c>'
        '<c r="D1" t="d"><v>nonsense</v></c><c r="E1" t="d"><v></v></c></row>',
    },
    "sparse cells, gaps between rows, empty cells": {
        "data": '<row r="2"><c r="B2" t="inlineStr"><is><t>b</t></is></c><c r="E2" s="0"/>'
        '<c r="H2"><v>8</v></c></row><row r="3"/><row r="6"><c r="A6" s="0"/></row>'
        '<row r="7" spans="1:3"><c r="C7"><v></v></c><c r="D7"></c></row>'
        '<row r="9"><c r="B9" t="inlineStr"><is><t>last</t></is></c></row>'
        '<row r="12"><c r="A12" s="0"/><c r="B12" t="inlineStr"><is><t>  </t></is></c></row>'
        '<row r="14"><c r="C14" s="0"/></row>',
    },
    "rows and cells without references": {
        "data": "<row>"
        + '<c t="inlineStr"><is><t>a</t></is></c><c/><c t="inlineStr"><is><t>c</t></is></c>'
        + "</row><row/><row>"
        + '<c r="C3"><v>3</v></c><c><v>4</v></c>'
        + '</row><row r="7"><c><v>7</v></c></row><row><c r="B8"><v>8</v></c></row>',
    },
    "a row's cells out of column order, and one written twice": {
        "data": '<row r="1"><c r="C1"><v>3</v></c><c r="A1"><v>1</v></c>'
        '<c r="A1" t="inlineStr"><is><t>again</t></is></c><c r="B1"><v>2</v></c>'
        '<c r="B1" s="0"/></row>',
    },
    "a list that starts right of column A": {
        "data": '<row r="3"><c r="C3" t="inlineStr"><is><t>h</t></is></c>'
        '<c r="D3" t="inlineStr"><is><t>i</t></is></c></row>'
        '<row r="4"><c r="D4"><v>1</v></c></row><row r="9"><c r="B9"><v>2</v></c></row>',
    },
    "a prefix on every element": {
        "sheet": f'<x:worksheet xmlns:x="{NS}"><x:sheetData><x:row r="1">'
        '<x:c r="A1" t="inlineStr"><x:is><x:t>pre</x:t></x:is></x:c>'
        '<x:c r="B1"><x:v>2</x:v></x:c><x:c r="C1" t="s"><x:v>0</x:v></x:c></x:row>'
        '<x:row r="2"><x:c r="A2" s="0"><x:f>1</x:f><x:v>45000</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>",
        "strings": SST,
        "styles": styles_xml(14),
    },
    "prefixes that change": {
        "sheet": f'<worksheet xmlns="{NS}" xmlns:x="{NS}"><sheetData><row r="1">'
        '<x:c r="A1" t="inlineStr"><is><x:t>mixed</x:t></is></x:c>'
        '<c r="B1"><x:v>2</x:v></c></row><x:row r="2"><c r="A2"><v>3</v></c></x:row>'
        "</sheetData></worksheet>",
    },
    "attributes in any order and written any way": {
        "data": '<row spans="1:4" r="1"><c t="inlineStr" r="A1"><is><t>t first</t></is></c>'
        '<c s="0" t="n" r="B1"><v>45000</v></c><c\tr="C1"\nt="str"><v>tabs</v></c>'
        "<c r='D1' t='str'><v>single</v></c><c r = \"E1\" t = \"str\"><v>spaced</v></c>"
        '<c r="F1" t="str" cm="1" vm="2"><v>extra</v></c>'
        '<c x:r="H1" r="G1" t="str" xmlns:x="urn:x"><v>other r</v></c>'
        '<c r="I1" t="s" t="str"><v>last t</v></c></row>',
        "styles": styles_xml(14),
    },
    "comments, processing instructions and whitespace": {
        "data": '<!-- a comment --><row r="1"><?pi x?><c r="A1" t="inlineStr">\n  <is>\n'
        "<t>indented</t>\n  </is>\n</c>\n"
        '<c r="B1">\n<v>2</v>\n</c><c r="C1"><!-- before --><v>3</v></c></row>\n',
    },
    "elements calamine skips in a row": {
        "data": '<row r="1"><extLst/><c r="A1"><v>1</v></c><foo><c r="B1"><v>2</v></c></foo>'
        "<v>stray</v></row>",
    },
    "leading empty rows": {
        "data": '<row r="1"><c r="A1" s="0"/></row><row r="2"/><row r="4">'
        + inline("A4", "first")
        + "</row>",
    },
    "a BOM and a declaration": {
        "sheet": '\ufeff<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{NS}"><dimension ref="A1:B1"/><sheetData><row r="1">'
        + inline("A1", "declared")
        + "</row></sheetData></worksheet>",
    },
    "an empty sheet": {"data": ""},
    "an empty sheet written short": {"sheet": f'<worksheet xmlns="{NS}"><sheetData/></worksheet>'},
    # What calamine refuses, the stream reader refuses.
    "a type Excel does not write": {"data": '<row r="1"><c r="A1" t="zz"><v>1</v></c></row>'},
    "an empty type": {"data": '<row r="1"><c r="A1" t=""><v>1</v></c></row>'},
    "a number that is none": {"data": '<row r="1"><c r="A1" t="n"><v>12 </v></c></row>'},
    "a boolean that is none": {"data": '<row r="1"><c r="A1" t="b"><v>2</v></c></row>'},
    "an error Excel does not have": {"data": '<row r="1"><c r="A1" t="e"><v>#BOGUS</v></c></row>'},
    "a shared string that is not there": {
        "data": '<row r="1"><c r="A1" t="s"><v>9</v></c></row>',
        "strings": SST,
    },
    "an unknown entity": {"data": '<row r="1">' + inline("A1", "a&foo;b") + "</row>"},
    "a NUL character reference": {"data": '<row r="1">' + inline("A1", "&#0;") + "</row>"},
    "an element calamine does not know in a cell": {
        "data": '<row r="1"><c r="A1"><v>1</v><extLst/></c></row>'
    },
    "a row numbered 0": {"data": '<row r="0"><c><v>1</v></c></row>'},
    "a date before the days chrono counts": {
        "data": '<row r="1"><c r="A1" s="0"><v>-1e300</v></c></row>',
        "styles": styles_xml(14),
    },
    "a duration Python cannot hold": {
        "data": '<row r="1"><c r="A1" s="0"><v>1e10</v></c></row>',
        "styles": styles_xml(46),
    },
    "a sheet that ends early": {"sheet": f'<worksheet xmlns="{NS}"><sheetData><row r="1">'},
    "a dimension that is no range": {
        "sheet": f'<worksheet xmlns="{NS}"><dimension ref=""/><sheetData/></worksheet>'
    },
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_way_of_writing_a_cell_reads_as_calamine_reads_it(tmp_path: Path, name: str):
    case = CASES[name]
    data = case.get("data", "")
    if "sheet" not in case and "C5" not in data and data:
        data += '<row r="20"><c r="C20" t="inlineStr"><is><t>marker</t></is></c></row>'
    path = workbook(
        tmp_path / "book.xlsx",
        data,
        strings=case.get("strings"),
        styles=case.get("styles"),
        workbook_xml=case.get("workbook"),
        sheet=case.get("sheet"),
    )
    assert_read_as_calamine_reads(path)


def test_the_cases_refused_are_refused_by_calamine_too(tmp_path: Path):
    """The last cases above are refusals: a test that a refusal is not a mere agreement on
    reading nothing."""
    for name in ("a type Excel does not write", "a shared string that is not there"):
        case = CASES[name]
        path = workbook(tmp_path / "book.xlsx", case["data"], strings=case.get("strings"))
        assert calamine_texts(path) == REFUSED
        assert stream_texts(path) == REFUSED


# Workbooks written by openpyxl, and the project's fixtures ---------------------------------------

VALUES: list[object] = [
    "SMITH",
    "  padded  ",
    "O'BRIEN & SONS <LLC>",
    "MUÑOZ",
    "line\nbreak",
    "carriage\r\nreturn",
    "tab\there",
    "_x000D_ written as Excel escapes it",
    "",
    None,
    1234567,
    1234567.0,
    12.5,
    -3,
    0,
    2**53 + 1,
    1e-7,
    True,
    False,
    date(1970, 1, 1),
    date(1900, 2, 28),
    datetime(2012, 5, 10, 13, 45, 30),
    datetime(2012, 5, 10),
    time(9, 30),
    timedelta(hours=36, minutes=5),
    "=1+1",
    '="text"',
    "#N/A",
]


def openpyxl_book(path: Path, rows: list[list[object]], *, write_only: bool) -> Path:
    book = openpyxl.Workbook(write_only=write_only)
    sheet = book.create_sheet("list") if write_only else book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("write_only", [False, True], ids=["shared-strings", "inline-strings"])
def test_a_workbook_openpyxl_writes_reads_as_calamine_reads_it(tmp_path: Path, write_only: bool):
    rows: list[list[object]] = [["HEADER", "B", "C", "D"]]
    for index, value in enumerate(VALUES):
        rows.append([value, index, None, value])
    rows.append([])
    rows.append([None, None, "after a blank row"])
    path = openpyxl_book(tmp_path / "book.xlsx", rows, write_only=write_only)
    assert_read_as_calamine_reads(path)


def test_rich_text_openpyxl_writes_reads_as_calamine_reads_it(tmp_path: Path):
    book = openpyxl.Workbook()
    rich = CellRichText(["plain ", TextBlock(InlineFont(b=True), "bold"), " end"])
    book.active.append(["A", rich])
    book.active.append([rich, "B"])
    path = tmp_path / "rich.xlsx"
    book.save(path)
    assert_read_as_calamine_reads(path)


def test_the_example_workbooks_read_as_calamine_reads_them():
    for path in sorted(EXAMPLES.glob("*.xlsx")):
        assert_read_as_calamine_reads(path)


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.csv")))
def test_the_example_lists_saved_as_workbooks_read_as_calamine_reads_them(tmp_path: Path, name):
    """Each CSV example saved as a workbook, its cells typed as Excel types them on import (dates
    as dates, digits as numbers), once with shared strings and once with inline strings."""
    with open(EXAMPLES / name, encoding="utf-8-sig", newline="") as handle:
        rows = [[typed(cell) for cell in row] for row in csv.reader(handle)]
    for write_only in (False, True):
        assert_read_as_calamine_reads(
            openpyxl_book(tmp_path / f"{name}-{write_only}.xlsx", rows, write_only=write_only)
        )


def typed(cell: str) -> object:
    if cell.isdigit() and not cell.startswith("0"):
        return int(cell)
    if len(cell) == 10 and cell[4] == "-" and cell[7] == "-":
        try:
            return date.fromisoformat(cell)
        except ValueError:
            return cell
    return cell or None


def test_a_synthetic_list_reads_as_calamine_reads_it(tmp_path: Path):
    from demo.synthetic import write_xlsx

    assert_read_as_calamine_reads(write_xlsx(tmp_path / "synthetic.xlsx", 400, seed=7))


# Properties --------------------------------------------------------------------------------------

# Text that an XML or Excel reader finds interesting.
TEXT = st.text(
    st.sampled_from(list(" \t\r\n&<>\"'_x0D0041Aaé€😀;#\u00a0\u3000")) | st.characters(),
    max_size=12,
)
CELL_VALUES = (
    TEXT
    | st.integers(-(10**16), 10**16)
    | st.floats(allow_nan=False, allow_infinity=False, width=64)
    | st.booleans()
    | st.dates(min_value=date(1900, 3, 1))
    | st.datetimes(min_value=datetime(1900, 3, 1))
    | st.none()
)


def xml_safe(value: object) -> object:
    # openpyxl refuses control characters in a cell's text; Excel writes them as _xHHHH_
    if isinstance(value, str):
        return "".join(c if c >= " " or c in "\t\n\r" else "_" for c in value).replace("\ud800", "")
    return value


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(CELL_VALUES.map(xml_safe), max_size=6), min_size=1, max_size=6),
    write_only=st.booleans(),
)
def test_random_cells_openpyxl_writes_read_as_calamine_reads_them(
    tmp_path: Path, rows: list[list[object]], write_only: bool
):
    path = tmp_path / "random.xlsx"
    try:
        openpyxl_book(path, rows, write_only=write_only)
    except (ValueError, TypeError):  # openpyxl refuses some values (e.g. a lone surrogate)
        return
    assert_read_as_calamine_reads(path)


RAW_VALUE = st.sampled_from(
    [
        "1",
        "0",
        "007",
        "1.5",
        "-2e3",
        "45000",
        "45000.5",
        " 1",
        "x",
        "",
        "1&amp;2",
        "&#49;",
        "true",
        "#N/A",
        "2020-01-02",
        "inf",
        "nan",
        "1\r\n",
        "a_x000D_b",
        "<![CDATA[c]]>",
    ]
)
RAW_CELL = st.builds(
    lambda kind, style, value, ref, formula, spaces: (
        f"<c{ref}{style}{kind}>"
        + ("<f>1</f>" if formula else "")
        + (f"<is><t{spaces}>{value}</t></is>" if kind == ' t="inlineStr"' else f"<v>{value}</v>")
        + "</c>"
    ),
    st.sampled_from(["", ' t="n"', ' t="s"', ' t="b"', ' t="e"', ' t="str"', ' t="inlineStr"']),
    st.sampled_from(["", ' s="0"', ' s="1"', ' s="2"']),
    RAW_VALUE,
    st.sampled_from(["", ' r="A{n}"', ' r="B{n}"', ' r="D{n}"', ' r="C{m}"']),
    st.booleans(),
    st.sampled_from(["", ' xml:space="preserve"']),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["", ' r="{n}"']), st.lists(RAW_CELL, max_size=5)),
        min_size=1,
        max_size=5,
    )
)
def test_random_cells_written_as_xml_read_as_calamine_reads_them(
    tmp_path: Path, rows: list[tuple[str, list[str]]]
):
    data = ""
    for number, (ref, cells) in enumerate(rows, start=1):
        # a reference to the row before ({m}) puts a cell out of order: both refuse or agree
        body = "".join(cells).replace("{n}", str(number)).replace("{m}", str(max(number - 1, 1)))
        data += f"<row{ref.format(n=number)}>{body}</row>"
    path = workbook(
        tmp_path / "raw.xlsx",
        data,
        strings="<si><t>zero</t></si><si><t> one </t></si>",
        styles=styles_xml(0, 14, 46),
    )
    expected = calamine_texts(path)
    got = stream_texts(path)
    if got == REFUSED and expected != REFUSED:
        # Read otherwise on purpose: a cell of a row before one already read; and a number
        # Python cannot hold as a date or duration, in a cell a later one at the same place
        # replaced (python-calamine converts only the cells it keeps).
        reason = stream_refusal(path)
        assert "out of order" in reason or "to read" in reason, reason
        return
    assert got == expected
    assert stream_texts(path, slow=True) == expected


def stream_refusal(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        rows = SheetRows(archive, SHEET)
        try:
            list(rows)
        except DamagedSheet as damaged:
            return damaged.reason
        finally:
            rows.close()
    return ""


FORMAT_CODE = st.text(
    st.sampled_from(list('dmyhsDMYHSaApP/:;[]"\\_*0#.,@eEbBg$-+ ')), min_size=1, max_size=10
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(codes=st.lists(FORMAT_CODE, min_size=1, max_size=20, unique=True))
def test_number_formats_are_dates_or_durations_where_calamine_says(
    tmp_path: Path, codes: list[str]
):
    data = "".join(
        f'<row r="{n + 1}"><c r="A{n + 1}" s="{n}"><v>45000.25</v></c></row>'
        for n in range(len(codes))
    )
    path = workbook(tmp_path / "formats.xlsx", data, styles=styles_xml(*codes))
    assert_read_as_calamine_reads(path)


@settings(max_examples=200, deadline=None)
@given(
    value=st.floats(width=64) | st.integers(-(10**6), 3 * 10**6).map(float),
    is_1904=st.booleans(),
)
def test_a_date_number_is_the_date_python_calamine_gives(value: float, is_1904: bool):
    try:
        got: object = xlsxparts.excel_date(value, is_1904)
    except DamagedSheet:
        got = REFUSED
    assert type(got) in (date, datetime, time, float) or got == REFUSED
    if isinstance(got, float):
        assert got == value or (math.isnan(got) and math.isnan(value))


# Refusals and memory -----------------------------------------------------------------------------


def test_xml_with_a_dtd_is_refused_unread(tmp_path: Path):
    sheet = (
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        f'<worksheet xmlns="{NS}"><sheetData><row r="1">{inline("A1", "&b;")}</row></sheetData>'
        "</worksheet>"
    )
    assert stream_refusal(workbook(tmp_path / "dtd.xlsx", sheet=sheet)) == "a DTD"


def test_rows_out_of_order_are_refused_with_where(tmp_path: Path):
    data = f'<row r="5">{inline("A5", "five")}</row><row r="2">{inline("A2", "two")}</row>'
    reason = stream_refusal(workbook(tmp_path / "order.xlsx", data))
    assert reason == "rows out of order: row 2 comes after row 5"


def test_text_that_is_not_utf8_is_refused(tmp_path: Path):
    sheet = f'<worksheet xmlns="{NS}"><sheetData><row r="1">'.encode()
    sheet += b'<c r="A1" t="inlineStr"><is><t>\xff</t></is></c></row></sheetData></worksheet>'
    assert stream_refusal(workbook(tmp_path / "latin.xlsx", sheet=sheet)) == (
        "text that is not UTF-8"
    )


def test_a_row_longer_than_the_limit_is_refused(tmp_path: Path, monkeypatch):
    """Rows as writers write them are read a stretch of at most a few MB at a time; a row the
    pattern does not read (a comment in it here) is read by the events up to the limit."""
    monkeypatch.setattr(xlsxparts, "MAX_ROW_CHARS", 10_000)
    cells = "".join(f'<c t="inlineStr"><is><t>{"x" * 100}</t></is></c>' for _ in range(200))
    reason = stream_refusal(workbook(tmp_path / "long.xlsx", f"<row><!-- -->{cells}</row>"))
    assert reason.startswith("a row of more than")


def test_shared_strings_too_large_for_the_worker_are_refused(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(xlsxparts, "MAX_SHARED_STRINGS_BYTES", 1_000)
    path = workbook(tmp_path / "sst.xlsx", "", strings="<si><t>x</t></si>" * 200)
    with zipfile.ZipFile(path) as archive, pytest.raises(DamagedSheet, match="shared strings"):
        SheetRows(archive, SHEET)
