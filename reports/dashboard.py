"""The dashboard's reads: what needs each user now and the office's counts per stage. How often
attorneys override the machine is ``reports.selectors.override_rates_by_reason`` / ``_by_list``,
the one definition that the dashboard and /reports/ both show.

Every number is an aggregate query (a handful per page, none per row), so that the page stays
fast with a million convictions.

Override rates are over current decisions (``Review.decision``) on rows where the machine made a
call (ELIGIBLE or NOT_ELIGIBLE). A NEEDS_REVIEW row can only be resolved by an override, so
counting it would make every NEEDS_REVIEW reason look 100 % overridden: those are counted apart as
"resolved". A decision whose machine view carried several reason codes counts for each code.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from accounts.access import perm
from accounts.roles import ROLES
from accounts.selectors import with_recent_failed_logins
from eligibility.models import Conviction, Determination, IspList
from filings import selectors as filing_selectors
from review.models import Batch, Decision, Review
from review.selectors import batches as batch_selectors
from review.selectors import queue as queue_selectors
from review.selectors import samples as sample_selectors

State = Batch.State
OVERRIDE = Decision.Kind.OVERRIDE
NEEDS_REVIEW = Determination.NEEDS_REVIEW


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


def needs_me(user: Any, office: dict[str, Any]) -> dict[str, Any]:
    """What waits for this user, by what their role may do."""
    may = {
        name: user.has_perm(perm(name))
        for name in (
            "review_convictions",
            "submit_batches",
            "approve_batches",
            "handle_packets",
            "upload_lists",
            "manage_users",
        )
    }
    found: dict[str, Any] = {"may": may}
    if may["review_convictions"]:
        found["held"] = queue_selectors.held_count(reviewer=user)
        found["blind_samples"] = list(sample_selectors.samples_pending()[:10])
    if may["approve_batches"]:
        waiting = (
            batch_selectors.batches_for(user).filter(state=State.SUBMITTED).order_by("submitted_at")
        )
        if batch_selectors.four_eyes():
            waiting = waiting.filter(mine_reviewed=False)
        found["to_approve"] = list(waiting[:20])
    if may["submit_batches"] or may["approve_batches"]:
        found["returned"] = office["batches"][State.RETURNED]["batches"]
    if may["handle_packets"]:
        found["to_generate"] = office["batches"][State.APPROVED]["batches"]
        found["to_file"] = office["batches"][State.PACKET_GENERATED]["batches"]
        found["to_rule"] = filing_selectors.rulings_pending_totals()
    if may["upload_lists"]:
        found["lists"] = IspList.objects.aggregate(
            importing=Count(
                "pk", filter=~Q(status__in=[IspList.Status.READY, IspList.Status.FAILED])
            ),
            failed=Count("pk", filter=Q(status=IspList.Status.FAILED)),
        )
    if may["manage_users"]:
        found["accounts"] = _accounts_needing_an_admin()
    return found


def _accounts_needing_an_admin() -> dict[str, int]:
    """Active accounts locked out after wrong passwords, and active accounts with no role (they
    see nothing but an empty dashboard): an administrator's work."""
    users = get_user_model().objects.filter(is_active=True, is_superuser=False)
    no_role = users.exclude(groups__name__in=ROLES).count()
    locked = (
        with_recent_failed_logins(users)
        .filter(failed_logins__gte=settings.AXES_FAILURE_LIMIT)
        .count()
    )
    return {"locked": locked, "no_role": no_role}
