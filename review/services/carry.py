"""Decisions across lists (issue 18): a conviction that comes again on a later list keeps the
decision an attorney made on an earlier copy, shown as carried over (who, when, on which list).
A row the later list corrected (disposition, class, sentence or amount changed) or whose machine
determination changed carries the decision too, for another look, with what changed
(``Review.needs_another_look``).

Runs when a list's evaluation finishes, inside the transaction that marks it ready
(``eligibility.signals.list_evaluated``), so a list is never ready without its carry-over.
"""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Subquery

from accounts.audit import audit_record
from eligibility.models import Conviction, IspList
from review.models import Batch, BatchItem, Decision, Review
from review.selectors import queue as queue_selectors


def decisions_carry_over(*, isp_list: IspList) -> dict[str, int]:
    """Carry the newest decision of each conviction's earlier copies onto the list's undecided
    rows. Returns the counts for the list's history: ``decided`` and ``approved`` (known rows
    whose conviction was decided, or is in an approved batch, on an earlier list), ``carried``
    and ``flagged`` (carried decisions that want another look)."""
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
        .values_list("pk", "determination", "reasons", "changes", "source")
    )
    sources = Decision.objects.in_bulk({source for *_, source in rows})
    carried: list[Decision] = []
    for pk, determination, _reasons, changes, source_id in rows:
        source = sources[source_id]
        root = source.carried_from if source.carried_from_id else source
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
                carried_from=root,
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
    flagged = sum(
        1
        for d, (_pk, determination, reasons, *_rest) in zip(carried, rows, strict=True)
        if d.changes
        or d.machine_determination != determination
        or sorted(d.machine_reasons) != sorted(reasons)
    )
    if carried:
        audit_record(
            action="decision.carry_over",
            obj=isp_list,
            detail={"carried": len(carried), "flagged": flagged},
        )
    known = Conviction.objects.filter(isp_list=isp_list, copy_of__isnull=False)
    earlier = {
        "conviction__identity": OuterRef("identity"),
        "conviction__isp_list_id__lt": isp_list.pk,
    }
    decided = Review.objects.filter(**earlier, decision__isnull=False)
    approved = BatchItem.objects.filter(**earlier, batch__state__in=Batch.LOCKED_STATES)
    return {
        "decided": known.filter(Exists(decided)).count(),
        "approved": known.filter(Exists(approved)).count(),
        "carried": len(carried),
        "flagged": flagged,
    }
