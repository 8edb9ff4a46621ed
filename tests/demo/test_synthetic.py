"""The synthetic ISP lists of demo/synthetic.py: deterministic, readable, varied."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from python_calamine import CalamineWorkbook

from demo.synthetic import HEADERS, generate_rows, synthetic_records, write_csv, write_xlsx
from eligibility.listfiles import open_list
from eligibility.rules import evaluate
from eligibility.rules.records import Policy

AS_OF = date(2026, 11, 25)


def test_it_yields_exactly_n_rows_with_the_canonical_headers() -> None:
    rows = list(generate_rows(1234, seed=5))

    assert len(rows) == 1234
    assert all(tuple(row) == HEADERS for row in rows)
    assert HEADERS[:3] == ("SID", "LAST_NAME", "FIRST_NAME")


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    first = write_csv(tmp_path / "a.csv", 3000, seed=11).read_bytes()
    second = write_csv(tmp_path / "b.csv", 3000, seed=11).read_bytes()
    other = write_csv(tmp_path / "c.csv", 3000, seed=12).read_bytes()

    assert first == second
    assert first != other


def test_a_shorter_list_is_the_start_of_a_longer_one_with_the_same_seed() -> None:
    assert list(generate_rows(500, seed=3)) == list(generate_rows(1000, seed=3))[:500]


def test_the_csv_file_is_read_without_refusal_and_has_blank_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "list.csv", 5000, seed=2)

    with open_list(path) as listfile:
        rows = list(listfile)
        blank = listfile.blank_rows

    assert blank > 0
    assert len(rows) + blank == 5000
    assert rows[-1].number <= 5000


def test_the_workbook_reads_as_the_same_records_as_the_csv_file(tmp_path: Path) -> None:
    csv_path = write_csv(tmp_path / "list.csv", 800, seed=4)
    xlsx_path = write_xlsx(tmp_path / "list.xlsx", 800, seed=4)

    with open_list(csv_path) as from_csv, open_list(xlsx_path) as from_xlsx:
        assert from_xlsx.kind == "xlsx"
        assert [row.record for row in from_csv] == [row.record for row in from_xlsx]


def test_the_workbook_holds_real_dates_and_numbers(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "list.xlsx", 300, seed=4)

    with CalamineWorkbook.from_path(str(path)) as book:
        cells = [cell for row in book.get_sheet_by_index(0).iter_rows() for cell in row]
    kinds = {type(cell).__name__ for cell in cells}
    assert {"date", "float", "str"} <= kinds


def test_an_evaluated_list_has_every_determination_and_most_reason_codes() -> None:
    rows = list(generate_rows(6000, seed=2019))
    with_values = [row for row in rows if any(value.strip() for value in row.values())]

    records = list(synthetic_records(6000, seed=2019))
    results = evaluate(records, Policy(), AS_OF)

    determinations = Counter(result.determination for result in results)
    reasons = Counter(reason for result in results for reason in result.reasons)
    assert len(records) == len(with_values)
    assert set(determinations) == {"ELIGIBLE", "NEEDS_REVIEW", "NOT_ELIGIBLE"}
    assert min(determinations.values()) > 0.1 * len(results)
    expected = {
        "AMOUNT_UNKNOWN",
        "INSUFFICIENT_DATA",
        "OUT_OF_COUNTY",
        "STATUTE_UNRECOGNIZED",
        "NOT_CANNABIS_CONTROL_ACT",
        "SECTION_NOT_ELIGIBLE",
        "INCHOATE_OFFENSE",
        "NOT_A_CONVICTION",
        "ALREADY_RELIEVED",
        "DISPOSITION_UNKNOWN",
        "CONVICTED_AFTER_CRTA",
        "CLASS_CONFLICT",
        "CLASS_UNKNOWN",
        "SUBSEQUENT_OFFENSE_UNKNOWN",
        "CIVIL_LAW_VIOLATION",
        "CLASS_NOT_ELIGIBLE",
        "SECTION_5_MISDEMEANOR",
        "OVER_PROGRAM_AMOUNT",
        "SECTION_7_ENHANCEMENT",
        "VIOLENT_OFFENSE_ASSOCIATED",
        "POSSIBLE_VIOLENT_ASSOCIATION",
        "SENTENCE_NOT_COMPLETE",
        "SENTENCE_STATUS_UNKNOWN",
        "JUVENILE_AT_OFFENSE",
        "DUPLICATE_ROW",
        "MIXED_CASE",
    }
    assert expected <= set(reasons)


def test_persons_have_several_rows_and_some_have_no_sid() -> None:
    rows = [row for row in generate_rows(3000, seed=9) if row["LAST_NAME"]]
    per_sid = Counter(row["SID"] for row in rows if row["SID"])

    assert max(per_sid.values()) >= 3
    assert any(not row["SID"] for row in rows)
    assert any(row["ADDRESS"] and row["ZIP"] for row in rows)
