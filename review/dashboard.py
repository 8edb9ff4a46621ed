"""The dashboard's reads: what needs each user now, the office's counts per stage, and how often
attorneys override the machine (per reason code and per list).

Every number is an aggregate query (a handful per page, none per row), so that the page stays
fast with a million convictions.

Override rates are over current decisions (``Review.decision``) on rows where the machine made a
call (ELIGIBLE or NOT_ELIGIBLE). A NEEDS_REVIEW row can only be resolved by an override, so
counting it would make every NEEDS_REVIEW reason look 100 % overridden: those are counted apart as
"resolved". A decision whose machine view carried several reason codes counts for each code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Q

from accounts.access import perm
from eligibility.models import Conviction, Determination
from review import batches, samples, selectors
from review.models import Batch, Decision, Review

State = Batch.State
OVERRIDE = Decision.Kind.OVERRIDE
NEEDS_REVIEW = Determination.NEEDS_REVIEW


@dataclass(frozen=True)
class OverrideRate:
    key: Any  # a reason code ("" for none), or a list id
    label: str
    called: int  # current decisions where the machine made a call
    overridden: int
    resolved: int  # current decisions on rows the machine sent to a person

    @property
    def decided(self) -> int:
        return self.called + self.resolved

    @property
    def rate(self) -> float | None:
        return self.overridden / self.called if self.called else None


def _rate_order(row: OverrideRate) -> tuple[float, int, str]:
    return (-(row.rate or 0.0), -row.called, str(row.label))


def office_counts() -> dict[str, Any]:
    """Rows received, determinations, decisions, and convictions in batches by state."""
    rows = Conviction.objects.aggregate(
        received=Count("pk"),
        evaluated=Count("pk", filter=~Q(determination="")),
        eligible=Count("pk", filter=Q(determination=Determination.ELIGIBLE)),
        needs_review=Count("pk", filter=Q(determination=Determination.NEEDS_REVIEW)),
        not_eligible=Count("pk", filter=Q(determination=Determination.NOT_ELIGIBLE)),
    )
    decided = Review.objects.filter(decision__isnull=False).aggregate(
        decided=Count("pk"),
        overridden=Count("pk", filter=Q(decision__kind=OVERRIDE)),
    )
    by_state = {
        row["state"]: row
        for row in Batch.objects.values("state")
        .annotate(batches=Count("pk", distinct=True), convictions=Count("items"))
        .order_by()
    }
    labels = dict(State.choices)
    in_batches = [
        {
            "state": state,
            "label": labels[state],
            "batches": by_state.get(state, {}).get("batches", 0),
            "convictions": by_state.get(state, {}).get("convictions", 0),
        }
        for state in State.values
    ]
    return {
        **rows,
        **decided,
        "undecided": max(rows["evaluated"] - decided["decided"], 0),
        "in_batches": in_batches,
        "batches": {row["state"]: row for row in in_batches},
        "filed": by_state.get(State.FILED, {}).get("convictions", 0),
    }


def override_rates_by_reason() -> list[OverrideRate]:
    """One grouped query over current decisions and the reason codes of their machine view."""
    review, decision = Review._meta.db_table, Decision._meta.db_table
    if connection.vendor == "postgresql":
        codes = "CROSS JOIN LATERAL jsonb_array_elements_text(d.machine_reasons) AS r(code)"
        code = "r.code"
    else:
        codes = ", json_each(d.machine_reasons) AS r"
        code = "r.value"
    sql = f"""
        SELECT {code},
               SUM(CASE WHEN d.machine_determination <> %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN d.machine_determination <> %s AND d.kind = %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN d.machine_determination = %s THEN 1 ELSE 0 END)
        FROM {review} rv JOIN {decision} d ON d.id = rv.decision_id {codes}
        GROUP BY {code}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [NEEDS_REVIEW, NEEDS_REVIEW, OVERRIDE, NEEDS_REVIEW])
        found = cursor.fetchall()
    rates = [OverrideRate(c, c, int(a or 0), int(o or 0), int(r or 0)) for c, a, o, r in found]
    plain = _current().filter(decision__machine_reasons=[]).aggregate(**_rate_counts())
    if any(plain.values()):
        rates.append(
            OverrideRate(
                "", "(no reason code)", plain["called"], plain["overridden"], plain["resolved"]
            )
        )
    return sorted(rates, key=_rate_order)


def override_rates_by_list() -> list[OverrideRate]:
    found = (
        _current()
        .values("conviction__isp_list_id", "conviction__isp_list__filename")
        .annotate(**_rate_counts())
        .order_by("conviction__isp_list_id")
    )
    return [
        OverrideRate(
            row["conviction__isp_list_id"],
            f"#{row['conviction__isp_list_id']} {row['conviction__isp_list__filename']}",
            row["called"],
            row["overridden"],
            row["resolved"],
        )
        for row in found
    ]


def _current() -> Any:
    return Review.objects.filter(decision__isnull=False)


def _rate_counts() -> dict[str, Count]:
    called = ~Q(decision__machine_determination=NEEDS_REVIEW)
    return {
        "called": Count("pk", filter=called),
        "overridden": Count("pk", filter=called & Q(decision__kind=OVERRIDE)),
        "resolved": Count("pk", filter=Q(decision__machine_determination=NEEDS_REVIEW)),
    }


def needs_me(user: Any, office: dict[str, Any]) -> dict[str, Any]:
    """What waits for this user, by what their role may do."""
    may = {
        name: user.has_perm(perm(name))
        for name in ("review_convictions", "submit_batches", "approve_batches", "handle_packets")
    }
    found: dict[str, Any] = {"may": may}
    if may["review_convictions"]:
        found["held"] = selectors.held_count(reviewer=user)
        found["blind_samples"] = list(samples.samples_pending()[:10])
    if may["approve_batches"]:
        waiting = batches.batches_for(user).filter(state=State.SUBMITTED).order_by("submitted_at")
        if batches.four_eyes():
            waiting = waiting.filter(mine_reviewed=False)
        found["to_approve"] = list(waiting[:20])
    if may["submit_batches"] or may["approve_batches"]:
        found["returned"] = office["batches"][State.RETURNED]["batches"]
    if may["handle_packets"]:
        found["to_generate"] = office["batches"][State.APPROVED]["batches"]
        found["to_file"] = office["batches"][State.PACKET_GENERATED]["batches"]
    return found
