"""The worked examples of spec section 7, each written out as its own row."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from eligibility.rules import Policy, Record, evaluate
from tests.eligibility.rules.lists import DEFAULT_AS_OF, record


def example(
    statute: str, offense_class: str, disposition: str, disposed: str, **fields: str
) -> Record:
    """An unremarkable row: offense a few months before the disposition."""
    offense = (date.fromisoformat(disposed) - timedelta(days=90)).isoformat()
    values = {
        "statute": statute,
        "offense_class": offense_class,
        "disposition": disposition,
        "disposition_date": disposed,
        "offense_date": offense,
        "arrest_date": offense,
        "offense_description": "",
        "sentence": "CTS",
        **fields,
    }
    return record(**values)


WORKED_EXAMPLES = [
    (
        example("56.5-704-C", "A", "GUILTY", "1995-03-02", sentence="12 MOS PROBATION"),
        "ELIGIBLE",
        set(),
    ),
    (
        example("720 ILCS 550/4(b)", "B", "PLEA OF GUILTY", "2012-05-10", sentence="FINE $100"),
        "ELIGIBLE",
        set(),
    ),
    (
        example("720-550/4(d)", "", "GUILTY", "2014-01-08"),
        "NOT_ELIGIBLE",
        {"OVER_PROGRAM_AMOUNT", "SUBSEQUENT_OFFENSE_UNKNOWN"},
    ),
    (
        example("720-550/5(c)", "4", "GUILTY", "2011-02-02", sentence="2 YRS PROBATION"),
        "ELIGIBLE",
        set(),
    ),
    (
        example("720-550/5(d)", "3", "GUILTY", "2011-02-02"),
        "NOT_ELIGIBLE",
        {"CLASS_NOT_ELIGIBLE", "OVER_PROGRAM_AMOUNT"},
    ),
    (
        example("720-550/5(b)", "A", "GUILTY", "2009-09-09", sentence="30 DAYS CCDOC"),
        "NEEDS_REVIEW",
        {"SECTION_5_MISDEMEANOR"},
    ),
    (
        example("720-5/8-4(720-550/4(c))", "A", "GUILTY", "2008-04-04"),
        "NEEDS_REVIEW",
        {"INCHOATE_OFFENSE"},
    ),
    (
        example("720-550/5.2(b)", "2", "GUILTY", "2006-06-06"),
        "NOT_ELIGIBLE",
        {"SECTION_NOT_ELIGIBLE"},
    ),
    (
        example("720-550/4(b)", "B", "SUPERVISION", "2015-01-01"),
        "NOT_ELIGIBLE",
        {"NOT_A_CONVICTION"},
    ),
    (
        example("720-550/4(b)", "B", "GUILTY", "2019-08-01"),
        "NOT_ELIGIBLE",
        {"CONVICTED_AFTER_CRTA"},
    ),
    (
        example("720-550/4(c)", "4", "GUILTY", "2017-03-01", offense_date="2017-01-15"),
        "NOT_ELIGIBLE",
        {"OVER_PROGRAM_AMOUNT"},
    ),
    (
        example("720 ILCS 570/402(c)", "4", "GUILTY", "2005-05-05"),
        "NOT_ELIGIBLE",
        {"NOT_CANNABIS_CONTROL_ACT"},
    ),
    (
        example("POSS CANNABIS", "B", "GUILTY", "2001-01-01"),
        "NEEDS_REVIEW",
        {"STATUTE_UNRECOGNIZED"},
    ),
]


@pytest.mark.parametrize(
    ("row", "determination", "codes"),
    WORKED_EXAMPLES,
    ids=[row.statute for row, _, _ in WORKED_EXAMPLES],
)
def test_it_decides_each_worked_example_as_the_spec_does(
    row: Record, determination: str, codes: set[str]
) -> None:
    [result] = evaluate([row], Policy(), DEFAULT_AS_OF)

    assert (result.determination, result.reasons) == (determination, codes)


def test_the_worked_example_with_a_dismissed_domestic_battery_in_the_same_case() -> None:
    cannabis = example("720-550/4(c)", "A", "GUILTY", "2010-10-10")
    battery = record(
        row=2,
        statute="720-5/12-3.2",
        offense_class="",
        disposition="DISMISSED",
        disposition_date="2010-10-10",
        offense_date=cannabis.offense_date,
        sentence="",
    )

    first, _ = evaluate([cannabis, battery], Policy(), DEFAULT_AS_OF)

    assert (first.determination, first.reasons) == ("NOT_ELIGIBLE", {"VIOLENT_OFFENSE_ASSOCIATED"})
    assert first.details["violent_rows"] == [2]


def test_the_worked_example_still_on_probation_as_of_december_2019() -> None:
    row = example(
        "720-550/4(b)",
        "B",
        "GUILTY",
        "2018-09-01",
        offense_date="2018-05-01",
        sentence="18 MOS PROBATION",
    )

    [result] = evaluate([row], Policy(), date(2019, 12, 1))

    assert (result.determination, result.reasons) == ("NOT_ELIGIBLE", {"SENTENCE_NOT_COMPLETE"})
    assert result.details["sentence_end"] == "2020-03-01"
