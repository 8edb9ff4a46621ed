"""The date reader of isp-list-format.md ("Cell values")."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eligibility.rules import read_date

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2000-10-18", date(2000, 10, 18)),
        ("10/18/2000", date(2000, 10, 18)),
        ("1/5/2000", date(2000, 1, 5)),
        ("01/05/2000", date(2000, 1, 5)),
        ("10-18-2000", date(2000, 10, 18)),
        ("20001018", date(2000, 10, 18)),
        ("13-JAN-06", date(2006, 1, 13)),
        ("13-jan-06", date(2006, 1, 13)),
        ("13-Jan-2006", date(2006, 1, 13)),
        ("5-FEB-1987", date(1987, 2, 5)),
        ("10/18/2000 12:00:00 AM", date(2000, 10, 18)),
        ("2000-10-18 00:00:00", date(2000, 10, 18)),
        ("  2000-10-18  ", date(2000, 10, 18)),
        ("2000-02-29", date(2000, 2, 29)),
    ],
)
def test_it_reads_every_accepted_format(text: str, expected: date) -> None:
    assert read_date(text) == expected


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("1-JAN-00", 2000),
        ("1-JAN-29", 2029),
        ("1-JAN-30", 1930),
        ("1-JAN-99", 1999),
    ],
)
def test_it_pivots_two_digit_years_at_30(text: str, year: int) -> None:
    assert read_date(text) == date(year, 1, 1)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "UNKNOWN",
        "N/A",
        "2019-02-30",
        "2019-13-01",
        "02/30/2019",
        "00/10/2019",
        "19-02-2019",
        "20190230",
        "31-FOO-19",
        "32-JAN-19",
        "1-JAN-193",
        "2019/10/18",
        "10/18/19",
        "1-10-2019",
        "0000-01-01",
        "\uff11\uff19\uff19\uff10-01-01",  # full-width digits
        "2019-10-18T00:00",
    ],
)
def test_it_reads_anything_else_as_unreadable(text: str) -> None:
    assert read_date(text) is None


@given(st.text())
def test_it_never_raises_on_arbitrary_text(text: str) -> None:
    assert read_date(text) is None or isinstance(read_date(text), date)


def _spellings(day: date) -> list[str]:
    spellings = [
        day.isoformat(),
        f"{day.month}/{day.day}/{day.year:04d}",
        f"{day.month:02d}/{day.day:02d}/{day.year:04d}",
        f"{day.month:02d}-{day.day:02d}-{day.year:04d}",
        f"{day.year:04d}{day.month:02d}{day.day:02d}",
        f"{day.day}-{MONTHS[day.month - 1]}-{day.year:04d}",
        f"{day.day:02d}-{MONTHS[day.month - 1].lower()}-{day.year:04d}",
        f"{day.month}/{day.day}/{day.year:04d} 12:00:00 AM",
    ]
    if 1930 <= day.year <= 2029:
        spellings.append(f"{day.day}-{MONTHS[day.month - 1].title()}-{day.year % 100:02d}")
    return spellings


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
def test_a_date_written_in_any_accepted_format_reads_back(day: date) -> None:
    for text in _spellings(day):
        assert read_date(text) == day, text
