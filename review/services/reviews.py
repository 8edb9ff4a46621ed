"""Every write of the review queue: claims, releases, reassignments and decisions.

Claims are taken by compare-and-set (house style, after healthchecks): the UPDATE that takes an
item names the state it expects (undecided, held by nobody or by an expired claim), so that two
attorneys never hold the same item. Decisions check the ``version`` the attorney's form was
rendered at, so a form submitted against a stale page is refused instead of overwriting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from accounts.access import perm
from accounts.audit import audit_record
from core.refusals import Refused
from eligibility.models import Conviction, Determination
from review.models import Decision, Outcome, OverrideReason, Review
from review.selectors import queue as queue_selectors
from review.services import batches as batch_services
from review.services import carry

CLAIM_SIZE = 25
# A claim that loses races (another attorney took the same rows first) tries again this often.
CLAIM_ATTEMPTS = 5


class ReviewRefused(Refused):
    """A claim or decision the rules do not allow; ``message`` says why, for the attorney."""


class StaleReview(ReviewRefused):
    """The item changed since the attorney's page was rendered."""


class HeldByAnother(ReviewRefused):
    """Another attorney holds an active claim on the item."""


def _reviews_ensure(conviction_ids: Iterable[int]) -> None:
    """Create the missing review rows, in one statement (review rows are created lazily: the
    first claim or decision of a conviction creates its row)."""
    Review.objects.bulk_create(
        [Review(conviction_id=pk) for pk in conviction_ids], ignore_conflicts=True
    )


# Claims ------------------------------------------------------------------------------------------


def review_claim_next(
    *, reviewer: Any, count: int = CLAIM_SIZE, within: QuerySet[Conviction] | None = None
) -> list[int]:
    """Give the reviewer the next ``count`` claimable convictions in queue order (within the
    given rows, e.g. the queue's filters). Returns the ids claimed; safe when attorneys race:
    on PostgreSQL rows another claim is taking are skipped (``FOR UPDATE SKIP LOCKED``), and the
    compare-and-set UPDATE keeps any row that was taken meanwhile from being taken twice."""
    rows = queue_selectors.claim_scope() if within is None else within
    claimed: list[int] = []
    for _attempt in range(CLAIM_ATTEMPTS):
        wanted = count - len(claimed)
        if wanted <= 0:
            break
        now = timezone.now()
        cutoff = queue_selectors.claim_cutoff(now)
        with transaction.atomic():
            candidates = list(
                rows.exclude(determination="")
                .filter(queue_selectors.claimable_q(cutoff))
                .order_by(*queue_selectors.QUEUE_ORDER)
                # NO KEY: the lock that keeps two claims apart, and lets others insert review
                # rows that point at these convictions meanwhile.
                .select_for_update(skip_locked=True, of=("self",), no_key=True)
                .values_list("pk", flat=True)[:wanted]
            )
            if not candidates:
                break
            _reviews_ensure(candidates)
            # Compare-and-set: the UPDATE's WHERE is the state a claimable row is in, so a row
            # another attorney took meanwhile is left alone.
            Review.objects.filter(
                Q(claimed_by__isnull=True) | Q(claimed_at__lt=cutoff),
                pk__in=candidates,
                decision__isnull=True,
            ).update(claimed_by=reviewer, claimed_at=now, version=F("version") + 1)
            taken = set(
                Review.objects.filter(
                    pk__in=candidates, claimed_by=reviewer, claimed_at=now
                ).values_list("pk", flat=True)
            )
            claimed.extend(pk for pk in candidates if pk in taken)
    if claimed:
        audit_record(
            action="review.claim",
            actor=reviewer,
            detail={"convictions": claimed, "count": len(claimed)},
        )
    return claimed


