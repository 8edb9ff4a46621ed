"""The sentence reader (spec 5.4, used by R17 and R18).

A sentence is read into its terms (``2 YRS PROBATION`` is 2 years); financial parts and parts
done at sentencing add no term. Anything the reader does not know makes the whole sentence
unreadable, so that a person looks at it (R18) rather than the engine guessing.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Final, Literal

Unit = Literal["day", "month"]

_UNITS: Final[dict[str, tuple[Unit, int]]] = {
    "D": ("day", 1),
    "DAY": ("day", 1),
    "DAYS": ("day", 1),
    "M": ("month", 1),
    "MO": ("month", 1),
    "MOS": ("month", 1),
    "MONTH": ("month", 1),
    "MONTHS": ("month", 1),
    "Y": ("month", 12),
    "YR": ("month", 12),
    "YRS": ("month", 12),
    "YEAR": ("month", 12),
    "YEARS": ("month", 12),
}
_KINDS: Final = (
    "PROBATION",
    "CONDITIONAL DISCHARGE",
    "CD",
    "SUPERVISION",
    "IDOC",
    "CCDOC",
    "JAIL",
    "COUNTY JAIL",
    "PERIODIC IMPRISONMENT",
)
_FINANCIAL: Final = ("FINE", "COSTS", "FEES", "RESTITUTION")
_DONE_AT_SENTENCING: Final = frozenset(
    {"TIME SERVED", "CREDIT TIME SERVED", "CTS", "TIME CONSIDERED SERVED"}
)

_UNIT_PATTERN = "|".join(sorted(_UNITS, key=len, reverse=True))
_KIND_PATTERN = "|".join(sorted(_KINDS, key=len, reverse=True))
# ``N UNIT KIND`` or ``KIND N UNIT``; the space between N and UNIT is optional (``12MOS``). The
# part must match whole: the unit ends where a space or the part does.
_TERM_RE = re.compile(
    rf"(\d+) ?({_UNIT_PATTERN}) (?:{_KIND_PATTERN})|(?:{_KIND_PATTERN}) (\d+) ?({_UNIT_PATTERN})"
)
_DIGIT_COMMA_RE = re.compile(r"(?<=\d),(?=\d)")
_PARTS_RE = re.compile(r"[;,/]")


@dataclass(frozen=True, slots=True)
class Term:
    """One non-financial term of a sentence: ``count`` days or calendar months."""

    count: int
    unit: Unit


@dataclass(frozen=True, slots=True)
class Sentence:
    """A readable sentence: its terms (none when only financial or done at sentencing)."""

    terms: tuple[Term, ...]
    # The longest term in days and in months (0 when none): the only terms that can end last.
    longest_days: int = field(init=False, compare=False, repr=False)
    longest_months: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        days = [term.count for term in self.terms if term.unit == "day"]
        months = [term.count for term in self.terms if term.unit == "month"]
        object.__setattr__(self, "longest_days", max(days, default=0))
        object.__setattr__(self, "longest_months", max(months, default=0))

    def end(self, disposition_date: date) -> date:
        """When the non-financial sentence ends (R17): the disposition date plus the longest term.

        Months are calendar months, clamped to the month's last day; an end past the calendar's
        last day reads as that day.
        """
        end = disposition_date
        if self.longest_days:
            end = _add(disposition_date, Term(self.longest_days, "day"))
        if self.longest_months:
            end = max(end, _add(disposition_date, Term(self.longest_months, "month")))
        return end


def _add(start: date, term: Term) -> date:
    if term.unit == "day":
        try:
            return start + timedelta(days=term.count)
        except OverflowError:
            return date.max
    months = start.year * 12 + start.month - 1 + term.count
    year, month = divmod(months, 12)
    if year > date.max.year:
        return date.max
    month += 1
    if start.day <= 28:
        return date(year, month, start.day)
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _term(part: str) -> Term | None:
    match = _TERM_RE.fullmatch(part)
    if match is None:
        return None
    number, unit = (match[1], match[2]) if match[1] is not None else (match[3], match[4])
    counted_in, multiple = _UNITS[unit]
    try:
        count = int(number)
    except ValueError:  # more digits than Python converts: no sentence anyone wrote
        return None
    return Term(count * multiple, counted_in)


@lru_cache(maxsize=4096)
def read_sentence(text: str) -> Sentence | None:
    """Read a sentence (5.4, R17); ``None`` when it is unreadable (R18). Never raises."""
    normalised = _DIGIT_COMMA_RE.sub("", " ".join(text.upper().split()))
    if not normalised:
        return None
    terms: list[Term] = []
    for raw_part in _PARTS_RE.split(normalised):
        part = raw_part.strip()
        if not part:
            return None
        if term := _term(part):
            terms.append(term)
        elif part.startswith(_FINANCIAL) or part in _DONE_AT_SENTENCING:
            continue
        else:
            return None
    return Sentence(tuple(terms))
