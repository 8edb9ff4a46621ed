"""A workbook's rows are read as a stream (core.xlsxparts.SheetRows): what is found wrong only
when reading reaches it ends the list with ``ListRefused``, as an oversize CSV cell does."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from eligibility import listfiles
from eligibility.listfiles import ListRefused, open_list

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = "LAST_NAME,FIRST_NAME,DATE_OF_BIRTH,COURT_CASE_NUMBER,STATUTE,DISPOSITION,DISPOSITION_DATE"
ROW = "SMITH,ANA,1970-01-01,95C1,720-550/4(b),GUILTY,1995-03-02"


def sheet_rows(numbers: list[int]) -> str:
    text = ""
    for number in numbers:
        cells = (HEADER if number == 1 else ROW).split(",")
        text += f'<row r="{number}">'
        for column, value in enumerate(cells):
            ref = f"{chr(65 + column)}{number}"
            text += f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
        text += "</row>"
    return f'<worksheet xmlns="{NS}"><sheetData>{text}</sheetData></worksheet>'


def workbook(path: Path, sheet: str, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    base = io.BytesIO()
    openpyxl.Workbook().save(base)
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w", compression) as target:
        for name in source.namelist():
            data = sheet.encode() if name == "xl/worksheets/sheet1.xml" else source.read(name)
            target.writestr(name, data)
    return path


def read_all(path: Path) -> int:
    with open_list(path) as listfile:
        return sum(1 for _row in listfile)


def test_a_workbook_is_read_row_by_row(tmp_path: Path):
    assert read_all(workbook(tmp_path / "list.xlsx", sheet_rows(list(range(1, 2001))))) == 1999


def test_rows_out_of_order_are_refused_when_reading_reaches_them(tmp_path: Path):
    path = workbook(tmp_path / "order.xlsx", sheet_rows([1, *range(2, 3000), 5]))

    with pytest.raises(ListRefused) as refused:
        read_all(path)

    assert refused.value.message.startswith(
        "The Excel workbook could not be read (rows out of order: row 5 comes after row 2,999)."
    )


def test_a_part_found_damaged_while_its_rows_are_read_is_refused(tmp_path: Path, monkeypatch):
    """A byte changed in a stored part: its checksum fails at its end, after rows were given."""
    path = workbook(tmp_path / "list.xlsx", sheet_rows(list(range(1, 3000))), zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    at = data.rfind(b"SMITH")
    data[at] = ord("X")
    path.write_bytes(bytes(data))
    monkeypatch.setattr(listfiles, "_check_cells", lambda *_args: None)  # it reads the part too

    with pytest.raises(ListRefused, match="a part of it is damaged"):
        read_all(path)
