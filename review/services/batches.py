"""The writes of batches: gathering convictions decided ELIGIBLE by court location, taking them
out, the approval state machine with the four-eyes rule (design.md "Roles"), and what a decision
does to a batch (the lock it takes, its item following it). Every write of a ``BatchItem`` is
here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.access import perm
from accounts.audit import audit_record
from core.refusals import Refused
from eligibility.models import Conviction
from review.models import Batch, BatchEvent, BatchItem, Decision, Outcome
from review.selectors.batches import (
    batchable_convictions,
    copies_batched,
    four_eyes,
    in_location,
    reviewed_by,
)

State = Batch.State


@dataclass(frozen=True)
class Transition:
    source: tuple[str, ...]
    target: str
    permission: str  # the accounts permission the actor needs
    done: str  # what the action does to a batch, for "cannot be …"
    needs_comment: bool = False


# action -> the states it leaves from, where it goes, who may take it
TRANSITIONS: dict[str, Transition] = {
    "submit": Transition((State.DRAFT,), State.SUBMITTED, "submit_batches", "submitted"),
    "approve": Transition((State.SUBMITTED,), State.APPROVED, "approve_batches", "approved"),
    "return": Transition(
        (State.SUBMITTED,), State.RETURNED, "approve_batches", "returned", needs_comment=True
    ),
    "reopen": Transition((State.RETURNED,), State.DRAFT, "submit_batches", "reopened"),
    # A supervisor's explicit action to change a locked batch (e.g. a decision must change).
    "send_back": Transition(
        (State.APPROVED, State.PACKET_GENERATED),
        State.RETURNED,
        "approve_batches",
        "sent back",
        needs_comment=True,
    ),
    "packet_generated": Transition(
        (State.APPROVED,), State.PACKET_GENERATED, "handle_packets", "given a packet"
    ),
    "file": Transition((State.PACKET_GENERATED,), State.FILED, "handle_packets", "filed"),
}


class BatchRefused(Refused):
    """A batch action that is not allowed; the message says why."""


def batch_create(
    *,
    court_location: str,
    user: Any,
    disposed_from: date | None = None,
    disposed_to: date | None = None,
    limit: int | None = None,
) -> Batch:
    """Gather the convictions decided ELIGIBLE, in no batch, of one court location (and
    optionally a disposition-date range), newest first, into a draft batch."""
    with transaction.atomic():
        rows = batchable_convictions().filter(in_location(court_location))
        if disposed_from:
            rows = rows.filter(disposition_on__gte=disposed_from)
        if disposed_to:
            rows = rows.filter(disposition_on__lte=disposed_to)
        rows = rows.select_for_update(of=("self",)).order_by("-disposition_on", "-id")
        picked: list[tuple[int, int]] = []
        seen: set[str] = set()
        # The same conviction on two lists, both decided and gathered here: it goes once.
        for pk, decision, identity in rows.values_list("id", "review__decision_id", "identity"):
            if identity and identity in seen:
                continue
            seen.add(identity)
            picked.append((pk, decision))
            if limit and len(picked) >= limit:
                break
        if not picked:
            raise BatchRefused(
                "No conviction decided eligible and in no batch matches: nothing to gather."
                + _copies_note(court_location, disposed_from, disposed_to)
            )
        batch = Batch.objects.create(
            court_location=court_location,
            disposed_from=disposed_from,
            disposed_to=disposed_to,
            created_by=user,
        )
        BatchItem.objects.bulk_create(
            [BatchItem(batch=batch, conviction_id=c, decision_id=d) for c, d in picked],
            batch_size=2000,
        )
        BatchEvent.objects.create(
            batch=batch, actor=user, action="create", from_state="", to_state=State.DRAFT
        )
        audit_record(
            action="batch.create",
            actor=user,
            obj=batch,
            detail={"court_location": court_location, "convictions": len(picked)},
        )
    return batch


def _copies_note(location: str, disposed_from: date | None, disposed_to: date | None) -> str:
    """Why convictions decided eligible there were not gathered: their copy on another list is
    in a batch already (named)."""
    rows = Conviction.objects.filter(
        in_location(location),
        review__decision__outcome=Outcome.ELIGIBLE,
        batch_item__isnull=True,
        purged_at__isnull=True,
    )
    if disposed_from:
        rows = rows.filter(disposition_on__gte=disposed_from)
    if disposed_to:
        rows = rows.filter(disposition_on__lte=disposed_to)
    held = copies_batched(rows=rows)
    if not held:
        return ""
    return " " + " ".join(_copy_sentence(item) for item in held)


def _copy_sentence(item: dict[str, Any]) -> str:
    state = Batch.State(item["other_state"]).label.lower()
    return (
        f"Row {item['row_number']} of list #{item['isp_list_id']} is the same conviction as one "
        f"already in batch #{item['other_batch']} ({state}) from another list: it goes to court "
        "once."
    )


def batch_remove_items(*, batch: Batch, conviction_ids: list[int], user: Any) -> int:
    """Take convictions out of a draft batch (they become batchable again)."""
    with transaction.atomic():
        locked = Batch.objects.select_for_update().get(pk=batch.pk)
        if locked.state != State.DRAFT:
            raise BatchRefused("Only a draft batch can change; reopen it first.")
        removed, _ = BatchItem.objects.filter(
            batch=locked, conviction_id__in=conviction_ids
        ).delete()
        audit_record(
            action="batch.remove",
            actor=user,
            obj=locked,
            detail={"convictions": sorted(conviction_ids), "removed": removed},
        )
    return removed


def batch_transition(*, batch: Batch, action: str, user: Any, comment: str = "") -> Batch:
    """Take one action of the state machine; refuse anything else with a message.

    The checks and the change are made holding the batch row's lock: a decision on one of its
    convictions takes the same lock (``batch_lock_for_decision``), so a supervisor who
    approves and decides an item at the same moment is refused one of the two (four eyes)."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise BatchRefused(f"Unknown action {action!r}.")
    if not user.has_perm(perm(transition.permission)):
        raise BatchRefused("Your role does not allow this action on a batch.")
    comment = comment.strip()
    if transition.needs_comment and not comment:
        raise BatchRefused("Say why: a comment is required to return a batch.")
    with transaction.atomic():
        locked = Batch.objects.select_for_update().get(pk=batch.pk)
        if locked.state not in transition.source:
            raise BatchRefused(
                f"A batch that is {locked.get_state_display().lower()} cannot be {transition.done}."
            )
        if action == "approve" and four_eyes() and reviewed_by(locked, user):
            raise BatchRefused(
                "Four eyes: you decided a conviction in this batch, so another supervisor must "
                "approve it."
            )
        if action == "submit" and not locked.items.exists():
            raise BatchRefused("An empty batch cannot be submitted.")
        if action in ("submit", "approve") and (
            held := copies_batched(rows=Conviction.objects.filter(batch_item__batch=locked))
        ):
            raise BatchRefused(
                " ".join(_copy_sentence(item) for item in held)
                + " Take it out of this batch first."
            )
        now = timezone.now()
        changes: dict[str, Any] = {"state": transition.target}
        if action == "submit":
            changes.update(submitted_by=user, submitted_at=now)
        if action == "approve":
            changes.update(approved_by=user, approved_at=now)
        if transition.needs_comment:
            changes["comment"] = comment
        if action == "send_back":
            changes["revision"] = F("revision") + 1  # its packets, if any, are superseded
        updated = Batch.objects.filter(pk=locked.pk, state=locked.state).update(**changes)
        if updated != 1:
            raise BatchRefused("The batch changed meanwhile: reload it and try again.")
        BatchEvent.objects.create(
            batch=locked,
            actor=user,
            action=action,
            from_state=locked.state,
            to_state=transition.target,
            comment=comment,
        )
        audit_record(
            action=f"batch.{action}",
            actor=user,
            obj=locked,
            detail={"from": locked.state, "to": transition.target, "comment": comment},
        )
    batch.refresh_from_db()
    return batch


