"""The review queue and one conviction's page. Thin: validate, call one service or selector,
render. Decisions come by htmx from the conviction's page (the answer is the next held item) or
by a plain form post (the answer is a redirect); both go through
``review.services.reviews.decision_record``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from accounts.access import perm, requires
from accounts.audit import audit_record
from eligibility.identity import FACT_LABELS
from eligibility.models import Conviction
from eligibility.rules import REASONS
from review.filters import DecisionFilter, QueueFilter
from review.forms import BatchCreateForm, DecisionForm, ReassignForm, SelectionForm
from review.models import Batch, Decision, Outcome
from review.readings import rules_reading
from review.selectors import batches as batch_selectors
from review.selectors import queue as queue_selectors
from review.services import batches as batch_services
from review.services import reviews as review_services
from review.tables import PER_PAGE, DecisionTable, QueueTable


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _back(request: HttpRequest, default: str, anchor: str = "") -> HttpResponseRedirect:
    """Redirect to the posted ``next`` (a page of this site), else to ``default``."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = default
    return redirect(f"{target}{anchor}")


def _conviction_or_404(pk: int) -> Conviction:
    try:
        return queue_selectors.conviction_for_review(pk=pk)
    except Conviction.DoesNotExist as missing:
        raise Http404("No such conviction") from missing


# The queue ---------------------------------------------------------------------------------------


# The attorney's queue filters, kept in the session while they work: "Take the next 25" and the
# next conviction after a decision stay within them (until the attorney changes them).
FILTERS_KEY = "review:filters"
NOT_FILTERS = {"page", "per_page", "sort", "mine", "state"}


def _remember_filters(request: HttpRequest) -> None:
    kept = request.GET.copy()
    for name in NOT_FILTERS:
        kept.pop(name, None)
    request.session[FILTERS_KEY] = kept.urlencode()


def _held_within_filters(request: HttpRequest) -> QuerySet[Conviction]:
    """The rows the attorney's remembered filters keep (any review state: held rows are
    undecided by definition)."""
    data = QueryDict(request.session.get(FILTERS_KEY, ""), mutable=True)
    data["state"] = ""
    return QueueFilter(data, queryset=queue_selectors.claim_scope(), request=request).qs


@requires("review_convictions")
def queue(request: HttpRequest) -> HttpResponse:
    if request.GET:
        _remember_filters(request)
    filterset = QueueFilter(
        request.GET or None, queryset=queue_selectors.queue_convictions(), request=request
    )
    table = QueueTable(filterset.qs, user=request.user)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    held = queue_selectors.held_count(reviewer=request.user)
    supervising = queue_selectors.is_supervisor(request.user)
    context = {
        "filter": filterset,
        "table": table,
        "held": held,
        "next_claimed": (
            queue_selectors.next_claimed(
                reviewer=request.user, within=_held_within_filters(request)
            )
            or queue_selectors.next_claimed(reviewer=request.user)
        )
        if held
        else None,
        "claim_size": review_services.CLAIM_SIZE,
        "claim_hours": queue_selectors.claim_hours(),
        "reassign_form": ReassignForm() if supervising else None,
        "here": request.get_full_path(),
        "undated": queue_selectors.undated_count(),
    }
    return render(request, "review/queue.html", context)


# The queue counts at most this many rows: beyond, "more than".
COUNT_LIMIT = 10_000


