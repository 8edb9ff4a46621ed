"""Reading ISP list files (spec/isp-list-format.md): eligibility/listfiles.py."""

from __future__ import annotations

import gc
import hashlib
import io
import json
import warnings
import zipfile
from datetime import date, datetime
from functools import partial
from pathlib import Path

import pytest
from openpyxl import Workbook

from eligibility.listfiles import (
    CANONICAL_HEADERS,
    COLUMN_ALIASES,
    EXTRA_FIELDS,
    REQUIRED_FIELDS,
    ListRefused,
    ListRow,
    cells_of,
    file_sha256,
    open_list,
    unreadable_fields,
)
from eligibility.rules.records import Record

EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "examples"
REQUIRED_HEADER = (
    "LAST_NAME,FIRST_NAME,DATE_OF_BIRTH,COURT_CASE_NUMBER,STATUTE,DISPOSITION,DISPOSITION_DATE"
)
A_ROW = "SMITH,ANA,1970-01-01,95C1,720-550/4(b),GUILTY,1995-03-02"


def write(tmp_path: Path, content: str | bytes, name: str = "list.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def read(path: Path) -> tuple[list[ListRow], int]:
    with open_list(path) as listfile:
        rows = list(listfile)
        return rows, listfile.blank_rows


def refusal(path: Path) -> str:
    with pytest.raises(ListRefused) as caught:
        read(path)
    return caught.value.message


def workbook(tmp_path: Path, rows: list[list[object]], name: str = "list.xlsx") -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


# The header -------------------------------------------------------------------------------------


def test_it_reads_the_canonical_header_into_records_extras_and_raw_cells(tmp_path: Path) -> None:
    header = ",".join(CANONICAL_HEADERS.values())
    values = [f"v-{field}" for field in CANONICAL_HEADERS]
    path = write(tmp_path, f"{header}\r\n{','.join(values)}\r\n")

    (row,), blank = read(path)

    assert blank == 0
    assert row.number == 1
    assert row.record.row == 1
    for field in CANONICAL_HEADERS:
        if field in EXTRA_FIELDS:
            assert row.extra[field] == f"v-{field}"
        else:
            assert getattr(row.record, field) == f"v-{field}"
    assert set(row.extra) == set(EXTRA_FIELDS)
    assert row.raw == dict(zip(CANONICAL_HEADERS.values(), values, strict=True))
    assert row.other == {}


@pytest.mark.parametrize(
    ("field", "alias"),
    [(field, alias) for field, aliases in COLUMN_ALIASES.items() for alias in aliases],
)
def test_it_accepts_every_header_alias_of_the_spec(tmp_path: Path, field: str, alias: str) -> None:
    headers = [CANONICAL_HEADERS[name] for name in REQUIRED_FIELDS if name != field] + [alias]
    values = [f"v{n}" for n in range(len(headers))]
    path = write(tmp_path, f"{','.join(headers)}\n{','.join(values)}\n")

    (row,), _ = read(path)

    value = row.extra[field] if field in EXTRA_FIELDS else getattr(row.record, field)
    assert value == values[-1]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("d.o.b.", "date_of_birth"),
        ("Case No.", "court_case_number"),
        ("Court Case No. #", "court_case_number"),
        ("#SID", "sid"),
        ("Last-Name", "last_name"),
        ("  last _ name  ", "last_name"),
        ("State ID Number", "sid"),
        ("Disp. Date", "disposition_date"),
        ("zip-code", "zip"),
    ],
)
def test_it_matches_headers_ignoring_case_spaces_and_punctuation(
    tmp_path: Path, header: str, field: str
) -> None:
    headers = [CANONICAL_HEADERS[name] for name in REQUIRED_FIELDS if name != field] + [header]
    values = ["x"] * (len(headers) - 1) + ["THE VALUE"]
    path = write(tmp_path, f"{','.join(headers)}\n{','.join(values)}\n")

    with open_list(path) as listfile:
        (row,) = list(listfile)
        assert listfile.columns[field] == header.strip()
    value = row.extra[field] if field in EXTRA_FIELDS else getattr(row.record, field)
    assert value == "THE VALUE"


