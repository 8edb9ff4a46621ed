"""The office policy: what each switch means, and the impact of a proposed change.

``policy_impact`` evaluates a list under two policies without storing anything, one chunk of
people at a time (the same buckets the pipeline uses), so memory stays bounded on a big list.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from eligibility.models import Conviction, IspList
from eligibility.rules import Policy, Record, evaluate

# Plain English for each switch of spec section 9, and why the office has it.
SWITCHES: dict[str, dict[str, str]] = {
    "county": {
        "label": "County",
        "meaning": "Rows from any other county are not eligible (rule R2): this office can only "
        "move the court of its own county. It is the county of the office's county profile, "
        "not a switch of the policy.",
        "basis": "A State's Attorney acts in the courts of the county: 20 ILCS 2630/5.2(i).",
    },
    "max_grams": {
        "label": "Program amount cap (grams)",
        "meaning": "Convictions concerning this amount or more are not eligible (R12); rows "
        "whose amount cannot be read, or whose amount range reaches past the cap (such as "
        "“more than 10 grams” under a cap of 30), go to review (R13). Empty: no cap, the "
        "statute's whole misdemeanor and Class 4 felony scope.",
        "basis": "The office's program follows the Act's “Minor Cannabis Offense”: not more than "
        "30 grams (20 ILCS 2630/5.2(i); P.A. 101-27).",
    },
    "section5_misdemeanor": {
        "label": "Section 5 misdemeanors",
        "meaning": "What happens to a misdemeanor under Section 5 (manufacture or delivery of a "
        "small amount): send to review, treat as eligible, or not eligible.",
        "basis": "5.2(i) names Class 4 felonies of Section 5; whether Section 5 misdemeanors are "
        "covered is unsettled, so the office decides.",
    },
    "violent_association": {
        "label": "Association with a violent offense",
        "meaning": "A conviction in the same case as a charge on the violent list (R15) is not "
        "eligible, or goes to review.",
        "basis": "A Minor Cannabis Offense is one not associated with a violent crime: "
        "725 ILCS 120/3(c).",
    },
    "recent_sentence_days": {
        "label": "Recent-sentence window (days)",
        "meaning": "A recent conviction whose sentence cannot be read goes to review (R18) when "
        "fewer than this many days have passed since disposition.",
        "basis": "A motion may follow only completion of the non-financial sentence.",
    },
}

DETERMINATIONS = ("ELIGIBLE", "NEEDS_REVIEW", "NOT_ELIGIBLE")
_FIELDS = tuple(f for f in Record.__dataclass_fields__ if f != "row")
_BUCKETS_PER_STEP = 64


@dataclass
class Move:
    conviction_id: int
    list_id: int
    row: int
    before: str
    after: str
    reasons_before: list[str]
    reasons_after: list[str]


@dataclass
class Impact:
    """How determinations change from ``current`` to ``proposed``."""

    rows: int = 0
    # (before, after) -> rows
    matrix: Counter[tuple[str, str]] = field(default_factory=Counter)
    # reason code -> rows that gain / lose it
    gained: Counter[str] = field(default_factory=Counter)
    lost: Counter[str] = field(default_factory=Counter)
    moves: list[Move] = field(default_factory=list)
    moved: int = 0

    # Templates look a name up on a Counter as a key first (and get 0): hand them lists.
    @property
    def gained_codes(self) -> list[tuple[str, int]]:
        return self.gained.most_common()

    @property
    def lost_codes(self) -> list[tuple[str, int]]:
        return self.lost.most_common()

    def table(self) -> list[dict[str, Any]]:
        return [
            {"before": b, "cells": [self.matrix.get((b, a), 0) for a in DETERMINATIONS]}
            for b in DETERMINATIONS
        ]

    def totals(self, side: str) -> dict[str, int]:
        index = 0 if side == "before" else 1
        totals: Counter[str] = Counter()
        for key, n in self.matrix.items():
            totals[key[index]] += n
        return {d: totals.get(d, 0) for d in DETERMINATIONS}


def policy_impact(
    *,
    lists: list[IspList],
    current: Policy,
    proposed: Policy,
    keep_moves: int = 500,
) -> Impact:
    """Evaluate ``lists`` under both policies; store nothing. Keeps the first ``keep_moves``
    rows that change determination (for links), and counts all of them."""
    impact = Impact()
    for isp_list in lists:
        for lo in range(0, 1024, _BUCKETS_PER_STEP):
            rows = list(
                Conviction.objects.filter(
                    isp_list=isp_list, bucket__gte=lo, bucket__lt=lo + _BUCKETS_PER_STEP
                )
                .order_by("row_number")
                .values_list("id", "row_number", *_FIELDS)
            )
            if not rows:
                continue
            records = [Record(*row[1:]) for row in rows]
            before = evaluate(records, current, isp_list.as_of)
            after = evaluate(records, proposed, isp_list.as_of)
            for row, old, new in zip(rows, before, after, strict=True):
                impact.rows += 1
                impact.matrix[(old.determination, new.determination)] += 1
                impact.gained.update(new.reasons - old.reasons)
                impact.lost.update(old.reasons - new.reasons)
                if old.determination != new.determination:
                    impact.moved += 1
                    if len(impact.moves) < keep_moves:
                        impact.moves.append(
                            Move(
                                conviction_id=row[0],
                                list_id=isp_list.pk,
                                row=row[1],
                                before=old.determination,
                                after=new.determination,
                                reasons_before=sorted(old.reasons),
                                reasons_after=sorted(new.reasons),
                            )
                        )
    impact.moves.sort(key=lambda move: (move.list_id, move.row))
    return impact


def policy_from_values(values: dict[str, Any]) -> Policy:
    grams = values.get("max_grams")
    return Policy(
        county=str(values["county"]).strip().upper(),
        max_grams=None if grams in (None, "", "none") else float(grams),
        section5_misdemeanor=values.get("section5_misdemeanor", "review"),
        violent_association=values.get("violent_association", "not_eligible"),
        recent_sentence_days=int(values.get("recent_sentence_days", 1095)),
    )
