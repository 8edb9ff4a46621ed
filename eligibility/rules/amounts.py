"""Amount and class from the subsection, and the amount in the description (spec 5.3).

Used by R11 (the table's classes) and R12/R13 (the amount range: more than ``low``, at most
``high`` grams).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Final, Literal, NamedTuple

from eligibility.rules.classes import OffenseClass

# P.A. 99-697 changed the section 4 table for offenses on or after this day.
SECTION_4_TABLE_CHANGE: Final = date(2016, 7, 29)


class Amount(NamedTuple):
    """An amount range (5.3): more than ``more_than`` grams, at most ``at_most`` (``None``:
    unlimited)."""

    more_than: float
    at_most: float | None


TableName = Literal["section 4 before 2016-07-29", "section 4 from 2016-07-29", "section 5"]


@dataclass(frozen=True, slots=True, eq=False)
class SubsectionRange:
    """One row of a 5.3 table: the amount range and the class(es).

    Each row exists once (compared and hashed by identity: the engine keys caches on it).
    """

    table: TableName
    subsection: str
    lower_grams: float
    upper_grams: float | None
    first: OffenseClass
    subsequent: OffenseClass
    # The range as R12/R13 read it, made once (the engine reads it for every row).
    amount: Amount = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", Amount(self.lower_grams, self.upper_grams))

    @property
    def classes(self) -> tuple[OffenseClass, ...]:
        """The class for a first offense, then a subsequent one when it differs."""
        if self.first == self.subsequent:
            return (self.first,)
        return (self.first, self.subsequent)


def _table(
    name: TableName, rows: tuple[tuple[str, float, float | None, OffenseClass, OffenseClass], ...]
) -> dict[str, SubsectionRange]:
    return {row[0]: SubsectionRange(name, *row) for row in rows}


_SECTION_4_BEFORE: Final = _table(
    "section 4 before 2016-07-29",
    (
        ("a", 0, 2.5, "C", "C"),
        ("b", 2.5, 10, "B", "B"),
        ("c", 10, 30, "A", "4"),
        ("d", 30, 500, "4", "3"),
        ("e", 500, 2000, "3", "3"),
        ("f", 2000, 5000, "2", "2"),
        ("g", 5000, None, "1", "1"),
    ),
)
_SECTION_4_FROM: Final = _table(
    "section 4 from 2016-07-29",
    (
        ("a", 0, 10, "civil", "civil"),
        ("b", 10, 30, "B", "B"),
        ("c", 30, 100, "A", "4"),
        ("d", 100, 500, "4", "3"),
        ("e", 500, 2000, "3", "3"),
        ("f", 2000, 5000, "2", "2"),
        ("g", 5000, None, "1", "1"),
    ),
)
_SECTION_5: Final = _table(
    "section 5",
    (
        ("a", 0, 2.5, "B", "B"),
        ("b", 2.5, 10, "A", "A"),
        ("c", 10, 30, "4", "4"),
        ("d", 30, 500, "3", "3"),
        ("e", 500, 2000, "2", "2"),
        ("f", 2000, 5000, "1", "1"),
        ("g", 5000, None, "X", "X"),
    ),
)


def subsection_range(
    section: str,
    subsection: str | None,
    offense_date: date | None,
    disposition_date: date | None,
) -> SubsectionRange | None:
    """The 5.3 table row of a section 4 or 5 subsection (R11-R13), ``None`` when unknown.

    Unknown: no subsection, not a-g, or (section 4) no table can be chosen because the
    effective offense date is unknown and the disposition date is not before 2016-07-29.
    """
    if subsection is None:
        return None
    if section == "5":
        return _SECTION_5.get(subsection)
    if section != "4":
        return None
    if offense_date is not None:
        before = offense_date < SECTION_4_TABLE_CHANGE
    else:
        before = disposition_date is not None and disposition_date < SECTION_4_TABLE_CHANGE
        if not before:
            return None
    return (_SECTION_4_BEFORE if before else _SECTION_4_FROM).get(subsection)


# A number never starts right after a digit: a match found there would also be found one digit
# earlier, and the look-behind keeps a long run of digits from being rescanned at every digit.
# Nor right after a comma: a number never holds one, so ``1,000`` holds no number to read (not
# ``000``).
_NUMBER = r"(?<![\d,])(\d+(?:\.\d+)?)"
_UNIT = r"\s?(?:GRAMS|GRAM|GRMS|GRM|GR|G)\b"
# In the spec's order of preference: a range, then "at most N", then "more than N".
_RANGE_RE = re.compile(rf"{_NUMBER} ?- ?{_NUMBER}{_UNIT}")
_AT_MOST_RE = re.compile(
    rf"\bLESS THAN {_NUMBER}{_UNIT}|\bUNDER {_NUMBER}{_UNIT}|<{_NUMBER}{_UNIT}"
    rf"|{_NUMBER}{_UNIT} OR LESS\b|\bNOT MORE THAN {_NUMBER}{_UNIT}"
)
_MORE_THAN_RE = re.compile(
    rf"\bMORE THAN {_NUMBER}{_UNIT}|\bOVER {_NUMBER}{_UNIT}|>{_NUMBER}{_UNIT}"
)


@lru_cache(maxsize=4096)
def amount_from_description(text: str) -> Amount | None:
    """The amount range written in an offense description (5.3, R12/R13), or ``None``.

    ``N-M G``: more than N, at most M; ``LESS THAN N G`` and the like: at most N; ``MORE THAN
    N G`` and the like: more than N, unlimited. The first form in that order found anywhere
    decides.
    """
    description = " ".join(text.upper().split())
    if match := _RANGE_RE.search(description):
        return Amount(_grams(match[1]), _grams(match[2]))
    if match := _AT_MOST_RE.search(description):
        return Amount(0.0, _grams(_found(match)))
    if match := _MORE_THAN_RE.search(description):
        return Amount(_grams(_found(match)), None)
    return None


def _found(match: re.Match[str]) -> str:
    """The number of the alternative that matched."""
    return next(group for group in match.groups() if group is not None)


def _grams(number: str) -> float:
    # Hundreds of digits overflow to infinity, which JSON cannot hold: keep the largest float.
    return min(float(number), sys.float_info.max)
