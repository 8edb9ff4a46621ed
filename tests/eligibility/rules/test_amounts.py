"""Amount and class from the subsection, and the amount in the description (spec 5.3)."""

from __future__ import annotations

import math
import time
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eligibility.rules import Amount, amount_from_description, subsection_range

BEFORE = date(2016, 7, 28)
FROM = date(2016, 7, 29)


@pytest.mark.parametrize(
    ("subsection", "lower", "classes"),
    [
        ("a", 0, ("C",)),
        ("b", 2.5, ("B",)),
        ("c", 10, ("A", "4")),
        ("d", 30, ("4", "3")),
        ("e", 500, ("3",)),
        ("f", 2000, ("2",)),
        ("g", 5000, ("1",)),
    ],
)
def test_section_4_before_2016_07_29_uses_the_old_table(
    subsection: str, lower: float, classes: tuple[str, ...]
) -> None:
    found = subsection_range("4", subsection, BEFORE, None)

    assert found is not None
    assert (found.lower_grams, found.classes) == (lower, classes)


@pytest.mark.parametrize(
    ("subsection", "lower", "classes"),
    [
        ("a", 0, ("civil",)),
        ("b", 10, ("B",)),
        ("c", 30, ("A", "4")),
        ("d", 100, ("4", "3")),
        ("e", 500, ("3",)),
        ("f", 2000, ("2",)),
        ("g", 5000, ("1",)),
    ],
)
def test_section_4_from_2016_07_29_uses_the_new_table(
    subsection: str, lower: float, classes: tuple[str, ...]
) -> None:
    found = subsection_range("4", subsection, FROM, None)

    assert found is not None
    assert (found.lower_grams, found.classes) == (lower, classes)


@pytest.mark.parametrize(
    ("subsection", "lower", "classes"),
    [
        ("a", 0, ("B",)),
        ("b", 2.5, ("A",)),
        ("c", 10, ("4",)),
        ("d", 30, ("3",)),
        ("e", 500, ("2",)),
        ("f", 2000, ("1",)),
        ("g", 5000, ("X",)),
    ],
)
@pytest.mark.parametrize("offense_date", [BEFORE, FROM, None])
def test_section_5_has_one_table_for_all_dates(
    subsection: str, lower: float, classes: tuple[str, ...], offense_date: date | None
) -> None:
    found = subsection_range("5", subsection, offense_date, None)

    assert found is not None
    assert (found.lower_grams, found.classes) == (lower, classes)


def test_an_unknown_offense_date_uses_the_old_table_when_disposed_before_the_change() -> None:
    found = subsection_range("4", "c", None, BEFORE)

    assert found is not None
    assert found.lower_grams == 10


@pytest.mark.parametrize("disposition_date", [FROM, None])
def test_an_unknown_offense_date_leaves_section_4_unknown_otherwise(
    disposition_date: date | None,
) -> None:
    assert subsection_range("4", "c", None, disposition_date) is None


def test_the_offense_date_decides_over_the_disposition_date() -> None:
    found = subsection_range("4", "c", FROM, BEFORE)

    assert found is not None
    assert found.lower_grams == 30


@pytest.mark.parametrize("subsection", [None, "h", "z"])
def test_a_missing_or_unlisted_subsection_is_unknown(subsection: str | None) -> None:
    assert subsection_range("4", subsection, BEFORE, BEFORE) is None
    assert subsection_range("5", subsection, BEFORE, BEFORE) is None


