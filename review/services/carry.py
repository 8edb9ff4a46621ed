"""Decisions across lists (issue 18): a conviction that comes again on a later list keeps the
decision an attorney made on an earlier copy, shown as carried over (who, when, on which list).
A row the later list corrected (disposition, class, sentence or amount changed) or whose machine
determination changed carries the decision too, for another look, with what changed
(``Review.needs_another_look``).

Runs when a list's evaluation finishes, inside the transaction that marks it ready
(``eligibility.signals.list_evaluated``), so a list is never ready without its carry-over.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, OuterRef, Subquery

from accounts.audit import audit_record
from eligibility.models import Conviction, IspList
from review.models import Batch, BatchItem, Decision, Review
from review.selectors import queue as queue_selectors


def decisions_carry_over(*, isp_list: IspList, known: int | None = None) -> dict[str, int]:
    """Carry the newest decision of each conviction's earlier copies onto the list's undecided
    rows. Returns the counts for the list's history: ``decided`` and ``approved`` (known rows
    whose conviction was decided, or is in an approved batch, on an earlier list), ``carried``
    and ``flagged`` (carried decisions that want another look). ``known``: how many of the
    list's rows are on an earlier list, when the caller knows (with none, the queries over them
    are spared: each reads every row of the list)."""
    counts = {"decided": 0, "approved": 0}
    if known != 0:
        carried = _carry(_carry_targets(isp_list))
        if carried:
            audit_record(
                action="decision.carry_over",
                obj=isp_list,
                detail={"carried": len(carried)},
            )
        known_rows = Conviction.objects.filter(isp_list=isp_list, copy_of__isnull=False)
        earlier = {
            "conviction__identity": OuterRef("identity"),
            "conviction__isp_list_id__lt": isp_list.pk,
        }
        decided = Review.objects.filter(**earlier, decision__isnull=False)
        approved = BatchItem.objects.filter(**earlier, batch__state__in=Batch.LOCKED_STATES)
        counts["decided"] = known_rows.filter(Exists(decided)).count()
        counts["approved"] = known_rows.filter(Exists(approved)).count()
    # Counted on the list as it stands (a re-evaluation carries nothing new, and says the same).
    carried_rows = Conviction.objects.filter(
        isp_list=isp_list, review__decision__carried_from__isnull=False
    )
    counts["carried"] = carried_rows.count()
    counts["flagged"] = carried_rows.filter(queue_selectors.another_look_q()).count()
    return counts


def _carry_targets(isp_list: IspList) -> list[tuple[int, str, dict[str, Any], Decision]]:
    """The list's undecided known rows whose conviction was decided on an earlier list, each
    ``(id, machine determination, changes, newest earlier decision)``."""
    earlier_decision = (
        Review.objects.filter(
            conviction__identity=OuterRef("identity"),
            conviction__isp_list_id__lt=isp_list.pk,
            decision__isnull=False,
        )
        .exclude(conviction__identity="")
        .order_by("-decision__decided_at", "-decision_id")
        .values("decision_id")[:1]
    )
    rows = list(
        Conviction.objects.filter(isp_list=isp_list, copy_of__isnull=False)
        .filter(queue_selectors.undecided_q())
        .annotate(source=Subquery(earlier_decision))
        .filter(source__isnull=False)
        .values_list("pk", "determination", "changes", "source")
    )
    sources = Decision.objects.in_bulk({source for *_, source in rows})
    return [
        (pk, determination, changes, sources[source]) for pk, determination, changes, source in rows
    ]


def _carry(targets: list[tuple[int, str, dict[str, Any], Decision]]) -> list[Decision]:
    """Record on each conviction ``(id, machine determination, changes, source decision)`` the
    source decision carried over, and make it current (ending any claim)."""
    carried: list[Decision] = []
    for pk, determination, changes, source in targets:
        carried.append(
            Decision(
                conviction_id=pk,
                reviewer_id=source.reviewer_id,
                decided_at=source.decided_at,
                kind=source.kind,
                bulk=source.bulk,
                machine_determination=source.machine_determination,
                machine_reasons=source.machine_reasons,
                previous=determination,
                outcome=source.outcome,
                reason=source.reason,
                note=source.note,
                carried_from_id=source.carried_from_id or source.pk,
                changes=changes,
            )
        )
    Decision.objects.bulk_create(carried, batch_size=2000)
    ids = [decision.conviction_id for decision in carried]
    Review.objects.bulk_create([Review(conviction_id=pk) for pk in ids], ignore_conflicts=True)
    reviews = [
        Review(conviction_id=d.conviction_id, decision_id=d.pk, version=F("version") + 1)
        for d in carried
    ]
    Review.objects.bulk_update(reviews, ["decision", "version"], batch_size=2000)
    Review.objects.filter(conviction_id__in=ids).update(claimed_by=None, claimed_at=None)
    return carried


def decision_carry_to_copies(*, decision: Decision, conviction: Conviction) -> list[int]:
    """An attorney decided ``conviction``: its undecided copies on other lists take the decision
    (carried over), so that the same conviction is never reviewed twice. A copy another
    decision is writing at this moment (its row locked) is left to that decision. Call inside
    the decision's transaction. Returns the convictions that took it."""
    if not conviction.identity:
        return []
    free = list(
        Conviction.objects.filter(identity=conviction.identity, purged_at__isnull=True)
        .exclude(isp_list_id=conviction.isp_list_id)  # a row twice in one list: the rules' R20
        .select_for_update(skip_locked=True, no_key=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rows = (
        Conviction.objects.filter(pk__in=free)
        .filter(queue_selectors.undecided_q())
        .values_list("pk", "isp_list_id", "determination", "changes")
    )
    carried = _carry(
        [
            # a later list's corrections are since the facts the attorney saw
            (pk, determination, changes if list_id > conviction.isp_list_id else {}, decision)
            for pk, list_id, determination, changes in rows
        ]
    )
    return [d.conviction_id for d in carried]