def test_column_order_does_not_matter(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "DISPOSITION_DATE,STATUTE,DISPOSITION,COURT_CASE_NUMBER,DATE_OF_BIRTH,FIRST_NAME,LAST_NAME\n"
        "1995-03-02,720-550/4(b),GUILTY,95C1,1970-01-01,ANA,SMITH\n",
    )

    (row,), _ = read(path)

    assert row.record == Record(
        row=1,
        last_name="SMITH",
        first_name="ANA",
        date_of_birth="1970-01-01",
        court_case_number="95C1",
        statute="720-550/4(b)",
        disposition="GUILTY",
        disposition_date="1995-03-02",
    )


def test_a_file_with_a_byte_order_mark_reads_like_one_without(tmp_path: Path) -> None:
    text = f"{REQUIRED_HEADER}\r\n{A_ROW}\r\n"
    with_bom = write(tmp_path, b"\xef\xbb\xbf" + text.encode(), "bom.csv")
    without = write(tmp_path, text, "plain.csv")

    assert read(with_bom)[0] == read(without)[0]
    assert read(with_bom)[0][0].record.last_name == "SMITH"


def test_blank_lines_before_the_header_are_not_rows(tmp_path: Path) -> None:
    path = write(tmp_path, f"\n , ,\n{REQUIRED_HEADER}\n{A_ROW}\n")

    (row,), blank = read(path)

    assert row.number == 1
    assert blank == 0


def test_the_listfile_tells_which_header_holds_each_field(tmp_path: Path) -> None:
    path = write(tmp_path, "Surname,Given Name,D.O.B.,Case No.,Charge Statute,Disp,Disp Date\n")

    with open_list(path) as listfile:
        assert listfile.kind == "csv"
        assert listfile.columns["date_of_birth"] == "D.O.B."
        assert listfile.headers == (
            "Surname",
            "Given Name",
            "D.O.B.",
            "Case No.",
            "Charge Statute",
            "Disp",
            "Disp Date",
        )
        assert list(listfile) == []


# Rows -------------------------------------------------------------------------------------------


def test_blank_rows_are_skipped_and_counted_and_row_numbers_count_them(tmp_path: Path) -> None:
    path = write(tmp_path, f"{REQUIRED_HEADER}\n{A_ROW}\n,,,,,,\n\n  ,\t, \n{A_ROW}\n")

    rows, blank = read(path)

    assert [row.number for row in rows] == [1, 5]
    assert [row.record.row for row in rows] == [1, 5]
    assert blank == 3


def test_cells_are_trimmed_and_a_cell_of_spaces_is_empty(tmp_path: Path) -> None:
    path = write(
        tmp_path, f"{REQUIRED_HEADER},SEX\n  SMITH ,ANA,   ,95C1,x,GUILTY,\t1995-03-02 ,  \n"
    )

    (row,), _ = read(path)

    assert row.record.last_name == "SMITH"
    assert row.record.date_of_birth == ""
    assert row.record.disposition_date == "1995-03-02"
    assert row.extra["sex"] == ""
    assert row.raw["LAST_NAME"] == "  SMITH "  # raw cells are as read


def test_unknown_columns_are_kept_as_other_data(tmp_path: Path) -> None:
    path = write(tmp_path, f"NOTES,{REQUIRED_HEADER},,Notes\nsee file,{A_ROW},x,again\n")

    with open_list(path) as listfile:
        (row,) = list(listfile)
        assert listfile.other_columns == ("NOTES", "Column 9", "Notes")
    assert row.other == {"NOTES": "see file", "Column 9": "x", "Notes": "again"}
    assert row.raw["NOTES"] == "see file"
    assert row.record.last_name == "SMITH"


def test_the_same_unknown_header_twice_keeps_both_cells(tmp_path: Path) -> None:
    path = write(tmp_path, f"{REQUIRED_HEADER},NOTE,NOTE\n{A_ROW},one,two\n")

    (row,), _ = read(path)

    assert row.other == {"NOTE": "one", "NOTE (2)": "two"}


def test_a_row_with_more_cells_than_headers_keeps_the_extra_cells(tmp_path: Path) -> None:
    path = write(tmp_path, f"{REQUIRED_HEADER}\n{A_ROW},extra one,,extra three\n")

    (row,), _ = read(path)

    assert row.other == {"Column 8": "extra one", "Column 10": "extra three"}
    assert row.raw["Column 10"] == "extra three"


