"""The engine agrees with every expected file of the example lists, on every row."""

from __future__ import annotations

import json
from datetime import date

import pytest

from eligibility.rules import RULESET_VERSION, Policy, evaluate
from tests.eligibility.rules.lists import CSV_EXAMPLES, EXAMPLES, load_expected, load_records


@pytest.mark.parametrize(("name", "as_of"), CSV_EXAMPLES, ids=[name for name, _ in CSV_EXAMPLES])
def test_it_agrees_with_the_expected_file_on_every_row(name: str, as_of: date) -> None:
    records = load_records(EXAMPLES / f"{name}.csv")
    expected = load_expected(EXAMPLES / f"{name}.expected.csv")

    results = evaluate(records, Policy(), as_of)

    assert [result.row for result in results] == sorted(expected)
    disagreements = {
        result.row: ((result.determination, sorted(result.reasons)), expected[result.row])
        for result in results
        if (result.determination, result.reasons) != expected[result.row]
    }
    assert disagreements == {}


@pytest.mark.parametrize(("name", "as_of"), CSV_EXAMPLES, ids=[name for name, _ in CSV_EXAMPLES])
def test_every_result_records_the_version_the_as_of_date_and_json_details(
    name: str, as_of: date
) -> None:
    results = evaluate(load_records(EXAMPLES / f"{name}.csv"), Policy(), as_of)

    assert {result.ruleset_version for result in results} == {RULESET_VERSION}
    assert {result.as_of for result in results} == {as_of}
    for result in results:
        assert json.loads(json.dumps(result.details, allow_nan=False)) == result.details


def test_it_gives_the_same_results_when_run_twice() -> None:
    records = load_records(EXAMPLES / "sample-2000.csv")

    first = evaluate(records, Policy(), date(2026, 11, 25))
    second = evaluate(records, Policy(), date(2026, 11, 25))

    assert first == second


def test_it_returns_results_in_input_order_when_people_interleave() -> None:
    records = list(reversed(load_records(EXAMPLES / "sample-2000.csv")))

    results = evaluate(records, Policy(), date(2026, 11, 25))

    assert [result.row for result in results] == [record.row for record in records]