@requires("review_convictions")
def queue_count(request: HttpRequest) -> HttpResponse:
    """How many rows the queue's filters match (htmx loads it after the page, so that a count
    over a million rows never holds the page up)."""
    filterset = QueueFilter(
        request.GET or None, queryset=queue_selectors.queue_convictions(), request=request
    )
    matched = queue_selectors.count_up_to(filterset.qs, COUNT_LIMIT + 1)
    text = f"more than {COUNT_LIMIT:,}" if matched > COUNT_LIMIT else f"{matched:,}"
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@requires("review_convictions")
@require_POST
def claim_next(request: HttpRequest) -> HttpResponse:
    """Take the next claimable convictions, within the queue's filters (its query string)."""
    within = QueueFilter(
        request.GET or None, queryset=queue_selectors.claim_scope(), request=request
    )
    claimed = review_services.review_claim_next(reviewer=request.user, within=within.qs)
    if not claimed:
        messages.info(request, "Nothing is left to take under these filters.")
        return _back(request, reverse("review_queue"))
    messages.success(
        request,
        f"You now hold {len(claimed)} more conviction{'s' if len(claimed) != 1 else ''} for "
        f"{queue_selectors.claim_hours():g} hours.",
    )
    _remember_filters(request)
    # The attorney's own held rows under the filters they chose.
    shown = request.GET.copy()
    for name in ("page", "mine", "state"):
        shown.pop(name, None)
    shown.update({"mine": "on", "state": "undecided"})
    return redirect(f"{reverse('review_queue')}?{shown.urlencode()}")


@requires("review_convictions")
@require_POST
def release(request: HttpRequest) -> HttpResponse:
    """Give back the selected claims, or (``scope=all``) every claim the attorney holds."""
    form = SelectionForm(request.POST)
    selected = form.cleaned_data["select"] if form.is_valid() else {}
    if request.POST.get("scope") == "all":
        released = review_services.review_release(reviewer=request.user)
    elif selected:
        released = review_services.review_release(reviewer=request.user, conviction_ids=selected)
    else:
        messages.error(request, "Select the rows to release first.")
        return _back(request, reverse("review_queue"))
    messages.info(request, f"Released {released} claim{'s' if released != 1 else ''}.")
    return _back(request, reverse("review_queue"))


@requires("approve_batches")
@require_POST
def reassign(request: HttpRequest) -> HttpResponse:
    form = ReassignForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["select"]:
        messages.error(request, "Select the rows and the attorney to hand them to.")
        return _back(request, reverse("review_queue"))
    to = form.cleaned_data["to"]
    try:
        moved = review_services.review_reassign(
            conviction_ids=form.cleaned_data["select"], to=to, by=request.user
        )
    except review_services.ReviewRefused as refused:
        messages.error(request, refused.message)
    else:
        whom = f"to {to}" if to is not None else "released"
        messages.success(request, f"{moved} undecided conviction(s) {whom}.")
    return _back(request, reverse("review_queue"))


@requires("review_convictions")
@require_POST
def bulk_confirm(request: HttpRequest) -> HttpResponse:
    form = SelectionForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["select"]:
        messages.error(request, "Select the rows to confirm first.")
        return _back(request, reverse("review_queue"))
    result = review_services.decisions_bulk_confirm(
        reviewer=request.user, versions=form.cleaned_data["select"]
    )
    if result.confirmed:
        messages.success(
            request, f"Confirmed {len(result.confirmed)} eligible conviction(s), one decision each."
        )
    skipped = (
        (result.not_clean, "not Eligible or carrying a reason code (open each to decide it)"),
        (result.decided, "decided already"),
        (result.held, "held by another attorney"),
        (result.stale, "changed since the page was loaded (reload and check them)"),
    )
    for rows, why in skipped:
        if rows:
            messages.warning(request, f"{len(rows)} selected row(s) left alone: {why}.")
    return _back(request, reverse("review_queue"))


@requires("review_convictions")
def decision_index(request: HttpRequest) -> HttpResponse:
    """Decisions newest first: a supervisor sees everyone's, an attorney their own."""
    filterset = DecisionFilter(
        request.GET or None,
        queryset=queue_selectors.decision_log(viewer=request.user),
        request=request,
    )
    table = DecisionTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    context = {
        "filter": filterset,
        "table": table,
        "supervising": queue_selectors.is_supervisor(request.user),
    }
    return render(request, "review/decision_index.html", context)


# One conviction ----------------------------------------------------------------------------------