def field_of(row: ListRow, name: str) -> str:
    return row.extra[name] if name in row.extra else getattr(row.record, name)


def test_a_row_keeps_as_read_only_the_cells_its_fields_and_other_data_do_not_hold(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        f"SID,{REQUIRED_HEADER},NOTE,SEX\n"
        f"1234567.0,  SMITH ,ANA,1970-01-01,95C1,720-550/4(b),GUILTY,1995-03-02,   ,M,past,,end\n"
        f"1234567,SMITH,ANA,1970-01-01,95C1,720-550/4(b),GUILTY,1995-03-02,x,M\n"
        f"1234567,SMITH,ANA,1970-01-01,95C1,720-550/4(b),GUILTY,1995-03-02,x,M,over\n",
    )

    with open_list(path) as listfile:
        first, second, third = list(listfile)
        columns = listfile.column_fields

    assert first.as_read == {
        "SID": "1234567.0",
        "LAST_NAME": "  SMITH ",
        "NOTE": "   ",
        "Column 11": "past",
        "Column 13": "end",
    }
    assert second.as_read == {}
    assert third.as_read == {"Column 11": "over"}
    assert columns[0] == ["SID", "sid"] and columns[-2:] == [["NOTE", None], ["SEX", "sex"]]
    for row in (first, second, third):
        cells = cells_of(columns, row.as_read, partial(field_of, row), row.other)
        assert list(cells.items()) == list(row.raw.items())


def test_a_row_of_only_extra_cells_is_not_blank(tmp_path: Path) -> None:
    path = write(tmp_path, f"{REQUIRED_HEADER}\n,,,,,,,lost cell\n")

    (row,), blank = read(path)

    assert blank == 0
    assert row.other == {"Column 8": "lost cell"}


def test_a_row_with_fewer_cells_than_headers_reads_the_rest_as_empty(tmp_path: Path) -> None:
    path = write(tmp_path, f"{REQUIRED_HEADER},SENTENCE\nSMITH,ANA\n")

    (row,), _ = read(path)

    assert row.record.last_name == "SMITH"
    assert row.record.sentence == ""
    assert row.raw["SENTENCE"] == ""


def test_quoted_cells_follow_rfc_4180(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"{REQUIRED_HEADER},SENTENCE\r\n"
        '"SMITH, JR",ANA,1970-01-01,95C1,"720 ILCS 550/4(c)",GUILTY,1995-03-02,'
        '"FINE $1,000; said ""paid""\r\nin full"\r\n',
    )

    (row,), _ = read(path)

    assert row.record.last_name == "SMITH, JR"
    assert row.record.sentence == 'FINE $1,000; said "paid"\r\nin full'


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_any_line_ending_is_read(tmp_path: Path, newline: str) -> None:
    path = write(tmp_path, newline.join([REQUIRED_HEADER, A_ROW, "", A_ROW]) + newline)

    rows, blank = read(path)

    assert [row.number for row in rows] == [1, 3]
    assert blank == 1


def test_raw_cells_are_json_serialisable(tmp_path: Path) -> None:
    path = EXAMPLES / "sample-alias-500.xlsx"

    rows, _ = read(path)

    json.dumps([row.raw for row in rows])
    json.dumps([row.extra for row in rows])


def test_nul_bytes_in_a_csv_file_are_dropped(tmp_path: Path) -> None:
    path = write(tmp_path, f"{REQUIRED_HEADER}\nSM\x00ITH,ANA,1970-01-01,95C1,x,GUILTY,\x00\n")

    (row,), _ = read(path)

    assert row.record.last_name == "SMITH"
    assert row.raw["DISPOSITION_DATE"] == ""


def test_a_very_long_cell_is_read(tmp_path: Path) -> None:
    long_text = "X" * 500_000
    path = write(tmp_path, f"{REQUIRED_HEADER},NOTES\n{A_ROW},{long_text}\n")

    (row,), _ = read(path)

    assert row.other["NOTES"] == long_text


def test_an_unclosed_quote_that_swallows_the_file_refuses_it(tmp_path: Path) -> None:
    body = "\n".join([A_ROW] * 40_000)
    path = write(tmp_path, f'{REQUIRED_HEADER}\n"SMITH,ANA\n{body}\n')

    message = refusal(path)

    assert "quote" in message


