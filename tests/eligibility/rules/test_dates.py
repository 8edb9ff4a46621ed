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
    "text",
    [
        "10/18/2000 12:00:00 AM",
        "10/18/2000 1:05 PM",
        "10/18/2000 10:30",
        "2000-10-18 00:00:00.000",
        "2000-10-18 00:00:00.1234567",
        "2000-10-18 23:59:59",
        "2000-10-18 99:99",  # only the shape is checked
        "18-OCT-00 00:00:00",
        "20001018 9:00 AM",
        "10-18-2000 12:00",
    ],
)
def test_a_time_after_the_date_is_ignored(text: str) -> None:
    assert read_date(text) == date(2000, 10, 18)


@pytest.mark.parametrize(
    "text",
    [
        "5/5/1960 OR 1961",
        "2019-06-24 NOON",
        "2019-06-24T00:00:00",
        "2019-06-24  10:30",  # separated by one space only
        "2019-06-24 10:30 am",  # AM and PM in capitals, as exported
        "2019-06-24 10:30AM",
        "2019-06-24 10:30 AM PM",
        "2019-06-24 10:30 UTC",
        "2019-06-24 10",
        "2019-06-24 10:3",
        "2019-06-24 100:30",
        "2019-06-24 10:30:0",
        "2019-06-24 10:30:00.",
        "2019-06-24 10:30:00,000",
        "2019-06-24 ?",
        "06/24/2019 (EST)",
        "24-JUN-19 APPROX",
    ],
)
def test_any_other_text_after_the_date_makes_it_unreadable(text: str) -> None:
    assert read_date(text) is None


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
