"""The pure eligibility engine of ``spec/eligibility.md``: no Django, no files, no database.

``evaluate(records, policy, as_of)`` turns the rows of one ISP list into one ``Result`` each;
``ListJudge(policy, as_of)`` does the same for a list judged batch by batch.
"""

from __future__ import annotations

from eligibility.rules.amounts import (
    Amount,
    SubsectionRange,
    amount_from_description,
    subsection_range,
)
from eligibility.rules.classes import OffenseClass, read_offense_class
from eligibility.rules.dates import read_date
from eligibility.rules.dispositions import DispositionKind, read_disposition
from eligibility.rules.engine import RULESET_VERSION, ListJudge, evaluate, person_key
from eligibility.rules.identifiers import case_key, integer_text, sid_key
from eligibility.rules.reasons import REASONS, Reason
from eligibility.rules.records import (
    ELIGIBLE,
    NEEDS_REVIEW,
    NOT_ELIGIBLE,
    Determination,
    Policy,
    Record,
    Result,
)
from eligibility.rules.sentences import Sentence, Term, read_sentence
from eligibility.rules.statutes import Statute, parse_statute
from eligibility.rules.violent import VIOLENT_OFFENSES, violence_kind

__all__ = [
    "ELIGIBLE",
    "NEEDS_REVIEW",
    "NOT_ELIGIBLE",
    "REASONS",
    "RULESET_VERSION",
    "VIOLENT_OFFENSES",
    "Amount",
    "Determination",
    "DispositionKind",
    "ListJudge",
    "OffenseClass",
    "Policy",
    "Reason",
    "Record",
    "Result",
    "Sentence",
    "Statute",
    "SubsectionRange",
    "Term",
    "amount_from_description",
    "case_key",
    "evaluate",
    "integer_text",
    "parse_statute",
    "person_key",
    "read_date",
    "read_disposition",
    "read_offense_class",
    "read_sentence",
    "sid_key",
    "subsection_range",
    "violence_kind",
]