def test_a_huge_number_of_columns_does_not_crash(tmp_path: Path) -> None:
    extra_headers = ",".join(f"C{n}" for n in range(20_000))
    extra_cells = ",".join("v" for _ in range(20_000))
    path = write(tmp_path, f"{REQUIRED_HEADER},{extra_headers}\n{A_ROW},{extra_cells}\n")

    (row,), _ = read(path)

    assert len(row.other) == 20_000


def test_a_header_only_file_has_no_rows(tmp_path: Path) -> None:
    path = write(tmp_path, f"{REQUIRED_HEADER}\n")

    assert read(path) == ([], 0)


def test_a_listfile_closes_its_file(tmp_path: Path) -> None:
    path = write(tmp_path, f"{REQUIRED_HEADER}\n{A_ROW}\n")

    with open_list(path) as listfile:
        handle = listfile._closers[0]
    assert handle.closed


def test_a_listfile_can_be_iterated_only_once(tmp_path: Path) -> None:
    path = write(tmp_path, f"{REQUIRED_HEADER}\n{A_ROW}\n")

    with open_list(path) as listfile:
        list(listfile)
        with pytest.raises(RuntimeError):
            iter(listfile)


# Workbooks --------------------------------------------------------------------------------------


def test_a_workbook_is_read_by_its_content_whatever_its_name(tmp_path: Path) -> None:
    path = workbook(tmp_path, [REQUIRED_HEADER.split(","), A_ROW.split(",")], name="list.csv")

    with open_list(path) as listfile:
        (row,) = list(listfile)
        assert listfile.kind == "xlsx"
    assert row.record.last_name == "SMITH"
    assert row.record.disposition_date == "1995-03-02"


def test_excel_date_cells_become_iso_date_text(tmp_path: Path) -> None:
    header = [*REQUIRED_HEADER.split(","), "ARREST_DATE", "ENTERED"]
    cells: list[object] = ["SMITH", "ANA", date(1970, 1, 2), "95C1", "x", "GUILTY"]
    cells += [datetime(1995, 3, 2, 0, 0), datetime(1994, 12, 1, 13, 45), datetime(2020, 1, 2, 3, 4)]
    path = workbook(tmp_path, [header, cells])

    (row,), _ = read(path)

    assert row.record.date_of_birth == "1970-01-02"
    assert row.record.disposition_date == "1995-03-02"
    assert row.record.arrest_date == "1994-12-01"  # a date field keeps the date of a date-time
    assert row.other["ENTERED"] == "2020-01-02 03:04:00"


def test_numbers_excel_stored_for_text_fields_become_integer_text(tmp_path: Path) -> None:
    header = [*REQUIRED_HEADER.split(","), "SID", "ZIP", "DCN", "OFFENSE_DESCRIPTION", "FLAG"]
    cells: list[object] = ["SMITH", "ANA", "1970-01-01", 20151234567, "x", "GUILTY", 20010203]
    cells += [1234567.0, 60616, 10888529, 2.5, True]
    path = workbook(tmp_path, [header, cells])

    (row,), _ = read(path)

    assert row.record.sid == "1234567"
    assert row.record.court_case_number == "20151234567"
    assert row.record.disposition_date == "20010203"
    assert row.record.dcn == "10888529"
    assert row.extra["zip"] == "60616"
    assert row.record.offense_description == "2.5"
    assert row.other["FLAG"] == "TRUE"


def test_a_sid_dcn_or_case_number_of_digits_and_point_zero_reads_as_the_digits(
    tmp_path: Path,
) -> None:
    header = f"{REQUIRED_HEADER},SID,DCN,ZIP,OFFENSE_DESCRIPTION"
    cells = "SMITH,ANA,1970-01-01,20151234567.0,x,GUILTY,2001-02-03"
    cells += ",1234567.0,10888529.0,60616.0,2.0"
    csv_path = write(tmp_path, f"{header}\n{cells}\n")
    xlsx_path = workbook(tmp_path, [header.split(","), cells.split(",")])  # text cells

    for path in (csv_path, xlsx_path):
        (row,), _ = read(path)

        assert row.record.sid == "1234567"
        assert row.record.dcn == "10888529"
        assert row.record.court_case_number == "20151234567"
        assert row.extra["zip"] == "60616.0", "only the SID, DCN and case number"
        assert row.record.offense_description == "2.0"
        assert row.raw["SID"] == "1234567.0", "the cell as received is kept"