def batch_lock_for_decision(conviction_id: int) -> Batch | None:
    """Inside a decision's transaction, lock the conviction and then the batch it is in (if
    any), and return that batch as it is now.

    Approving takes the same batch row lock before its four-eyes check, so a decision on an item
    and the approval of its batch never interleave: whichever comes second sees the first. The
    conviction is locked first because gathering a batch locks the convictions it gathers: a
    decision waits for a batch being gathered around it, then sees it. Every transaction that
    takes both takes them in this order (conviction, then batch), so they cannot deadlock."""
    list(
        Conviction.objects.filter(pk=conviction_id)
        .select_for_update(no_key=True)
        .values_list("pk", flat=True)
    )
    return (
        Batch.objects.filter(items__conviction_id=conviction_id)
        .select_for_update(of=("self",))
        .first()
    )


def batch_item_follow_decision(*, batch: Batch, decision: Decision, user: Any) -> None:
    """A new decision on a conviction in an open batch: its item follows it, and the batch's
    history says so. Still ELIGIBLE, the item stays, pointing at the new decision; NOT_ELIGIBLE,
    the item leaves the batch.

    Called inside the decision's transaction, after ``batch_lock_for_decision`` returned this
    batch: the batch row is locked, so its state cannot change meanwhile."""
    if batch.is_locked:
        raise BatchRefused(
            f"A batch that is {batch.get_state_display().lower()} cannot change: a supervisor "
            "must send it back first."
        )
    with transaction.atomic():
        items = BatchItem.objects.filter(batch=batch, conviction_id=decision.conviction_id)
        outcome = decision.get_outcome_display().lower()
        if decision.outcome == Outcome.ELIGIBLE:
            changed = items.update(decision=decision)
            action = "redecide"
            comment = f"Conviction {decision.conviction_id} decided again ({outcome}): it stays."
        else:
            changed, _ = items.delete()
            action = "remove"
            comment = f"Conviction {decision.conviction_id} decided {outcome}: taken out."
        if changed:
            BatchEvent.objects.create(
                batch=batch,
                actor=user,
                action=action,
                from_state=batch.state,
                to_state=batch.state,
                comment=comment,
            )