def review_claim(*, conviction: Conviction, reviewer: Any) -> None:
    """Claim one conviction (from its page). Refused when it is decided or another attorney
    holds it."""
    now = timezone.now()
    with transaction.atomic():
        _reviews_ensure([conviction.pk])
        taken = Review.objects.filter(
            Q(claimed_by__isnull=True)
            | Q(claimed_by=reviewer)
            | Q(claimed_at__lt=queue_selectors.claim_cutoff(now)),
            pk=conviction.pk,
            decision__isnull=True,
        ).update(claimed_by=reviewer, claimed_at=now, version=F("version") + 1)
        if taken != 1:
            review = Review.objects.select_related("claimed_by").get(pk=conviction.pk)
            if review.decision_id is not None:
                raise ReviewRefused("This conviction is decided already: there is nothing to take.")
            raise HeldByAnother(f"{review.claimed_by} holds this conviction.")
        audit_record(
            action="review.claim",
            actor=reviewer,
            obj=conviction,
            detail={"convictions": [conviction.pk], "count": 1},
        )


def review_release(*, reviewer: Any, conviction_ids: Iterable[int] | None = None) -> int:
    """Give back the reviewer's claims (all of them, or the given convictions)."""
    with transaction.atomic():
        held = Review.objects.filter(claimed_by=reviewer)
        if conviction_ids is not None:
            held = held.filter(pk__in=list(conviction_ids))
        ids = list(held.values_list("pk", flat=True).select_for_update())
        released = Review.objects.filter(pk__in=ids, claimed_by=reviewer).update(
            claimed_by=None, claimed_at=None, version=F("version") + 1
        )
        if released:
            audit_record(
                action="review.release",
                actor=reviewer,
                detail={"convictions": ids, "count": released},
            )
    return released


def review_reassign(*, conviction_ids: Iterable[int], to: Any | None, by: Any) -> int:
    """A supervisor hands undecided convictions to another attorney (``to``), or releases them
    (``to=None``), whoever holds them now. Returns how many were reassigned."""
    if not queue_selectors.is_supervisor(by):
        raise ReviewRefused("Only a supervisor may reassign claims.")
    if to is not None and not to.has_perm(perm("review_convictions")):
        raise ReviewRefused(f"{to} does not review convictions.")
    ids = sorted(set(conviction_ids))
    now = timezone.now()
    with transaction.atomic():
        _reviews_ensure(
            Conviction.objects.filter(pk__in=ids)
            .exclude(determination="")
            .values_list("pk", flat=True)
        )
        rows = Review.objects.filter(pk__in=ids, decision__isnull=True)
        before = dict(
            rows.values_list("pk", "claimed_by__username").select_for_update(of=("self",))
        )
        reassigned = Review.objects.filter(pk__in=list(before)).update(
            claimed_by=to,
            claimed_at=now if to is not None else None,
            version=F("version") + 1,
        )
        if reassigned:
            audit_record(
                action="review.reassign",
                actor=by,
                detail={
                    "convictions": sorted(before),
                    "to": to.get_username() if to is not None else None,
                    "from": {str(pk): holder for pk, holder in sorted(before.items())},
                },
            )
    return reassigned


# Decisions ---------------------------------------------------------------------------------------


def _refuse_if_held_by_another(review: Review, reviewer: Any) -> None:
    if queue_selectors.claim_is_active(review) and review.claimed_by_id != reviewer.pk:
        raise HeldByAnother(
            f"{review.claimed_by} holds this conviction until "
            f"{timezone.localtime(queue_selectors.claim_expires_at(review)):%-I:%M %p}: "
            "only they (or a supervisor, by reassigning it) may decide it."
        )