@pytest.mark.parametrize(
    ("description", "more_than", "at_most"),
    [
        ("POSS CANNABIS 10-30 GRAMS", 10, 30),
        ("POSS CANNABIS 2.5-10 GRAMS", 2.5, 10),
        ("POSS CANNABIS 30 - 500 GRAMS", 30, 500),
        ("POSS 10-30G", 10, 30),
        ("POSS 10-30 GR", 10, 30),
        ("POSS 10-30 GRM", 10, 30),
        ("POSS 10-30 GRMS", 10, 30),
        ("POSS 10-30 GRAM", 10, 30),
        ("poss cannabis 10-30 grams", 10, 30),
        ("POSS CANNABIS LESS THAN 2.5 GRAMS", 0, 2.5),
        ("POSS CANNABIS UNDER 10 G", 0, 10),
        ("POSS CANNABIS <10G", 0, 10),
        ("POSS CANNABIS 10 GRAMS OR LESS", 0, 10),
        ("POSS CANNABIS NOT MORE THAN 30 GRAMS", 0, 30),
        ("POSS CANNABIS MORE THAN 5000 GRAMS", 5000, None),
        ("POSS CANNABIS OVER 30 G", 30, None),
        ("POSS CANNABIS >30 GRAMS", 30, None),
        ("POSS CANNABIS >30.5GRAMS", 30.5, None),
        # preference: a range, then "at most", then "more than"
        ("MORE THAN 30 GRAMS, 2.5-10 GRAMS", 2.5, 10),
        # ... and the first of a kind that occurs ("30 GRAMS OR LESS" before "LESS THAN 10")
        ("MORE THAN 30 GRAMS OR LESS THAN 10 GRAMS", 0, 30),
        ("UNDER 10 GRAMS, 30 GRAMS OR LESS", 0, 10),
        # the description is upper-cased and whitespace-collapsed first
        ("poss  cannabis   less than   30   grams", 0, 30),
    ],
)
def test_it_reads_the_amount_range_from_the_description(
    description: str, more_than: float, at_most: float | None
) -> None:
    assert amount_from_description(description) == Amount(more_than, at_most)


@pytest.mark.parametrize(
    "description",
    [
        # numbers never contain a comma: 1,000 holds no number the rules read
        "POSS CANNABIS 1,000 GRAMS OR LESS",
        "POSS CANNABIS UNDER 1,000 GRAMS",
        "POSS CANNABIS MORE THAN 1,000 GRAMS",
        "POSS CANNABIS 5-1,000 G",
        "POSS CANNABIS 1,000-2,000 GRAMS",
        "POSS CANNABIS >1,000 G",
        # keyword phrases are whole words
        "THUNDER 30 G",
        "HANGOVER 30 GRAMS",
        "BLESS THAN 30 GRAMS",
        "30 GRAMS OR LESSER",
        "NOTMORE THAN 30 GRAMS",
        # followed by exactly one space and the number; < and > directly by the number
        "LESS THAN30 GRAMS",
        "UNDER30 G",
        "< 30 GRAMS",
        "> 30 GRAMS",
    ],
)
def test_it_reads_only_whole_keywords_and_numbers_without_commas(description: str) -> None:
    assert amount_from_description(description) is None


def test_a_subsection_row_carries_its_amount_range() -> None:
    before, after = subsection_range("4", "c", BEFORE, None), subsection_range("4", "g", FROM, None)

    assert before is not None and after is not None
    assert (before.amount, after.amount) == (Amount(10, 30), Amount(5000, None))


@pytest.mark.parametrize(
    "description",
    [
        "",
        "POSSESSION OF CANNABIS",
        "MANUFACTURE/DELIVER CANNABIS",
        "POSS CANNABIS 30 GRAMS",
        "POSS 10-30 GALLONS",
        "POSS 10-30 GRAMSX",
        "MORE THAN A FEW GRAMS",
    ],
)
def test_it_reads_no_amount_when_none_is_written(description: str) -> None:
    assert amount_from_description(description) is None


def test_a_number_too_long_for_a_float_stays_a_finite_amount() -> None:
    amount = amount_from_description("MORE THAN " + "9" * 400 + " GRAMS")
    at_most = amount_from_description("1-" + "9" * 400 + " GRAMS")

    assert amount is not None and at_most is not None
    assert math.isfinite(amount.more_than)
    assert at_most.at_most is not None and math.isfinite(at_most.at_most)


@given(st.text())
def test_it_never_raises_on_arbitrary_text(text: str) -> None:
    amount = amount_from_description(text)
    assert amount is None or (
        math.isfinite(amount.more_than)
        and (amount.at_most is None or math.isfinite(amount.at_most))
    )


@pytest.mark.parametrize(
    "description",
    ["1" * 32_000 + "-", "1" * 32_000 + " ", "1." * 16_000, "MORE THAN " + "1" * 32_000],
)
def test_it_reads_a_full_excel_cell_of_digits_in_linear_time(description: str) -> None:
    started = time.perf_counter()

    amount_from_description(description)

    assert time.perf_counter() - started < 0.5
