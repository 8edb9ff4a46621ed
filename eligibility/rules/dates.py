"""The one date reader of the project (``isp-list-format.md``, "Cell values").

Accepted: ``YYYY-MM-DD``, ``M/D/YYYY`` (month and day of one or two digits), ``MM-DD-YYYY``,
``YYYYMMDD``, ``D-Mon-YY`` and ``D-Mon-YYYY`` (any letter case). A time part after the date,
separated by a space, is ignored. Two-digit years 00-29 are 2000-2029, 30-99 are 1930-1999.
Anything else, including a date that does not exist (``2019-02-30``), is unreadable: ``None``.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_US_SLASH = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_US_DASH = re.compile(r"(\d{2})-(\d{2})-(\d{4})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DAY_MON_YEAR = re.compile(r"(\d{1,2})-([A-Z]{3})-(\d{2}|\d{4})")

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

    Never raises.
    """
    # A time part ("10/18/2000 12:00:00 AM") follows the first space and is ignored.
    head = text.strip().split(" ", 1)[0].upper()
    if not head or not head.isascii():
        return None
    if match := _ISO.fullmatch(head):
        return _make(int(match[1]), int(match[2]), int(match[3]))
    if match := _US_SLASH.fullmatch(head):
        return _make(int(match[3]), int(match[1]), int(match[2]))
    if match := _US_DASH.fullmatch(head):
        return _make(int(match[3]), int(match[1]), int(match[2]))
    if match := _COMPACT.fullmatch(head):
        return _make(int(match[1]), int(match[2]), int(match[3]))
    if match := _DAY_MON_YEAR.fullmatch(head):
        month = _MONTHS.get(match[2])
        if month is None:
            return None
        year = int(match[3])
        if len(match[3]) == 2:
            year += 2000 if year < _PIVOT else 1900
        return _make(year, month, int(match[1]))
    return None
