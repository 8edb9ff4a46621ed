from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django_tables2.paginators import LazyPaginator

from eligibility.models import Conviction
from review import selectors
from review.models import Decision, Outcome

PER_PAGE = 25
MAX_PER_PAGE = 100


def _version(record: Conviction) -> int:
    review = selectors.review_of(record)
    return review.version if review is not None else 0


def _row_class(record: Conviction) -> str:
    review = selectors.review_of(record)
    return "another-look" if review is not None and review.needs_another_look else ""


class QueueTable(tables.Table):
    """The review queue: one conviction a row, newest disposition first. Rows carry what
    ``static/js/review.js`` needs for the keyboard (``data-href``, the confirm button)."""

    select = tables.Column(empty_values=(), verbose_name="", orderable=False)
    disposition = tables.Column(
        accessor="disposition_on", verbose_name="Disposition", orderable=True
    )
    name = tables.Column(empty_values=(), verbose_name="Name", orderable=False)
    court_case_number = tables.Column(verbose_name="Case", orderable=False)
    statute = tables.Column(orderable=False)
    court_location = tables.Column(verbose_name="Court", orderable=False)
    determination = tables.Column(verbose_name="Machine", orderable=False)
    claim = tables.Column(empty_values=(), verbose_name="Held by", orderable=False)
    decision = tables.Column(empty_values=(), verbose_name="Decision", orderable=False)
    actions = tables.Column(empty_values=(), verbose_name="", orderable=False)

    class Meta:
        model = Conviction
        fields: tuple[str, ...] = ()
        sequence = (
            "select",
            "disposition",
            "name",
            "court_case_number",
            "statute",
            "court_location",
            "determination",
            "claim",
            "decision",
            "actions",
        )
        order_by = "-disposition"
        template_name = "review/_queue_table.html"
        attrs = {"class": "table queue", "id": "queue"}
        empty_text = "No convictions match these filters."
        row_attrs = {
            "id": lambda record: f"row-{record.pk}",
            "data-href": lambda record: reverse("conviction_detail", args=[record.pk]),
            "class": _row_class,
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.now = timezone.now()

    def paginate(self, *args: Any, per_page: int = PER_PAGE, **kwargs: Any) -> None:
        # No COUNT(*) over a million rows: the lazy paginator only looks one row ahead.
        per_page = max(1, min(int(per_page), MAX_PER_PAGE))
        kwargs["paginator_class"] = LazyPaginator
        super().paginate(*args, per_page=per_page, **kwargs)

    def order_disposition(
        self, queryset: QuerySet[Conviction], is_descending: bool
    ) -> tuple[QuerySet[Conviction], bool]:
        order = selectors.QUEUE_ORDER if is_descending else selectors.QUEUE_ORDER_OLDEST
        return queryset.order_by(*order), True

    def render_select(self, record: Conviction) -> str:
        return format_html(
            '<input type="checkbox" name="select" value="{}:{}" form="bulk-form" '
            'aria-label="Select row {}">',
            record.pk,
            _version(record),
            record.row_number,
        )

    def render_disposition(self, record: Conviction) -> str:
        return format_html("{}", record.disposition_on or record.disposition_date or "—")

    def render_name(self, record: Conviction) -> str:
        return format_html(
            '<a href="{}">{}, {}</a> <small class="help">list #{} row {}</small>',
            reverse("conviction_detail", args=[record.pk]),
            record.last_name,
            record.first_name,
            record.isp_list_id,
            record.row_number,
        )

    def render_statute(self, value: str) -> str:
        return format_html("<code>{}</code>", value)

    def render_determination(self, record: Conviction) -> str:
        reasons = format_html_join(
            " ", '<code class="reason">{}</code>', ((r,) for r in record.reasons)
        )
        return format_html(
            '<span class="badge {}">{}</span> {}',
            record.determination,
            record.get_determination_display(),
            reasons,
        )

    def render_claim(self, record: Conviction) -> str:
        review = selectors.review_of(record)
        if not selectors.claim_is_active(review, self.now):
            return "—"
        assert review is not None
        if self.user is not None and review.claimed_by_id == self.user.pk:
            return mark_safe('<span class="claim mine">you</span>')
        return format_html('<span class="claim">{}</span>', review.claimed_by)

    def render_decision(self, record: Conviction) -> str:
        review = selectors.review_of(record)
        decision = review.decision if review is not None else None
        if decision is None:
            return "—"
        flag = (
            format_html(' <span class="flag" title="{}">another look</span>', _LOOK_AGAIN)
            if review is not None and review.needs_another_look
            else ""
        )
        return format_html(
            '<span class="badge {}">{}</span> <small class="help">{} by {}</small>{}',
            decision.outcome,
            decision.get_outcome_display(),
            decision.get_kind_display().lower(),
            decision.reviewer,
            flag,
        )

    def render_actions(self, record: Conviction) -> str:
        review = selectors.review_of(record)
        held_by_other = (
            selectors.claim_is_active(review, self.now)
            and review is not None
            and (self.user is None or review.claimed_by_id != self.user.pk)
        )
        decided = review is not None and review.decision_id is not None
        if record.determination not in Outcome.values or held_by_other or decided:
            return ""
        return format_html(
            '<button type="submit" form="row-action-form" formaction="{}" name="version" '
            'value="{}" class="secondary small" data-action="confirm">Confirm</button>',
            reverse("review_decide", args=[record.pk]),
            _version(record),
        )


_LOOK_AGAIN = (
    "The machine's determination or reasons changed since this decision: look at it again."
)


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
        return record.get_kind_display() + (" (bulk)" if record.bulk else "")

    def render_reason(self, record: Decision) -> str:
        return record.get_reason_display() or "—"