def _item_context(
    request: HttpRequest, conviction: Conviction, form: DecisionForm | None = None
) -> dict[str, Any]:
    review = queue_selectors.review_of(conviction)
    version = review.version if review is not None else 0
    now = timezone.now()
    held = queue_selectors.claim_is_active(review, now)
    mine = held and review is not None and review.claimed_by_id == request.user.pk
    decided = review is not None and review.decision_id is not None
    may_review = request.user.has_perm(perm("review_convictions"))
    supervising = queue_selectors.is_supervisor(request.user)
    if form is None:
        opposite = {
            Outcome.ELIGIBLE: Outcome.NOT_ELIGIBLE,
            Outcome.NOT_ELIGIBLE: Outcome.ELIGIBLE,
        }.get(conviction.determination, "")
        form = DecisionForm(initial={"version": version, "outcome": opposite})
    others = queue_selectors.conviction_person_rows(conviction=conviction)
    return {
        "c": conviction,
        "copies": queue_selectors.conviction_copies(conviction=conviction),
        "reading": rules_reading(conviction.details or {}),
        "carried_from": queue_selectors.carried_from(
            decision=review.decision if review is not None else None
        ),
        "changes": [
            (FACT_LABELS.get(name, name), before, now)
            for name, (before, now) in conviction.changes.items()
        ],
        "review": review,
        "version": version,
        "reasons": [(code, REASONS.get(code)) for code in conviction.reasons],
        "history": list(queue_selectors.conviction_decisions(conviction=conviction)),
        "same_case": [o for o in others if o.case_key and o.case_key == conviction.case_key],
        "other_cases": [o for o in others if not o.case_key or o.case_key != conviction.case_key],
        "person_rows_shown": queue_selectors.PERSON_ROWS_SHOWN,
        "person_rows_truncated": len(others) >= queue_selectors.PERSON_ROWS_SHOWN,
        "held": held,
        "mine": mine,
        "expires": queue_selectors.claim_expires_at(review)
        if held and review is not None
        else None,
        "decided": decided,
        "another_look": review is not None and review.needs_another_look,
        "machine_changed": decided
        and review is not None
        and review.decision is not None
        and (
            review.decision.machine_determination != conviction.determination
            or sorted(review.decision.machine_reasons) != sorted(conviction.reasons)
        ),
        "may_review": may_review,
        "may_decide": may_review and (mine or not held),
        "confirmable": conviction.determination in Outcome.values,
        "may_claim": may_review and not decided and not held and bool(conviction.determination),
        "form": form,
        "reassign_form": ReassignForm() if supervising and not decided else None,
        "here": reverse("conviction_detail", args=[conviction.pk]),
        "htmx": _is_htmx(request),
        "held_count": queue_selectors.held_count(reviewer=request.user) if may_review else 0,
    }


def _render_item(
    request: HttpRequest, conviction: Conviction, form: DecisionForm | None = None
) -> HttpResponse:
    context = _item_context(request, conviction, form)
    template = "review/_item.html" if _is_htmx(request) else "review/conviction_detail.html"
    return render(request, template, context)


@requires("review_convictions", "upload_lists")
def conviction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conviction = _conviction_or_404(pk)
    audit_record(action="conviction.view", request=request, obj=conviction)
    return _render_item(request, conviction)


@requires("review_convictions")
@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    conviction = _conviction_or_404(pk)
    try:
        review_services.review_claim(conviction=conviction, reviewer=request.user)
    except review_services.ReviewRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, f"You hold this conviction for {queue_selectors.claim_hours():g} hours."
        )
    return redirect("conviction_detail", pk=pk)