def _decision_outcome(
    conviction: Conviction, kind: str, outcome: str, reason: str, note: str
) -> str:
    """The outcome a confirm or an override gives, or refuse it with the attorney's message."""
    machine = conviction.determination
    if not machine:
        raise ReviewRefused("This row has not been evaluated yet: wait for the list to be ready.")
    if kind == Decision.Kind.CONFIRM:
        if machine not in Outcome.values:
            raise ReviewRefused(
                "A row that needs review cannot be confirmed: override it to Eligible or Not "
                "eligible, with a reason."
            )
        return machine
    if kind != Decision.Kind.OVERRIDE:
        raise ReviewRefused("Choose to confirm or to override.")
    if outcome not in Outcome.values:
        raise ReviewRefused("An override must say Eligible or Not eligible.")
    if not reason:
        raise ReviewRefused("An override needs a reason: choose one from the list.")
    if reason not in OverrideReason.values:
        raise ReviewRefused("Choose a reason from the list.")
    if reason == OverrideReason.OTHER and not note.strip():
        raise ReviewRefused("“Other” needs a note saying why.")
    if outcome == machine:
        raise ReviewRefused(
            "That is the machine's determination already: confirm it instead of overriding."
        )
    return outcome


def decision_record(
    *,
    conviction: Conviction,
    reviewer: Any,
    kind: str,
    version: int,
    outcome: str = "",
    reason: str = "",
    note: str = "",
) -> Decision:
    """Record one attorney's decision on one conviction: confirm the machine's determination
    (ELIGIBLE or NOT_ELIGIBLE only) or override it, with a reason, to ELIGIBLE or NOT_ELIGIBLE.

    ``version`` is the review version the attorney's page showed: if the item changed since
    (claimed, reassigned, decided by someone else) the decision is refused (``StaleReview``).
    The decision is added to the history, becomes current, and the claim on the item ends."""
    note = note.strip()
    chosen = _decision_outcome(conviction, kind, outcome, reason, note)
    with transaction.atomic():
        # Before anything is read: approving the batch checks four eyes under the same lock.
        batch = batch_services.batch_lock_for_decision(conviction.pk)
        if Conviction.objects.filter(pk=conviction.pk, purged_at__isnull=False).exists():
            raise ReviewRefused(
                "This conviction was expunged and its personal data purged: there is nothing "
                "to decide."
            )
        _reviews_ensure([conviction.pk])
        review = Review.objects.select_related("claimed_by", "decision").get(pk=conviction.pk)
        if review.version != version:
            raise StaleReview(
                "This conviction changed since you opened it (someone claimed or decided it): "
                "nothing was saved. Read it again below and decide again if needed."
            )
        _refuse_if_held_by_another(review, reviewer)
        if batch is not None and batch.is_locked:
            raise ReviewRefused(
                f"This conviction is in {batch.get_state_display().lower()} batch #{batch.pk}: "
                "its decision cannot change until a supervisor sends the batch back."
            )
        decision = Decision.objects.create(
            conviction=conviction,
            reviewer=reviewer,
            decided_at=timezone.now(),
            kind=kind,
            machine_determination=conviction.determination,
            machine_reasons=list(conviction.reasons),
            previous=review.decision.outcome if review.decision else conviction.determination,
            outcome=chosen,
            reason=reason if kind == Decision.Kind.OVERRIDE else "",
            note=note,
        )
        # Compare-and-set on the version: a concurrent change since we read it refuses this one.
        updated = Review.objects.filter(pk=conviction.pk, version=version).update(
            decision=decision, claimed_by=None, claimed_at=None, version=version + 1
        )
        if updated != 1:
            raise StaleReview("This conviction changed while you decided it: nothing was saved.")
        if batch is not None:
            # In an open (unlocked) batch the item follows the decision: out if no longer eligible.
            batch_services.batch_item_follow_decision(batch=batch, decision=decision, user=reviewer)
        copies = carry.decision_carry_to_copies(decision=decision, conviction=conviction)
        audit_record(
            action="decision.record",
            actor=reviewer,
            obj=conviction,
            detail={**_audit(decision), **({"carried_to": copies} if copies else {})},
        )
    return decision


def _audit(decision: Decision) -> dict[str, Any]:
    return {
        "decision": decision.pk,
        "kind": decision.kind,
        "bulk": decision.bulk,
        "from": decision.previous,
        "to": decision.outcome,
        "reason": decision.reason,
        "machine": decision.machine_determination,
    }


