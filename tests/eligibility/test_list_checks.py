"""What an upload is checked for before it is stored (``check_list``: the beginning of the file
only, no spreadsheet library), and the sizes the worker's reader (``open_list``) measures first."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from eligibility.listfiles import ListRefused, check_list, open_list

HEADER = "LAST_NAME,FIRST_NAME,DATE_OF_BIRTH,COURT_CASE_NUMBER,STATUTE,DISPOSITION,DISPOSITION_DATE"
ROW = "SMITH,ANA,1970-01-01,95C1,720-550/4(b),GUILTY,1995-03-02"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def saved(tmp_path: Path, rows: list[list[object]], name: str = "list.xlsx") -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def rewritten(path: Path, changes: dict[str, bytes], **options: int) -> Path:
    """The workbook at ``path`` with some parts replaced or added (written with ``options`` to
    ``ZipFile.writestr``)."""
    out = path.with_name("rewritten.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = source.namelist()
        for name in names:
            dst.writestr(name, changes.get(name, source.read(name)), **options)
        for name, data in changes.items():
            if name not in names:
                dst.writestr(name, data, **options)
    return out


def sheet(rows: str, dimension: str | None = None) -> bytes:
    claimed = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<worksheet xmlns="{NS}">{claimed}<sheetData>{rows}</sheetData></worksheet>'.encode()


def inline_rows(*rows: str) -> str:
    text = ""
    for number, row in enumerate(rows, start=1):
        cells = "".join(
            f'<c r="{chr(65 + column)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
            for column, value in enumerate(row.split(","))
        )
        text += f'<row r="{number}">{cells}</row>'
    return text


def refused(check, path: Path, **limits: int) -> str:
    with pytest.raises(ListRefused) as caught:
        result = check(path, **limits)
        if check is open_list:
            with result as listfile:
                list(listfile)
    return caught.value.message


@pytest.mark.parametrize("check", [check_list, open_list])
def test_a_sheet_declaring_more_cells_than_a_list_may_span_is_refused(tmp_path: Path, check):
    base = saved(tmp_path, [HEADER.split(","), ROW.split(",")])
    path = rewritten(
        base, {"xl/worksheets/sheet1.xml": sheet(inline_rows(HEADER, ROW), "A1:XFD1048576")}
    )
    message = refused(check, path)
    assert "declares that its cells span A1:XFD1048576" in message
    assert "16,384 columns by 1,048,576 rows, 17,179,869,184 cells" in message
    assert "more than the 50,000,000 cells" in message and "Delete the rows under" in message


def test_the_reader_refuses_cells_spanning_more_than_its_limit(tmp_path: Path):
    base = saved(tmp_path, [HEADER.split(","), ROW.split(",")])
    path = rewritten(base, {"xl/worksheets/sheet1.xml": sheet(inline_rows(HEADER, ROW))})
    with open_list(path, max_cells=14) as listfile:
        assert len(list(listfile)) == 1
    message = refused(open_list, path, max_cells=13)
    assert "as far apart as A1 and G2" in message and "7 columns by 2 rows, 14 cells" in message


def test_the_upload_check_reads_only_the_beginning_of_a_sheet(tmp_path: Path):
    base = saved(tmp_path, [HEADER.split(","), ROW.split(",")])
    broken = sheet(inline_rows(HEADER, ROW)).replace(b"</sheetData>", b'<row r="3"><c r="A3"')
    path = rewritten(base, {"xl/worksheets/sheet1.xml": broken})
    assert check_list(path) == "xlsx", "the header and a row were found: the rest is for the worker"
    assert "could not be read" in refused(open_list, path)


def shared_strings_workbook(tmp_path: Path, rows: list[list[str]]) -> Path:
    """A workbook as Excel writes one: every text in the shared strings, the first one as rich
    text in two runs, with a phonetic reading (not part of the text)."""
    strings: list[str] = []
    cells = ""
    for number, row in enumerate(rows, start=1):
        cells += f'<row r="{number}">'
        for column, value in enumerate(row):
            if value not in strings:
                strings.append(value)
            ref = f"{chr(65 + column)}{number}"
            cells += f'<c r="{ref}" s="0" t="s"><v>{strings.index(value)}</v></c>'
        cells += "</row>"
    first, *rest = strings
    items = [
        f"<si><r><t>{first[:3]}</t></r><r><rPr><b/></rPr><t>{first[3:]}</t></r>"
        '<rPh sb="0" eb="1"><t>PHONETIC</t></rPh></si>'
    ] + [f"<si><t>{text}</t></si>" for text in rest]
    sst = f'<sst xmlns="{NS}" count="{len(strings)}">{"".join(items)}</sst>'
    base = saved(tmp_path, [["x"]])
    return rewritten(
        base,
        {"xl/worksheets/sheet1.xml": sheet(cells, "A1:G2"), "xl/sharedStrings.xml": sst.encode()},
    )


def test_the_upload_check_reads_a_header_of_shared_strings_as_the_reader_does(tmp_path: Path):
    header = HEADER.replace(",STATUTE", "").split(",")
    path = shared_strings_workbook(tmp_path, [header, ROW.split(",")[:-1]])
    message = refused(check_list, path)
    assert "no STATUTE column" in message
    assert "Headers found: LAST_NAME, FIRST_NAME, DATE_OF_BIRTH" in message
    assert message == refused(open_list, path), "the same header as calamine reads"
    good = shared_strings_workbook(tmp_path, [HEADER.split(","), ROW.split(",")])
    assert check_list(good) == "xlsx"
    with open_list(good) as listfile:
        assert [row.record.statute for row in listfile] == ["720-550/4(b)"]


@pytest.mark.parametrize(
    "content",
    [f"{HEADER}\n", f"{HEADER}\n,,,,\n\n   ,\n", [HEADER.split(",")], [HEADER.split(","), [" "]]],
    ids=["csv", "csv-blank-rows", "xlsx", "xlsx-blank-rows"],
)
def test_the_upload_check_refuses_a_header_without_rows(tmp_path: Path, content):
    if isinstance(content, str):
        path = tmp_path / "list.csv"
        path.write_text(content)
    else:
        path = saved(tmp_path, content)
    assert "no rows of data" in refused(check_list, path)
    with open_list(path) as listfile:
        assert list(listfile) == [], "the reader itself reads what is there"


def test_a_file_whose_rows_start_further_than_the_upload_looks_is_left_to_the_worker(
    tmp_path: Path,
):
    path = tmp_path / "list.csv"
    path.write_text("\n" * 2000 + f"{HEADER}\n{ROW}\n")
    assert check_list(path) == "csv"
    with open_list(path) as listfile:
        assert len(list(listfile)) == 1


def test_two_parts_of_the_same_name_in_any_letter_case_are_refused(tmp_path: Path):
    base = saved(tmp_path, [HEADER.split(","), ROW.split(",")])
    path = base.with_name("twins.xlsx")
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr("XL/Worksheets/Sheet1.xml", sheet(inline_rows("A,B")))
    assert "same name" in refused(check_list, path)


def test_a_part_compressed_in_a_way_excel_never_uses_is_refused(tmp_path: Path):
    base = saved(tmp_path, [HEADER.split(","), ROW.split(",")])
    path = rewritten(base, {}, compress_type=zipfile.ZIP_BZIP2)
    assert "compressed in a way Excel never uses" in refused(check_list, path)


def test_a_part_smaller_than_its_compressed_data_is_refused_unread(tmp_path: Path):
    rows = [ROW.replace("95C1", f"95C{n}").split(",") for n in range(2000)]
    base = saved(tmp_path, [HEADER.split(","), *rows])
    data = bytearray(base.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    central = data.find(b"PK\x01\x02")
    while central != -1:
        length = int.from_bytes(data[central + 28 : central + 30], "little")
        if data[central + 46 : central + 46 + length] == info.filename.encode():
            data[central + 24 : central + 28] = (10).to_bytes(4, "little")  # declared size
        central = data.find(b"PK\x01\x02", central + 46)
    path = tmp_path / "liar.xlsx"
    path.write_bytes(bytes(data))
    assert "do not expand to the sizes it declares" in refused(check_list, path)
