"""The reads of batches: what can be batched, the batches a user sees, a batch's items, and the
four-eyes rule's questions (design.md "Roles")."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from eligibility.models import Conviction
from eligibility.selectors import profile_current
from review.models import Batch, BatchEvent, BatchItem, Decision
from review.selectors.queue import convictions_decided_eligible


def four_eyes() -> bool:
    return bool(settings.BATCH_FOUR_EYES)


def copy_in_batch_q() -> Q:
    """Convictions whose copy on another list (the same identity) is in a batch: approved,
    filed and ruled on included. A conviction goes to court once: the copy is never batched."""
    return Q(Exists(batch_items_of_copies()))


def batch_items_of_copies() -> QuerySet[BatchItem]:
    """The batch items of the outer conviction's copies on other lists."""
    return (
        BatchItem.objects.filter(conviction__identity=OuterRef("identity"))
        .exclude(conviction_id=OuterRef("pk"))
        .exclude(conviction__identity="")
    )


def batchable_convictions() -> QuerySet[Conviction]:
    """Convictions decided ELIGIBLE, in no batch, not purged (expunged already), and whose
    copies on other lists are in no batch either."""
    return (
        convictions_decided_eligible()
        .filter(batch_item__isnull=True, purged_at__isnull=True)
        .exclude(copy_in_batch_q())
    )


def copies_batched(*, rows: QuerySet[Conviction], limit: int = 5) -> list[dict[str, Any]]:
    """Of ``rows``, those held back because a copy on another list is in a batch: each with
    the earlier batch (id and state), for the message that names it."""
    first = batch_items_of_copies().order_by("batch_id")
    return list(
        rows.filter(copy_in_batch_q())
        .annotate(
            other_batch=Subquery(first.values("batch_id")[:1]),
            other_state=Subquery(first.values("batch__state")[:1]),
        )
        .order_by("pk")
        .values("pk", "row_number", "isp_list_id", "other_batch", "other_state")[:limit]
    )


def in_location(location: str) -> Q:
    """The convictions a batch of ``location`` gathers, as the county profile finds a row's
    court location: its list's column, or the one courthouse of the county for every row."""
    single = profile_current().single_location
    if single:
        return Q() if location == single else Q(pk__in=[])
    return Q(court_location=location)


def court_locations() -> list[dict[str, Any]]:
    """Court locations with convictions ready to batch, and how many (as the county profile
    finds a row's location)."""
    single = profile_current().single_location
    if single:
        ready = batchable_convictions().count()
        return [{"court_location": single, "n": ready}] if ready else []
    return list(
        batchable_convictions()
        .values("court_location")
        .annotate(n=Count("id"))
        .order_by("-n", "court_location")
    )


def reviewed_by(batch: Batch, user: Any) -> bool:
    """Whether ``user`` decided any conviction in the batch (the four-eyes rule)."""
    return Decision.objects.filter(reviewer=user, conviction__batch_item__batch=batch).exists()


def batches_for(user: Any) -> QuerySet[Batch]:
    return Batch.objects.select_related("created_by", "submitted_by", "approved_by").annotate(
        size=Count("items"),
        mine_reviewed=Exists(
            Decision.objects.filter(reviewer=user, conviction__batch_item__batch=OuterRef("pk"))
        ),
    )


def batch_items(batch: Batch) -> QuerySet[BatchItem]:
    return batch.items.select_related("conviction", "decision__reviewer").order_by(
        "-conviction__disposition_on", "conviction_id"
    )


def batch_events(batch: Batch) -> QuerySet[BatchEvent]:
    """The batch's history, oldest first, with who did each thing."""
    return batch.events.select_related("actor")
