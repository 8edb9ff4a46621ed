"""The engine's inputs and outputs: frozen dataclasses, no Django.

The file readers (``eligibility/listfiles.py``) produce ``Record`` objects; the engine
(``eligibility/rules/engine.py``) turns a list of them into one ``Result`` each.
Every field of a ``Record`` is text as read from the file (trimmed; empty when the cell was
empty). Date fields hold the text of the cell, or ``YYYY-MM-DD`` when the cell was a real
Excel date: the engine reads them with ``eligibility.rules.dates.read_date``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Determination = Literal["ELIGIBLE", "NEEDS_REVIEW", "NOT_ELIGIBLE"]
ELIGIBLE: Determination = "ELIGIBLE"
NEEDS_REVIEW: Determination = "NEEDS_REVIEW"
NOT_ELIGIBLE: Determination = "NOT_ELIGIBLE"

Section5Misdemeanor = Literal["review", "eligible", "not_eligible"]
ViolentAssociation = Literal["not_eligible", "review"]


@dataclass(frozen=True, slots=True)
class Record:
    """One row of an ISP list, normalised (spec section 3)."""

    row: int
    sid: str = ""
    last_name: str = ""
    first_name: str = ""
    date_of_birth: str = ""
    dcn: str = ""
    county: str = ""
    court_case_number: str = ""
    arrest_date: str = ""
    offense_date: str = ""
    statute: str = ""
    offense_description: str = ""
    offense_class: str = ""
    disposition: str = ""
    disposition_date: str = ""
    sentence: str = ""


@dataclass(frozen=True, slots=True)
class Policy:
    """The office's policy switches (spec section 9)."""

    county: str = "COOK"
    max_grams: float | None = 30
    section5_misdemeanor: Section5Misdemeanor = "review"
    violent_association: ViolentAssociation = "not_eligible"
    recent_sentence_days: int = 1095

    def as_dict(self) -> dict[str, Any]:
        return {
            "county": self.county,
            "max_grams": self.max_grams,
            "section5_misdemeanor": self.section5_misdemeanor,
            "violent_association": self.violent_association,
            "recent_sentence_days": self.recent_sentence_days,
        }


@dataclass(frozen=True, slots=True)
class Result:
    """The determination of one row, with what an attorney needs to check it."""

    row: int
    determination: Determination
    reasons: frozenset[str]
    ruleset_version: str
    as_of: date
    # JSON-serialisable details: parsed statute, effective class, amount, sentence end,
    # the rows that triggered R14-R16/R20/R21, and for ELIGIBLE rows the basis that passed.
    details: dict[str, Any] = field(default_factory=dict)
