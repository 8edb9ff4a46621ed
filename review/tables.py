from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import django_tables2 as tables
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django_tables2.paginators import LazyPaginator

from eligibility.models import Conviction
from review.models import Decision, Outcome
from review.selectors import queue as queue_selectors

PER_PAGE = 25
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class QueueRow:
    """What one queue row shows, worked out once (the row template only prints it)."""

    conviction: Conviction
    version: int
    holder: Any  # the attorney holding an active claim, or None
    mine: bool
    decision: Decision | None
    another_look: bool
    confirmable: bool  # a Confirm button: ELIGIBLE or NOT_ELIGIBLE, undecided, not held by another


def queue_row(record: Conviction, user: Any, now: datetime) -> QueueRow:
    review = queue_selectors.review_of(record)
    held = queue_selectors.claim_is_active(review, now)
    holder = review.claimed_by if held and review is not None else None
    mine = holder is not None and user is not None and holder.pk == user.pk
    decision = review.decision if review is not None else None
    return QueueRow(
        conviction=record,
        version=review.version if review is not None else 0,
        holder=holder,
        mine=mine,
        decision=decision,
        another_look=review is not None and review.needs_another_look,
        confirmable=record.determination in Outcome.values
        and decision is None
        and (holder is None or mine),
    )


class QueueTable(tables.Table):
    """The review queue: one conviction a row, newest disposition first, paginated on the server
    without a COUNT. The columns give the header and the order; the rows are printed by
    ``review/_queue_row.html`` from ``queue_rows`` (one template per row rather than one call per
    cell: the page renders several times faster). Rows carry what ``static/js/review.js`` needs
    for the keyboard (``data-href``, the Confirm button)."""

    select = tables.Column(empty_values=(), verbose_name="")
    disposition = tables.Column(accessor="disposition_on", orderable=True)
    name = tables.Column(empty_values=(), verbose_name="Name")
    case = tables.Column(empty_values=(), verbose_name="Case · statute · court")
    determination = tables.Column(verbose_name="Machine")
    claim = tables.Column(empty_values=(), verbose_name="Held by")
    decision = tables.Column(empty_values=(), verbose_name="Decision")
    actions = tables.Column(empty_values=(), verbose_name="")

    class Meta:
        model = Conviction
        fields: tuple[str, ...] = ()
        sequence = (
            "select",
            "disposition",
            "name",
            "case",
            "determination",
            "claim",
            "decision",
            "actions",
        )
        orderable = False
        order_by = "-disposition"
        template_name = "review/_queue_table.html"
        attrs = {"class": "table queue", "id": "queue"}
        empty_text = "No convictions match these filters."

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def paginate(self, *args: Any, per_page: int = PER_PAGE, **kwargs: Any) -> None:
        # No COUNT(*) over a million rows: the lazy paginator only looks one row ahead.
        per_page = max(1, min(int(per_page), MAX_PER_PAGE))
        kwargs["paginator_class"] = LazyPaginator
        super().paginate(*args, per_page=per_page, **kwargs)

    def order_disposition(
        self, queryset: QuerySet[Conviction], is_descending: bool
    ) -> tuple[QuerySet[Conviction], bool]:
        order = queue_selectors.QUEUE_ORDER if is_descending else queue_selectors.QUEUE_ORDER_OLDEST
        return queryset.order_by(*order), True

    @property
    def rows_shown(self) -> tuple[int, int]:
        """The first and last row numbers of this page among the rows matched (from 1)."""
        page = getattr(self, "page", None)
        if page is None or not self.queue_rows:
            return (0, 0)
        first = (page.number - 1) * self.paginator.per_page + 1
        return (first, first + len(self.queue_rows) - 1)

    @cached_property
    def queue_rows(self) -> list[QueueRow]:
        now = timezone.now()
        return [queue_row(bound.record, self.user, now) for bound in self.paginated_rows]


class DecisionTable(tables.Table):
    """Decisions, newest first (the supervisor's view of every decision)."""

    decided_at = tables.DateTimeColumn(verbose_name="When", format="M j, Y H:i")
    conviction = tables.Column(empty_values=(), verbose_name="Conviction")
    reviewer = tables.Column(verbose_name="Attorney")
    change = tables.Column(empty_values=(), verbose_name="From → to")
    kind = tables.Column(empty_values=(), verbose_name="How")
    reason = tables.Column(empty_values=(), verbose_name="Reason")
    note = tables.Column(verbose_name="Note")

    class Meta:
        model = Decision
        fields: tuple[str, ...] = ()
        sequence = ("decided_at", "conviction", "reviewer", "change", "kind", "reason", "note")
        orderable = False
        template_name = "review/_table.html"
        attrs = {"class": "table", "id": "decisions"}
        empty_text = "No decisions yet."

    def paginate(self, *args: Any, per_page: int = 50, **kwargs: Any) -> None:
        per_page = max(1, min(int(per_page), MAX_PER_PAGE))
        kwargs["paginator_class"] = LazyPaginator
        super().paginate(*args, per_page=per_page, **kwargs)

    def render_conviction(self, record: Decision) -> str:
        c = record.conviction
        return format_html(
            '<a href="{}">{}, {}</a> <small class="help">list #{} row {} · case {}</small>',
            reverse("conviction_detail", args=[c.pk]),
            c.last_name,
            c.first_name,
            c.isp_list_id,
            c.row_number,
            c.court_case_number or "—",
        )

    def render_change(self, record: Decision) -> str:
        return format_html(
            '<span class="badge {}">{}</span> → <span class="badge {}">{}</span>',
            record.previous,
            record.get_previous_display(),
            record.outcome,
            record.get_outcome_display(),
        )

    def render_kind(self, record: Decision) -> str:
        return record.kind_label + (" (bulk)" if record.bulk else "")

    def render_reason(self, record: Decision) -> str:
        return record.get_reason_display() or "—"