@pytest.mark.parametrize("cell", ["A1.0", "12-34.0", "1234567.00", "1.5", ".0"])
def test_other_text_ending_in_point_zero_is_kept(tmp_path: Path, cell: str) -> None:
    header = f"{REQUIRED_HEADER},SID"
    (row,), _ = read(write(tmp_path, f"{header}\n{A_ROW},{cell}\n"))

    assert row.record.sid == cell


def test_only_the_first_worksheet_is_read(tmp_path: Path) -> None:
    book = Workbook()
    first = book.active
    first.append(REQUIRED_HEADER.split(","))
    first.append(A_ROW.split(","))
    second = book.create_sheet("second")
    second.append(REQUIRED_HEADER.split(","))
    second.append(["OTHER", *A_ROW.split(",")[1:]])
    path = tmp_path / "two.xlsx"
    book.save(path)

    rows, _ = read(path)

    assert [row.record.last_name for row in rows] == ["SMITH"]


def test_workbook_blank_rows_are_counted_and_numbered(tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        [[], REQUIRED_HEADER.split(","), A_ROW.split(","), [], ["  ", None], A_ROW.split(",")],
    )

    rows, blank = read(path)

    assert [row.number for row in rows] == [1, 4]
    assert blank == 2


def test_the_alias_example_workbook_reads_500_rows_and_5_blank_rows() -> None:
    with open_list(EXAMPLES / "sample-alias-500.xlsx") as listfile:
        rows = list(listfile)
        assert listfile.columns["sid"] == "State ID Number"
        assert listfile.columns["date_of_birth"] == "D.O.B."
        assert listfile.blank_rows == 5
    assert len(rows) == 500
    assert rows[-1].number == 505


def test_a_workbook_and_a_csv_file_of_the_same_cells_give_the_same_records(tmp_path: Path) -> None:
    lines = [REQUIRED_HEADER, A_ROW, "JONES,BO,01/02/1980,08-CR-1,720-550/5(c),Guilty,13-JAN-06"]
    csv_rows, _ = read(write(tmp_path, "\n".join(lines)))
    xlsx_rows, _ = read(workbook(tmp_path, [line.split(",") for line in lines]))

    assert [row.record for row in csv_rows] == [row.record for row in xlsx_rows]
    assert [row.raw for row in csv_rows] == [row.raw for row in xlsx_rows]


# Refusals ---------------------------------------------------------------------------------------


def test_it_refuses_an_empty_file(tmp_path: Path) -> None:
    assert "empty" in refusal(write(tmp_path, b""))


@pytest.mark.parametrize("content", [b"\xef\xbb\xbf", b"\r\n\r\n", b" , ,\n,,,\n"])
def test_it_refuses_a_file_without_a_header(tmp_path: Path, content: bytes) -> None:
    assert "empty" in refusal(write(tmp_path, content))


def test_it_refuses_an_empty_workbook(tmp_path: Path) -> None:
    assert "empty" in refusal(workbook(tmp_path, []))


def test_it_refuses_a_file_without_a_statute_column(tmp_path: Path) -> None:
    header = REQUIRED_HEADER.replace("STATUTE,", "")
    message = refusal(write(tmp_path, f"{header}\nSMITH,ANA,1970-01-01,95C1,GUILTY,1995-03-02\n"))

    assert message.startswith("The file has no STATUTE column (required).")
    assert "Headers found: LAST_NAME, FIRST_NAME, DATE_OF_BIRTH, COURT_CASE_NUMBER" in message
    assert "STATUTE_CITATION" in message  # the accepted names, to fix the header with


def test_it_names_every_missing_required_column(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, "LAST_NAME,FIRST_NAME,DOB,NOTES\nA,B,C,D\n"))

    for name in ("COURT_CASE_NUMBER", "STATUTE", "DISPOSITION", "DISPOSITION_DATE"):
        assert name in message.split(" column")[0]
    assert "Headers found: LAST_NAME, FIRST_NAME, DOB, NOTES." in message


