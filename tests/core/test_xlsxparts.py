"""Measuring a workbook's sheets from their XML (core/xlsxparts.py): the rectangle a
spreadsheet library would hold, found before one opens the file."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from core import xlsxparts
from core.xlsxparts import Extent, cells_beyond, parse_dimension, parse_ref

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook(tmp_path: Path, sheet_data: str, *, before: str = "", root: str = "") -> Path:
    """A workbook whose first sheet holds ``sheet_data`` (the XML inside <sheetData>)."""
    base = io.BytesIO()
    openpyxl.Workbook().save(base)
    path = tmp_path / "book.xlsx"
    with (
        zipfile.ZipFile(base) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, source.read(info.filename))
        sheet = root or f'<worksheet xmlns="{NS}">{before}<sheetData>{{}}</sheetData></worksheet>'
        target.writestr("xl/worksheets/sheet1.xml", sheet.replace("{}", sheet_data))
    return path


def extent(path: Path, max_cells: int = 0) -> Extent | None:
    with zipfile.ZipFile(path) as archive:
        return cells_beyond(archive, "xl/worksheets/sheet1.xml", max_cells=max_cells)


def calamine_rectangle(path: Path) -> Extent | None:
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    if sheet.start is None or sheet.end is None:
        return None
    (top, left), (bottom, right) = sheet.start, sheet.end
    return Extent((top + 1, left + 1), (bottom + 1, right + 1))


def cell(ref: str | None, text: str = "x", attributes: str = "") -> str:
    where = f' r="{ref}"' if ref else ""
    return f'<c{where}{attributes} t="inlineStr"><is><t>{text}</t></is></c>'


def test_references_and_dimensions_are_read_within_excels_limits():
    assert parse_ref("A1") == (1, 1) and parse_ref("xfd1048576") == (1_048_576, 16_384)
    assert parse_ref("XFE1") is None and parse_ref("A1048577") is None and parse_ref("A0") is None
    assert parse_ref("$A$1") is None and parse_ref("A") is None
    whole = parse_dimension("A1:XFD1048576")
    assert whole is not None and whole.cells == 16_384 * 1_048_576
    assert parse_dimension("B3") == Extent((3, 2), (3, 2))
    assert parse_dimension("C5:A1") == Extent((1, 1), (5, 3))
    assert parse_dimension("A1:B2:C3") is None


# Every way of writing a cell places it where calamine does (checked against calamine itself, on
# sheets small enough for it to hold): the measured rectangle is calamine's, or holds it.
SHEETS = {
    "as Excel writes it": '<row r="1">'
    + cell("A1")
    + cell("C1")
    + '</row><row r="4">'
    + cell("B4")
    + "</row>",
    "empty styled cells do not count": '<row r="1">' + cell("B1") + '<c r="Z90" s="1"/></row>',
    "cells without references": '<row r="3"><c/>'
    + cell(None)
    + cell(None)
    + "</row><row>"
    + cell(None)
    + "</row>",
    "rows without references": "<row>" + cell(None) + "</row><row/><row>" + cell(None) + "</row>",
    "a reference then counting": '<row r="2">' + cell("D2") + cell(None) + cell(None) + "</row>",
    "a prefixed cell": f'<row r="1"><x:c xmlns:x="{NS}" r="H9" t="inlineStr">'
    '<x:is><x:t>y</x:t></x:is></x:c></row><row r="2">' + cell("A2") + "</row>",
    "attributes split by tabs and newlines": '<row r="1"><c\tr="F7"\nt="inlineStr">'
    "<is><t>x</t></is></c>" + cell("A1") + "</row>",
    "r not the first attribute": '<row r="1"><c t="inlineStr" r="K3"><is><t>x</t></is></c></row>',
    "a value holding >": '<row r="1"><c s="0" r="J2" t="inlineStr"><is><t>a&gt;b</t></is></c>'
    + cell("A1", "1 > 0")
    + "</row>",
    "lower-case references": '<row r="1">' + cell("b2") + cell("e5") + "</row>",
}


@pytest.mark.parametrize("name", sorted(SHEETS))
def test_the_rectangle_measured_is_calamines(tmp_path: Path, name: str):
    path = workbook(tmp_path, SHEETS[name])
    measured, held = extent(path), calamine_rectangle(path)
    assert held is not None and measured is not None
    assert measured.first <= held.first and measured.last >= held.last, (measured, held)
    assert measured == held


def test_a_sheet_within_the_limit_is_let_through(tmp_path: Path):
    path = workbook(tmp_path, '<row r="1">' + cell("A1") + cell("L1") + "</row>")
    assert extent(path, max_cells=12) is None
    assert extent(path, max_cells=11) == Extent((1, 1), (1, 12))


def test_a_cell_far_away_is_measured_without_reading_the_sheet_into_memory(tmp_path: Path):
    far = '<row r="1">' + cell("A1") + '</row><row r="1048576">' + cell("XFD1048576") + "</row>"
    found = extent(workbook(tmp_path, far), max_cells=50_000_000)
    assert found == Extent((1, 1), (1_048_576, 16_384))
    assert found.ref == "A1:XFD1048576" and found.cells == 17_179_869_184


@pytest.mark.parametrize(
    "far",
    [
        '<c r="A1" r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>',  # calamine takes the last
        '<c r="XFD1048576" t="inlineStr" r="A1"><is><t>x</t></is></c>',
        f'<x:c xmlns:x="{NS}" r="XFD1048576"><x:v>1</x:v></x:c>',
        '<c\tr="XFD1048576"><v>1</v></c>',
        '<c s="a>b" r="XFD1048576"><v>1</v></c>',
        "<c r=\"XFD1048576\" s='1'><v>1</v></c>",
        '<!-- <c r="XFD1048576"><v>1</v></c> -->',  # counted, though no reader takes it
    ],
    ids=["r-twice", "r-last", "prefixed", "tab", "quoted->", "single-quoted", "in-a-comment"],
)
def test_a_far_cell_written_any_way_is_not_missed(tmp_path: Path, far: str):
    path = workbook(tmp_path, '<row r="1">' + cell("A1") + far + "</row>")
    try:
        found = extent(path, max_cells=50_000_000)
    except xlsxparts.DamagedSheet:
        return  # refused as unreadable: also never read
    assert found is not None and found.cells > 50_000_000


def test_a_row_counted_past_excels_last_is_damaged(tmp_path: Path):
    sheet = '<row r="1048576">' + cell(None) + "</row><row>" + cell(None) + "</row>"
    with pytest.raises(xlsxparts.DamagedSheet, match="beyond Excel's last row"):
        extent(workbook(tmp_path, sheet))


@pytest.mark.parametrize("ref", ["A99999999999", "A0", "ZZZZ1", " B2"])
def test_a_reference_that_is_no_cell_is_damaged(tmp_path: Path, ref: str):
    with pytest.raises(xlsxparts.DamagedSheet):
        extent(workbook(tmp_path, f'<row r="1">{cell("A1")}{cell(ref)}</row>'))


@pytest.mark.parametrize("number", ["9" * 5000, "0" * 5000 + "1", "\u0661"])
def test_a_row_number_that_is_no_row_is_damaged(tmp_path: Path, number: str):
    # 5,000 digits are more than int() reads (a ValueError escaped before); U+0661 is a digit too
    sheet = f'<row r="{number}">{cell(None)}</row>'
    with pytest.raises(xlsxparts.DamagedSheet, match="a row numbered"):
        extent(workbook(tmp_path, sheet))


def test_xml_with_a_dtd_is_not_read(tmp_path: Path):
    dtd = '<!DOCTYPE x [<!ENTITY a "aaaa">]>'
    sheet = f'{dtd}<worksheet xmlns="{NS}"><sheetData>{{}}</sheetData></worksheet>'
    path = workbook(tmp_path, "<row>" + cell(None, "&a;") + "</row>", root=sheet)
    with pytest.raises(xlsxparts.DamagedSheet):
        extent(path)


def test_the_head_of_a_sheet_gives_its_dimension_and_first_rows(tmp_path: Path):
    book = openpyxl.Workbook()
    book.active.append(["LAST_NAME", 1234567, True, None, "FIRST"])
    book.active.append(["DOE", 2.5])
    path = tmp_path / "head.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        part = xlsxparts.first_sheet_part(archive, budget=1_000_000)
        assert part == "xl/worksheets/sheet1.xml"
        with xlsxparts.SheetHead(archive, part, budget=1_000_000) as head:
            assert head.dimension() == "A1:E2"
            rows = list(head.rows())
    assert rows == [["LAST_NAME", "1234567", "TRUE", "", "FIRST"], ["DOE", "2.5"]]


def test_the_first_sheet_is_found_as_calamine_finds_it(tmp_path: Path):
    """Through the workbook's list of sheets and its relationships, not by the part's name."""
    book = openpyxl.Workbook()
    book.active.append(["in sheet1.xml"])
    book.create_sheet("other").append(["in sheet2.xml"])
    written = io.BytesIO()
    book.save(written)
    path = tmp_path / "swapped.xlsx"
    with (
        zipfile.ZipFile(written) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"sheet1.xml", b"TMP").replace(b"sheet2.xml", b"sheet1.xml")
                data = data.replace(b"TMP", b"sheet2.xml")
            target.writestr(info.filename, data)
    first_rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert first_rows == [["in sheet2.xml"]]
    with zipfile.ZipFile(path) as archive:
        assert xlsxparts.first_sheet_part(archive, budget=1_000_000) == "xl/worksheets/sheet2.xml"


def test_the_head_stops_at_its_budget(tmp_path: Path):
    rows = "".join(f'<row r="{n}">{cell(f"A{n}", " ")}</row>' for n in range(1, 5000))
    path = workbook(tmp_path, rows)
    with (
        zipfile.ZipFile(path) as archive,
        xlsxparts.SheetHead(archive, "xl/worksheets/sheet1.xml", budget=10_000) as head,
        pytest.raises(xlsxparts.Undecided),
    ):
        list(head.rows())
