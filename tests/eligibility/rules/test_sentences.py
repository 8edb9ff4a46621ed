"""The sentence reader of spec 5.4 and the end of a sentence."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eligibility.rules import Sentence, Term, read_sentence

UNITS = {
    "D": Term(1, "day"),
    "DAY": Term(1, "day"),
    "DAYS": Term(1, "day"),
    "M": Term(1, "month"),
    "MO": Term(1, "month"),
    "MOS": Term(1, "month"),
    "MONTH": Term(1, "month"),
    "MONTHS": Term(1, "month"),
    "Y": Term(12, "month"),
    "YR": Term(12, "month"),
    "YRS": Term(12, "month"),
    "YEAR": Term(12, "month"),
    "YEARS": Term(12, "month"),
}
KINDS = [
    "PROBATION",
    "CONDITIONAL DISCHARGE",
    "CD",
    "SUPERVISION",
    "IDOC",
    "CCDOC",
    "JAIL",
    "COUNTY JAIL",
    "PERIODIC IMPRISONMENT",
]


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("kind", KINDS)
def test_it_reads_a_term_written_either_way_round(unit: str, kind: str) -> None:
    expected = Sentence((UNITS[unit],))

    assert read_sentence(f"1 {unit} {kind}") == expected
    assert read_sentence(f"{kind} 1 {unit}") == expected


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("2 YRS PROBATION", (Term(24, "month"),)),
        ("18 months probation", (Term(18, "month"),)),
        ("CD 12 MOS", (Term(12, "month"),)),
        ("30 DAYS JAIL", (Term(30, "day"),)),
        ("24 MOS PROBATION; FINE $1000", (Term(24, "month"),)),
        ("1 DAY CCDOC; FINE $100", (Term(1, "day"),)),
        ("12 MOS PROBATION, 30 DAYS JAIL", (Term(12, "month"), Term(30, "day"))),
        ("FINE $2,500", ()),
        ("FINE $1,000; COSTS", ()),
        ("FINE $500 / COSTS", ()),
        ("FINES AND COSTS", ()),
        ("FEES", ()),
        ("RESTITUTION $50", ()),
        ("TIME SERVED", ()),
        ("CREDIT TIME SERVED; COSTS", ()),
        ("CTS", ()),
        ("TIME CONSIDERED SERVED", ()),
    ],
)
def test_it_reads_terms_financial_parts_and_time_served(text: str, terms: tuple[Term, ...]) -> None:
    assert read_sentence(text) == Sentence(terms)


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("kind", KINDS)
def test_the_space_between_the_number_and_the_unit_is_optional(unit: str, kind: str) -> None:
    expected = Sentence((Term(12 * UNITS[unit].count, UNITS[unit].unit),))

    assert read_sentence(f"12{unit} {kind}") == expected
    assert read_sentence(f"{kind} 12{unit}") == expected


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("12MOS PROBATION", (Term(12, "month"),)),
        ("30YRS IDOC", (Term(360, "month"),)),
        ("CD 6MO; FINE $1,000", (Term(6, "month"),)),
        ("180DAYS CCDOC, 2YRS PROBATION", (Term(180, "day"), Term(24, "month"))),
    ],
)
def test_terms_without_a_space_read_as_with_one(text: str, terms: tuple[Term, ...]) -> None:
    assert read_sentence(text) == Sentence(terms)
    assert read_sentence(text) == read_sentence(re.sub(r"(\d)([A-Z])", r"\1 \2", text))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "12 MOS PROBATION;",
        "; FINE $100",
        "2 YRS PROBATION, DRUG TREATMENT",
        "12 MO PROB",
        "PROB",
        "BOOT CAMP",
        "SEE FILE",
        "COMMUNITY SERVICE 40 HRS",
        "1.5 YRS PROBATION",
        "12 WEEKS JAIL",
        # a part with no KIND is "anything else", with or without the space
        "2YRS",
        "2 YRS",
        "2YRS; FINE $100",
        "12MOSPROBATION",
        "12MOS_PROBATION",
    ],
)
def test_anything_else_makes_the_whole_sentence_unreadable(text: str) -> None:
    assert read_sentence(text) is None


@pytest.mark.parametrize(
    ("text", "disposed", "end"),
    [
        ("12 MOS PROBATION", date(1995, 3, 2), date(1996, 3, 2)),
        ("1 MO PROBATION", date(2019, 1, 31), date(2019, 2, 28)),
        ("1 MO PROBATION", date(2020, 1, 31), date(2020, 2, 29)),
        ("1 YR PROBATION", date(2020, 2, 29), date(2021, 2, 28)),
        ("30 DAYS JAIL", date(2019, 1, 15), date(2019, 2, 14)),
        ("6 MOS CD; 200 DAYS JAIL", date(2019, 1, 1), date(2019, 7, 20)),
        ("18 MONTHS PROBATION", date(2018, 9, 1), date(2020, 3, 1)),
        ("FINE $100", date(2012, 5, 10), date(2012, 5, 10)),
        ("CTS", date(2012, 5, 10), date(2012, 5, 10)),
    ],
)
def test_the_sentence_ends_after_its_longest_term(text: str, disposed: date, end: date) -> None:
    sentence = read_sentence(text)

    assert sentence is not None
    assert sentence.end(disposed) == end


@pytest.mark.parametrize("text", ["99999999999 DAYS JAIL", "99999999999 YEARS IDOC"])
def test_a_term_past_the_calendar_ends_on_its_last_day(text: str) -> None:
    sentence = read_sentence(text)

    assert sentence is not None
    assert sentence.end(date(2000, 1, 1)) == date.max


def test_a_number_of_more_digits_than_python_converts_is_unreadable() -> None:
    assert read_sentence("9" * 5000 + " DAYS JAIL") is None


@given(st.text(), st.dates())
def test_it_never_raises_on_arbitrary_text(text: str, disposed: date) -> None:
    sentence = read_sentence(text)
    if sentence is not None:
        assert sentence.end(disposed) >= disposed


@given(
    st.integers(min_value=0, max_value=10**12),
    st.sampled_from(list(UNITS)),
    st.sampled_from(KINDS),
    st.dates(),
)
def test_any_term_ends_on_a_real_day_on_or_after_the_disposition(
    count: int, unit: str, kind: str, disposed: date
) -> None:
    sentence = read_sentence(f"{count} {unit} {kind}")

    assert sentence is not None
    assert sentence.end(disposed) >= disposed
