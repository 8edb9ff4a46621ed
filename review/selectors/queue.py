"""Reads of the review queue: claims and their expiry, the conditions the queue filters on, the
queue itself, one conviction with its history, the reviewers, the decision log. Shared by the
views, tables, filters, the batch selectors and the bench."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, F, OrderBy, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.access import perm
from eligibility.models import Conviction, Determination, IspList
from eligibility.rules.engine import CRTA_EFFECTIVE
from review.models import Decision, Outcome, Review

# Supervisors (the role that approves batches) see every decision and reassign claims.
SUPERVISE = "approve_batches"

# Newest disposition first, as the office works; undated rows (NULL) come first on every
# database, so that PostgreSQL reads the order straight off the ``conviction_newest`` index.
QUEUE_ORDER: tuple[OrderBy | str, ...] = (F("disposition_on").desc(nulls_first=True), "id")
QUEUE_ORDER_OLDEST: tuple[OrderBy | str, ...] = (F("disposition_on").asc(nulls_last=True), "-id")

QUEUE_FIELDS = (
    "id",
    "isp_list_id",
    "row_number",
    "last_name",
    "first_name",
    "court_case_number",
    "court_location",
    "statute",
    "disposition_on",
    "disposition_date",
    "determination",
    "reasons",
    "review__version",
    "review__claimed_at",
    "review__claimed_by__username",
    "review__decision__kind",
    "review__decision__outcome",
    "review__decision__decided_at",
    "review__decision__machine_determination",
    "review__decision__machine_reasons",
    "review__decision__changes",
    "review__decision__carried_from_id",
    "review__decision__reviewer__username",
)

PERSON_ROWS_SHOWN = 200


def claim_hours() -> float:
    return float(settings.REVIEW_CLAIM_HOURS)


def claim_cutoff(now: datetime | None = None) -> datetime:
    """Claims taken before this moment have expired."""
    return (now or timezone.now()) - timedelta(hours=claim_hours())


def claim_expires_at(review: Review) -> datetime | None:
    if review.claimed_at is None:
        return None
    return review.claimed_at + timedelta(hours=claim_hours())


def claim_is_active(review: Review | None, now: datetime | None = None) -> bool:
    return bool(
        review is not None
        and review.claimed_by_id is not None
        and review.claimed_at is not None
        and review.claimed_at >= claim_cutoff(now)
    )


def review_of(conviction: Conviction) -> Review | None:
    """The conviction's review row (loaded with ``select_related``), or None before the first
    claim or decision."""
    return getattr(conviction, "review", None)


def is_supervisor(user: Any) -> bool:
    return bool(user.has_perm(perm(SUPERVISE)))


# Conditions on convictions (through their review row, absent until the first claim) ----------


def undecided_q() -> Q:
    # NOT EXISTS, not a LEFT JOIN's "decision IS NULL": PostgreSQL estimates an anti-join well,
    # and walks the newest-first index instead of joining every row.
    return Q(~Exists(Review.objects.filter(conviction=OuterRef("pk"), decision__isnull=False)))


def decided_q() -> Q:
    return Q(review__decision__isnull=False)


def held_q(cutoff: datetime | None = None) -> Q:
    return Q(review__claimed_by__isnull=False, review__claimed_at__gte=cutoff or claim_cutoff())


def held_by_q(reviewer: Any, cutoff: datetime | None = None) -> Q:
    return Q(review__claimed_by=reviewer, review__claimed_at__gte=cutoff or claim_cutoff())


def claimable_q(cutoff: datetime | None = None) -> Q:
    """Undecided, held by nobody (never claimed, released, or the claim expired), and not purged
    (a copy of an expunged conviction on another list is erased with it: nothing to decide)."""
    taken = Review.objects.filter(
        Q(decision__isnull=False)
        | Q(claimed_by__isnull=False, claimed_at__gte=cutoff or claim_cutoff()),
        conviction=OuterRef("pk"),
    )
    return Q(~Exists(taken), purged_at__isnull=True)


def another_look_q() -> Q:
    """Decided, but the machine's determination or reasons changed since, or the decision was
    carried over from an earlier list onto a row that list corrected (as
    ``Review.needs_another_look``)."""
    return decided_q() & (
        ~Q(review__decision__machine_determination=F("determination"))
        | ~Q(review__decision__machine_reasons=F("reasons"))
        | (Q(review__decision__carried_from__isnull=False) & ~Q(review__decision__changes={}))
    )


def needs_person_q() -> Q:
    """What needs a person (the queue's default view): undecided, or for another look; not
    purged."""
    return (undecided_q() | another_look_q()) & Q(purged_at__isnull=True)


# Every ELIGIBLE row was disposed of before the Act took effect (R10: on or after it is
# CONVICTED_AFTER_CRTA; an unreadable date is INSUFFICIENT_DATA), and a row with no reason code
# is ELIGIBLE. Said to the database, this lets the newest-first walk start at that date instead
# of reading through every later conviction, none of which can match (0.56 s to 2 ms at a
# million rows): tests/review/test_queue_filters.py checks it against the engine.
BEFORE_THE_ACT = Q(disposition_on__lt=CRTA_EFFECTIVE)


def eligible_q() -> Q:
    return Q(determination=Determination.ELIGIBLE) & BEFORE_THE_ACT


def reason_q(code: str) -> Q:
    """Rows carrying the reason code (``"none"``: rows carrying no reason code)."""
    if code == "none":
        return Q(reasons=[]) & BEFORE_THE_ACT
    if connection.vendor == "postgresql":
        return Q(reasons__contains=[code])  # jsonb @>
    # SQLite has no JSON containment: match the quoted code in the stored array's text.
    return Q(reasons__icontains=f'"{code}"')


# The queue -------------------------------------------------------------------------------------


def court_locations() -> list[str]:
    """Every court location of the lists, for the queue's filter. A list's rows do not change
    once read, so each list's locations are read once (one scan) and kept in the cache."""
    lists = IspList.objects.exclude(status=IspList.Status.FAILED).values_list(
        "pk", "uploaded_at", "rows_parsed"
    )
    keys = {f"review:courts:{pk}:{at.timestamp()}:{rows}": pk for pk, at, rows in lists}
    found = cache.get_many(list(keys))
    for key, pk in keys.items():
        if key not in found:
            found[key] = sorted(
                set(
                    Conviction.objects.filter(isp_list_id=pk)
                    .exclude(court_location="")
                    .order_by()
                    .values_list("court_location", flat=True)
                    .distinct()
                )
            )
            cache.set(key, found[key], None)
    return sorted({name for names in found.values() for name in names})


def queue_convictions() -> QuerySet[Conviction]:
    """Every evaluated conviction with its review, claim and current decision (one query per
    page: no N+1), newest disposition first."""
    return (
        Conviction.objects.exclude(determination="")
        .select_related("review__claimed_by", "review__decision__reviewer")
        .only(*QUEUE_FIELDS)
        .order_by(*QUEUE_ORDER)
    )


def undated_count() -> int:
    """Rows to review whose disposition date could not be read (their own view of the queue):
    the nulls lead the newest-first index, so this reads only them."""
    return (
        Conviction.objects.filter(disposition_on__isnull=True, purged_at__isnull=True)
        .exclude(determination="")
        .filter(undecided_q())
        .count()
    )


def count_up_to(rows: QuerySet[Conviction], limit: int) -> int:
    """How many of ``rows`` there are, counting no further than ``limit`` (the queue's total:
    a count that stops early stays fast over a million rows)."""
    return rows.order_by().values("pk")[:limit].count()


def claim_scope() -> QuerySet[Conviction]:
    """Every conviction: the rows the queue's filters narrow before a claim (the claim itself
    keeps the evaluated, claimable ones among them)."""
    return Conviction.objects.all()


def held_count(*, reviewer: Any) -> int:
    return Review.objects.filter(
        claimed_by=reviewer, claimed_at__gte=claim_cutoff(), decision__isnull=True
    ).count()


def next_claimed(
    *, reviewer: Any, exclude: int | None = None, within: QuerySet[Conviction] | None = None
) -> int | None:
    """The id of the reviewer's next held, undecided conviction in queue order (within the
    given rows: the attorney's filters)."""
    rows = (within if within is not None else Conviction.objects.all()).filter(
        held_by_q(reviewer), review__decision__isnull=True
    )
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return rows.order_by(*QUEUE_ORDER).values_list("pk", flat=True).first()


def convictions_decided_eligible() -> QuerySet[Conviction]:
    """Convictions whose current decision is ELIGIBLE: what a batch collects."""
    return Conviction.objects.filter(review__decision__outcome=Outcome.ELIGIBLE)


# One conviction ----------------------------------------------------------------------------------


def conviction_for_review(*, pk: int) -> Conviction:
    return Conviction.objects.select_related(
        "isp_list", "isp_list__policy", "review__claimed_by", "review__decision__reviewer"
    ).get(pk=pk)


def conviction_decisions(*, conviction: Conviction) -> QuerySet[Decision]:
    """The conviction's decision history, newest first."""
    return (
        Decision.objects.filter(conviction=conviction)
        .select_related("reviewer")
        .order_by("-decided_at", "-id")
    )


def conviction_person_rows(*, conviction: Conviction) -> list[Conviction]:
    """The person's other rows in the same list, by row, with their current decision."""
    return list(
        # A person's rows share a bucket: the (list, bucket) index finds them.
        Conviction.objects.filter(
            isp_list_id=conviction.isp_list_id,
            bucket=conviction.bucket,
            person_key=conviction.person_key,
        )
        .exclude(pk=conviction.pk)
        .select_related("review__decision")
        .only(
            "id",
            "row_number",
            "court_case_number",
            "case_key",
            "statute",
            "disposition",
            "disposition_date",
            "determination",
            "review__version",
            "review__decision__outcome",
        )
        .order_by("row_number")[:PERSON_ROWS_SHOWN]
    )


def conviction_copies(*, conviction: Conviction) -> list[Conviction]:
    """The same conviction on the other lists (its identity, issue 18), oldest list first, with
    each copy's decision and batch."""
    if not conviction.identity:
        return []
    return list(
        Conviction.objects.filter(identity=conviction.identity)
        .exclude(isp_list_id=conviction.isp_list_id)
        .select_related("isp_list", "review__decision__reviewer", "batch_item__batch")
        .order_by("isp_list_id", "row_number")
    )


def carried_from(*, decision: Decision | None) -> Decision | None:
    """The attorney's decision on an earlier list that ``decision`` carries over, with its
    conviction's list (who, when, on which list)."""
    if decision is None or decision.carried_from_id is None:
        return None
    return (
        Decision.objects.select_related("reviewer", "conviction__isp_list")
        .filter(pk=decision.carried_from_id)
        .first()
    )


# People ------------------------------------------------------------------------------------------


def reviewers() -> QuerySet[Any]:
    """Active users who may review (the attorneys a supervisor can hand a claim to)."""
    app, codename = perm("review_convictions").split(".")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(
                groups__permissions__codename=codename,
                groups__permissions__content_type__app_label=app,
            )
            | Q(
                user_permissions__codename=codename,
                user_permissions__content_type__app_label=app,
            )
        )
        .distinct()
        .order_by("username")
    )


# Decisions ---------------------------------------------------------------------------------------


def decision_log(*, viewer: Any) -> QuerySet[Decision]:
    """Decisions newest first: every decision for a supervisor, one's own for an attorney."""
    decisions = Decision.objects.select_related("reviewer", "conviction").only(
        "id",
        "decided_at",
        "kind",
        "bulk",
        "previous",
        "outcome",
        "reason",
        "note",
        "machine_determination",
        "reviewer__username",
        "conviction__id",
        "conviction__isp_list_id",
        "conviction__row_number",
        "conviction__last_name",
        "conviction__first_name",
        "conviction__court_case_number",
    )
    if not is_supervisor(viewer):
        decisions = decisions.filter(reviewer=viewer)
    return decisions.order_by("-decided_at", "-id")