def test_it_refuses_two_columns_for_the_same_field(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, f"{REQUIRED_HEADER},DOB\n{A_ROW},1970-01-01\n"))

    assert "“DATE_OF_BIRTH” and “DOB” both mean DATE_OF_BIRTH" in message
    assert "Headers found: LAST_NAME," in message


def test_it_refuses_two_columns_for_the_same_optional_field(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, f"SEX,{REQUIRED_HEADER},Gender\nM,{A_ROW},M\n"))

    assert "“SEX” and “Gender” both mean SEX" in message


def test_it_refuses_the_same_column_twice(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, f"{REQUIRED_HEADER},STATUTE\n{A_ROW},x\n"))

    assert "The column “STATUTE” appears 2 times" in message


def test_the_file_is_closed_when_its_header_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "LAST_NAME\nSMITH\n")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        refusal(path)
        gc.collect()

    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


def test_a_headerless_data_file_is_told_to_start_with_its_header(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, f"{A_ROW}\n{A_ROW}\n"))

    assert "The first non-empty row must be the header row." in message


def test_a_tab_separated_file_is_told_to_use_commas(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, REQUIRED_HEADER.replace(",", "\t") + "\n"))

    assert "separated by commas" in message


def test_it_refuses_a_renamed_xls_workbook(tmp_path: Path) -> None:
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)

    message = refusal(write(tmp_path, ole2, "list.xlsx"))

    assert ".xls" in message


def test_it_refuses_a_pdf(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "list.csv"))

    assert "PDF" in message


def test_it_refuses_a_zip_archive_without_a_workbook(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("list.csv", f"{REQUIRED_HEADER}\n{A_ROW}\n")

    message = refusal(write(tmp_path, buffer.getvalue(), "list.xlsx"))

    assert "ZIP archive" in message


def test_it_refuses_an_opendocument_spreadsheet(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")

    assert ".ods" in refusal(write(tmp_path, buffer.getvalue(), "list.xlsx"))


def test_it_refuses_a_damaged_workbook(tmp_path: Path) -> None:
    good = workbook(tmp_path, [REQUIRED_HEADER.split(","), A_ROW.split(",")]).read_bytes()

    message = refusal(write(tmp_path, good[: len(good) // 2], "broken.xlsx"))

    assert "damaged" in message or "could not be read" in message


def test_it_refuses_a_workbook_that_expands_beyond_the_limit(tmp_path: Path) -> None:
    path = workbook(tmp_path, [REQUIRED_HEADER.split(","), A_ROW.split(",")])

    with pytest.raises(ListRefused, match="expands to"):
        open_list(path, max_expanded_bytes=1000)


def test_it_refuses_a_workbook_with_a_workbook_part_that_is_not_excel(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "not xml at all")

    message = refusal(write(tmp_path, buffer.getvalue(), "fake.xlsx"))

    assert "could not be read" in message


def test_it_refuses_text_that_is_not_utf8(tmp_path: Path) -> None:
    text = f"{REQUIRED_HEADER}\n{A_ROW}\nPE\xd1A,JOS\xc9,1970-01-01,1,x,GUILTY,1995-03-02\n"

    message = refusal(write(tmp_path, text.encode("cp1252")))

    assert "UTF-8" in message
    assert "line 3" in message


def test_it_refuses_a_utf16_text_file(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, f"{REQUIRED_HEADER}\n{A_ROW}\n".encode("utf-16")))

    assert "UTF-16" in message


def test_it_refuses_binary_garbage(tmp_path: Path) -> None:
    garbage = bytes(range(32)) * 64

    message = refusal(write(tmp_path, garbage, "list.csv"))

    assert "neither a CSV text file nor an Excel workbook" in message


# Helpers ----------------------------------------------------------------------------------------


def test_unreadable_fields_lists_the_date_fields_read_date_cannot_read() -> None:
    record = Record(
        row=1,
        date_of_birth="1975-02-30",
        arrest_date="",
        offense_date="13-JAN-06",
        disposition_date="N/A",
    )

    assert unreadable_fields(record) == ("date_of_birth", "disposition_date")


def test_file_sha256_is_the_sha256_of_the_bytes(tmp_path: Path) -> None:
    content = b"x" * 3_000_000
    path = write(tmp_path, content)

    assert file_sha256(path) == hashlib.sha256(content).hexdigest()