@dataclass
class BulkConfirmResult:
    confirmed: list[int] = field(default_factory=list)
    not_clean: list[int] = field(default_factory=list)  # not ELIGIBLE, or carries reason codes
    decided: list[int] = field(default_factory=list)  # decided already
    held: list[int] = field(default_factory=list)  # another attorney holds it
    stale: list[int] = field(default_factory=list)  # changed since the page was rendered


def decisions_bulk_confirm(*, reviewer: Any, versions: dict[int, int]) -> BulkConfirmResult:
    """Confirm, in one action, the selected convictions that are ELIGIBLE with no reason code,
    undecided, not held by another attorney and unchanged since the page showed them
    (``versions``: conviction id → the review version the page showed). Each one becomes an
    individual decision of the reviewer; every other row is left alone and counted."""
    result = BulkConfirmResult()
    if not versions:
        return result
    now = timezone.now()
    with transaction.atomic():
        # Creating the rows first also takes SQLite's write lock, so the reads below cannot be
        # overtaken there; on PostgreSQL the rows are locked.
        _reviews_ensure(versions)
        reviews = list(
            Review.objects.filter(pk__in=list(versions))
            .select_related("conviction")
            .only(
                "conviction_id",
                "claimed_by_id",
                "claimed_at",
                "decision_id",
                "version",
                "conviction__determination",
                "conviction__reasons",
                "conviction__identity",
                "conviction__isp_list_id",
            )
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        ready: list[Review] = []
        for review in reviews:
            conviction = review.conviction
            if conviction.determination != Determination.ELIGIBLE or conviction.reasons:
                result.not_clean.append(review.pk)
            elif review.decision_id is not None:
                result.decided.append(review.pk)
            elif review.version != versions[review.pk]:
                result.stale.append(review.pk)
            elif (
                queue_selectors.claim_is_active(review, now) and review.claimed_by_id != reviewer.pk
            ):
                result.held.append(review.pk)
            else:
                ready.append(review)
        decisions = Decision.objects.bulk_create(
            [
                Decision(
                    conviction_id=review.pk,
                    reviewer=reviewer,
                    decided_at=now,
                    kind=Decision.Kind.CONFIRM,
                    bulk=True,
                    machine_determination=Determination.ELIGIBLE,
                    machine_reasons=[],
                    previous=Determination.ELIGIBLE,
                    outcome=Outcome.ELIGIBLE,
                )
                for review in ready
            ]
        )
        for review, decision in zip(ready, decisions, strict=True):
            review.decision = decision
            review.claimed_by = None
            review.claimed_at = None
            review.version += 1
        Review.objects.bulk_update(ready, ["decision", "claimed_by", "claimed_at", "version"])
        for review, decision in zip(ready, decisions, strict=True):
            copies = carry.decision_carry_to_copies(decision=decision, conviction=review.conviction)
            audit_record(
                action="decision.record",
                actor=reviewer,
                obj=Conviction(pk=decision.conviction_id),
                detail={**_audit(decision), **({"carried_to": copies} if copies else {})},
            )
        result.confirmed = [review.pk for review in ready]
        if result.confirmed:
            audit_record(
                action="decision.bulk_confirm",
                actor=reviewer,
                detail={"convictions": result.confirmed, "count": len(result.confirmed)},
            )
    return result


# The purge ---------------------------------------------------------------------------------------


def decisions_erase_notes(*, conviction_ids: Iterable[int]) -> int:
    """Erase the notes attorneys wrote on the decisions of ``conviction_ids`` (``filings.purge``,
    once the convictions are expunged: free text may name the person). Returns how many notes
    were erased.

    Decisions are append-only for the application (``DecisionQuerySet`` refuses to update
    them); erasing personal data is the one exception, made here alone with a bare queryset
    around that guard, and the purge audits it."""
    with transaction.atomic():
        return (
            QuerySet(model=Decision)
            .filter(conviction_id__in=conviction_ids)
            .exclude(note="")
            .update(note="")
        )
