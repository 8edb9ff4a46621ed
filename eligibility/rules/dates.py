"""The one date reader of the project (``isp-list-format.md``, "Cell values").

Accepted: ``YYYY-MM-DD``, ``M/D/YYYY`` (month and day of one or two digits), ``MM-DD-YYYY``,
``YYYYMMDD``, ``D-Mon-YY`` and ``D-Mon-YYYY`` (any letter case). A time part after the date,
separated by one space, is ignored when it is ``H:MM``, ``H:MM:SS`` or ``H:MM:SS.fff``, optionally
followed by `` AM`` or `` PM`` (``10/18/2000 12:00:00 AM``); any other text after the date makes
it unreadable (``5/5/1960 OR 1961``). Two-digit years 00-29 are 2000-2029, 30-99 are 1930-1999.
Anything else, including a date that does not exist (``2019-02-30``), is unreadable: ``None``.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

_US_DASH = re.compile(r"(\d{2})-(\d{2})-(\d{4})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DAY_MON_YEAR = re.compile(r"(\d{1,2})-([A-Z]{3})-(\d{2}|\d{4})")
# Only the shape of the time is checked; AM and PM in capitals, as the exports write them.
_TIME = re.compile(r"[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?: AM| PM)?")

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"),
        start=1,
    )
}

# The ISP writes two-digit years; 00-29 are this century, 30-99 the last one.
_PIVOT = 30


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=65536)
def read_date(text: str) -> date | None:
    """Read a date cell in any accepted format (R1, R10, R17-R19); ``None`` when unreadable.

    Never raises. Cached: a list repeats its dates (the engine keeps its own cache per list,
    see ``parse_date``).
    """
    return parse_date(text)


class DateMemo(dict[str, "date | None"]):
    """``read_date`` for the texts of one list, each read once: ``memo[text]``. A dict lookup is
    the cheapest there is, and a list's dates (five columns of a million rows) are more than the
    shared cache of ``read_date`` holds; past ``LIMIT`` texts it starts again (memory)."""

    LIMIT = 200_000

    def __missing__(self, text: str) -> date | None:
        if len(self) >= self.LIMIT:
            self.clear()
        value = self[text] = parse_date(text)
        return value


def parse_date(text: str) -> date | None:
    """``read_date`` without its cache."""
    # The commonest cells, exactly MM/DD/YYYY or YYYY-MM-DD, without trimming or splitting.
    if len(text) == 10 and text.isascii():
        if text[2] == "/" and text[5] == "/":
            month, day, year = text[:2], text[3:5], text[6:]
        elif text[4] == "-" and text[7] == "-":
            year, month, day = text[:4], text[5:7], text[8:]
        else:
            year = ""
        if year:
            if year.isdigit() and month.isdigit() and day.isdigit():
                return _make(int(year), int(month), int(day))
            return None
    # A time part ("10/18/2000 12:00:00 AM") follows the first space: ignored when it is a time,
    # and anything else there ("5/5/1960 OR 1961") makes the date unreadable.
    head, space, time = text.strip().partition(" ")
    if space and not _TIME.fullmatch(time):
        return None
    head = head.upper()
    if not head or not head.isascii():
        return None
    # The commonest forms first, without a regular expression: YYYY-MM-DD and M/D/YYYY.
    if len(head) == 10 and head[4] == "-" and head[7] == "-":
        year, month, day = head[:4], head[5:7], head[8:]
        if year.isdigit() and month.isdigit() and day.isdigit():
            return _make(int(year), int(month), int(day))
        return None
    if "/" in head:
        parts = head.split("/")
        if (
            len(parts) == 3
            and 1 <= len(parts[0]) <= 2
            and 1 <= len(parts[1]) <= 2
            and len(parts[2]) == 4
            and parts[0].isdigit()
            and parts[1].isdigit()
            and parts[2].isdigit()
        ):
            return _make(int(parts[2]), int(parts[0]), int(parts[1]))
        return None
    if match := _US_DASH.fullmatch(head):
        return _make(int(match[3]), int(match[1]), int(match[2]))
    if match := _COMPACT.fullmatch(head):
        return _make(int(match[1]), int(match[2]), int(match[3]))
    if match := _DAY_MON_YEAR.fullmatch(head):
        month_number = _MONTHS.get(match[2])
        if month_number is None:
            return None
        year_number = int(match[3])
        if len(match[3]) == 2:
            year_number += 2000 if year_number < _PIVOT else 1900
        return _make(year_number, month_number, int(match[1]))
    return None