@requires("review_convictions")
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm or override one conviction; then open the attorney's next held item."""
    conviction = _conviction_or_404(pk)
    form = DecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise review_services.ReviewRefused(
                "The decision form was incomplete: nothing was saved."
            )
        decision = review_services.decision_record(
            conviction=conviction, reviewer=request.user, **form.cleaned_data
        )
    except review_services.ReviewRefused as refused:
        messages.error(request, refused.message)
        if _is_htmx(request):
            # Show the same item again, as it is now, with what the attorney typed.
            conviction = _conviction_or_404(pk)
            if isinstance(refused, review_services.StaleReview):
                form = None
            return _render_item(request, conviction, form)
        return _back(request, reverse("conviction_detail", args=[pk]))
    messages.success(request, _decided_message(decision, conviction))
    if request.POST.get("next"):
        return _back(request, reverse("review_queue"), anchor=f"#row-{pk}")
    following = queue_selectors.next_claimed(
        reviewer=request.user, exclude=pk, within=_held_within_filters(request)
    ) or queue_selectors.next_claimed(reviewer=request.user, exclude=pk)
    if following is None:
        messages.info(request, "You have no held convictions left: take the next ones here.")
        if _is_htmx(request):
            response = HttpResponse()
            response["HX-Redirect"] = reverse("review_queue")
            return response
        return redirect("review_queue")
    if _is_htmx(request):
        upcoming = _conviction_or_404(following)
        audit_record(action="conviction.view", request=request, obj=upcoming)
        response = _render_item(request, upcoming)
        response["HX-Push-Url"] = reverse("conviction_detail", args=[following])
        return response
    return redirect("conviction_detail", pk=following)


def _decided_message(decision: Decision, conviction: Conviction) -> str:
    return (
        f"{decision.kind_label}: {conviction.last_name}, {conviction.first_name} "
        f"(row {conviction.row_number}) is {decision.get_outcome_display()}."
    )


# Batches -----------------------------------------------------------------------------------------


@requires("submit_batches", "approve_batches")
def batch_index(request: HttpRequest) -> HttpResponse:
    locations = batch_selectors.court_locations()
    form = BatchCreateForm(
        request.POST or None, locations=[row["court_location"] for row in locations]
    )
    if request.method == "POST" and form.is_valid():
        try:
            batch = batch_services.batch_create(
                court_location=form.cleaned_data["court_location"],
                disposed_from=form.cleaned_data["disposed_from"],
                disposed_to=form.cleaned_data["disposed_to"],
                limit=form.cleaned_data["limit"],
                user=request.user,
            )
        except batch_services.BatchRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, f"Batch #{batch.pk} gathered as a draft.")
            return redirect("batch_detail", pk=batch.pk)
    context = {
        "form": form,
        "locations": locations,
        "batches": batch_selectors.batches_for(request.user),
    }
    return render(request, "review/batch_index.html", context)


@requires("submit_batches", "approve_batches")
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(batch_selectors.batches_for(request.user), pk=pk)
    actions = [
        (name, transition)
        for name, transition in batch_services.TRANSITIONS.items()
        if batch.state in transition.source
        and request.user.has_perm(perm(transition.permission))
        and name not in {"packet_generated", "file"}
    ]
    context = {
        "batch": batch,
        "items": batch_selectors.batch_items(batch),
        "events": batch_selectors.batch_events(batch),
        "actions": actions,
        "four_eyes_blocked": batch.mine_reviewed and batch_selectors.four_eyes(),
    }
    return render(request, "review/batch_detail.html", context)


@requires("submit_batches", "approve_batches")
@require_POST
def batch_transition(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(Batch, pk=pk)
    action = request.POST.get("action", "")
    if action == "approve" and request.POST.get("confirm") != "yes":
        messages.error(
            request, "Tick “I have read the convictions” to approve: nothing was approved."
        )
        return redirect("batch_detail", pk=pk)
    try:
        batch = batch_services.batch_transition(
            batch=batch,
            action=action,
            user=request.user,
            comment=request.POST.get("comment", ""),
        )
    except batch_services.BatchRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"Batch #{batch.pk} is now {batch.get_state_display().lower()}.")
    return redirect("batch_detail", pk=pk)


@requires("submit_batches", "approve_batches")
@require_POST
def batch_remove(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(Batch, pk=pk)
    ids = [int(v) for v in request.POST.getlist("convictions") if v.isdigit()]
    try:
        removed = batch_services.batch_remove_items(
            batch=batch, conviction_ids=ids, user=request.user
        )
    except batch_services.BatchRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"{removed} conviction(s) taken out of the batch.")
    return redirect("batch_detail", pk=pk)
