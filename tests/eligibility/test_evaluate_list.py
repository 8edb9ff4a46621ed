"""``manage.py evaluate_list``: a dry run of an ISP list, checked against the example lists.

No test here is marked ``django_db``: pytest-django refuses any database query, so these tests
also show that the dry run writes (and reads) nothing in the database.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from eligibility.management.commands.evaluate_list import evaluate_file
from eligibility.rules.records import Policy

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "tests" / "fixtures" / "examples"
DEFAULT_AS_OF = "2026-11-25"
ACCEPTANCE = [
    ("worked-examples.csv", DEFAULT_AS_OF),
    ("sample-2000.csv", DEFAULT_AS_OF),
    ("sample-alias-500.xlsx", DEFAULT_AS_OF),
    ("sample-1000-asof-2019-12-01.csv", "2019-12-01"),
]


def expected_rows(name: str) -> list[tuple[str, str, str]]:
    stem = name.rsplit(".", 1)[0]
    with open(EXAMPLES / f"{stem}.expected.csv", newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        assert next(reader) == ["row", "determination", "reasons"]
        return [(row, determination, reasons) for row, determination, reasons in reader]


def output_rows(text: str) -> list[tuple[str, str, str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    assert next(reader) == ["row", "determination", "reasons"]
    return [(row, determination, reasons) for row, determination, reasons in reader]


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("evaluate_list", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# Acceptance: the example lists ------------------------------------------------------------------


@pytest.mark.parametrize(("name", "as_of"), ACCEPTANCE)
def test_it_agrees_with_every_row_of_the_example_list(name: str, as_of: str) -> None:
    out, _ = run(str(EXAMPLES / name), "--as-of", as_of)

    got = output_rows(out)
    expected = expected_rows(name)
    disagreements = [(e, g) for e, g in zip(expected, got, strict=False) if e != g]
    assert disagreements == []
    assert len(got) == len(expected)


@pytest.mark.parametrize(("name", "as_of"), ACCEPTANCE)
def test_its_out_file_is_byte_for_byte_the_expected_file(
    tmp_path: Path, name: str, as_of: str
) -> None:
    out_path = tmp_path / "result.csv"

    out, _ = run(str(EXAMPLES / name), "--as-of", as_of, "--out", str(out_path))

    stem = name.rsplit(".", 1)[0]
    assert out_path.read_bytes() == (EXAMPLES / f"{stem}.expected.csv").read_bytes()
    assert out == ""


def test_evaluate_file_works_without_the_command() -> None:
    evaluation = evaluate_file(
        EXAMPLES / "sample-alias-500.xlsx", policy=Policy(), as_of=date(2026, 11, 25)
    )

    assert evaluation.kind == "xlsx"
    assert evaluation.blank_rows == 5
    assert len(evaluation.results) == 500
    assert [str(result.row) for result in evaluation.results] == [
        row for row, _, _ in expected_rows("sample-alias-500.xlsx")
    ]


# The command ------------------------------------------------------------------------------------


def test_it_prints_the_csv_on_stdout_and_the_counts_on_stderr() -> None:
    out, err = run(str(EXAMPLES / "worked-examples.csv"), "--as-of", DEFAULT_AS_OF)

    assert out.startswith("row,determination,reasons\r\n1,ELIGIBLE,\r\n")
    assert "worked-examples.csv (csv): 15 rows, 0 blank rows; as of 2026-11-25" in err
    lines = [" ".join(line.split()) for line in err.splitlines()]
    assert "ELIGIBLE 3" in lines
    assert "NEEDS_REVIEW 3" in lines
    assert "NOT_ELIGIBLE 9" in lines
    assert "NOT_A_CONVICTION 2" in lines
    assert "OVER_PROGRAM_AMOUNT 3" in lines


def test_the_summary_lists_unreadable_dates_by_column_with_row_numbers() -> None:
    _, err = run(str(EXAMPLES / "sample-alias-500.xlsx"), "--as-of", DEFAULT_AS_OF)

    assert "unreadable dates (column: rows)" in err
    assert any(line.startswith(("D.O.B.: ", "Disp Date: ")) for line in err.splitlines())


def test_max_grams_none_removes_over_program_amount() -> None:
    path = str(EXAMPLES / "worked-examples.csv")
    default, _ = run(path, "--as-of", DEFAULT_AS_OF)
    uncapped, _ = run(path, "--as-of", DEFAULT_AS_OF, "--max-grams", "none")

    assert "OVER_PROGRAM_AMOUNT" in default
    assert "OVER_PROGRAM_AMOUNT" not in uncapped
    assert ("3", "NEEDS_REVIEW", "SUBSEQUENT_OFFENSE_UNKNOWN") in output_rows(uncapped)


def test_a_higher_max_grams_lets_a_larger_amount_pass() -> None:
    out, _ = run(
        str(EXAMPLES / "worked-examples.csv"), "--as-of", DEFAULT_AS_OF, "--max-grams", "100"
    )

    # 4(c) after 2016: more than 30 grams, at most 100: within a cap of 100.
    assert ("13", "ELIGIBLE", "") in output_rows(out)


def test_a_max_grams_inside_an_amount_range_sends_the_row_to_a_person() -> None:
    out, _ = run(
        str(EXAMPLES / "worked-examples.csv"), "--as-of", DEFAULT_AS_OF, "--max-grams", "50"
    )

    # 4(c) after 2016 (more than 30 grams, at most 100) may be over a cap of 50 (R13).
    assert ("13", "NEEDS_REVIEW", "AMOUNT_UNKNOWN") in output_rows(out)


@pytest.mark.parametrize(
    ("switch", "expected"),
    [
        ("review", ("6", "NEEDS_REVIEW", "SECTION_5_MISDEMEANOR")),
        ("eligible", ("6", "ELIGIBLE", "")),
        ("not_eligible", ("6", "NOT_ELIGIBLE", "SECTION_5_MISDEMEANOR")),
    ],
)
def test_the_section5_misdemeanor_switch_changes_the_determination(
    switch: str, expected: tuple[str, str, str]
) -> None:
    out, _ = run(
        str(EXAMPLES / "worked-examples.csv"),
        "--as-of",
        DEFAULT_AS_OF,
        "--section5-misdemeanor",
        switch,
    )

    assert expected in output_rows(out)


def test_another_county_puts_cook_rows_out_of_county() -> None:
    out, _ = run(
        str(EXAMPLES / "worked-examples.csv"), "--as-of", DEFAULT_AS_OF, "--county", "will"
    )

    assert all("OUT_OF_COUNTY" in reasons for _, _, reasons in output_rows(out))


def test_the_as_of_date_changes_the_result() -> None:
    path = str(EXAMPLES / "sample-1000-asof-2019-12-01.csv")
    then, _ = run(path, "--as-of", "2019-12-01")
    now, _ = run(path, "--as-of", DEFAULT_AS_OF)

    assert "SENTENCE_NOT_COMPLETE" in then
    assert output_rows(then) != output_rows(now)


def test_a_refused_file_exits_with_status_2_and_its_message(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("LAST_NAME,FIRST_NAME\nSMITH,ANA\n", encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        run(str(path))

    assert caught.value.returncode == 2
    assert "The file has no DATE_OF_BIRTH" in str(caught.value)
    assert "Headers found: LAST_NAME, FIRST_NAME." in str(caught.value)


def test_a_refused_file_leaves_no_out_file(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"%PDF-1.4\n")
    out_path = tmp_path / "out.csv"

    with pytest.raises(CommandError):
        run(str(path), "--out", str(out_path))

    assert not out_path.exists()


def test_a_missing_file_is_an_error() -> None:
    with pytest.raises(CommandError, match="No such file"):
        run("/nonexistent/list.csv")


@pytest.mark.parametrize(
    "args",
    [["--as-of", "12/01/2019"], ["--max-grams", "lots"], ["--section5-misdemeanor", "maybe"]],
)
def test_a_bad_option_is_an_error(args: list[str]) -> None:
    with pytest.raises(CommandError):
        run(str(EXAMPLES / "worked-examples.csv"), *args)


def test_the_real_command_line_exits_0_and_2(tmp_path: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    refused = tmp_path / "renamed.xlsx"
    refused.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))

    good = subprocess.run(
        [sys.executable, "manage.py", "evaluate_list", str(EXAMPLES / "worked-examples.csv")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    bad = subprocess.run(
        [sys.executable, "manage.py", "evaluate_list", str(refused)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert good.returncode == 0, good.stderr
    assert good.stdout.startswith("row,determination,reasons")
    assert bad.returncode == 2
    assert ".xls" in bad.stderr
    assert bad.stdout == ""
