from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict

from eligibility.models import Conviction, Determination, IspList
from eligibility.rules import REASONS
from review.models import Decision, Outcome
from review.selectors import queue as queue_selectors


class QueueFilter(django_filters.FilterSet):
    """The queue's filters. Each narrows the newest-first walk of the queue (see
    ``queue_selectors.queue_convictions``)."""

    STATES = (
        ("needs_person", "Needs a person (undecided, or for another look)"),
        ("undecided", "Undecided"),
        ("decided", "Decided"),
        ("held", "Held by an attorney"),
        ("another_look", "For another look (changed since the decision)"),
    )
    # The queue with no filter chosen shows what needs a person (issue 18), newest disposition
    # first among the rows whose date could be read; those whose date could not are in their
    # own view (issue 20: a new attorney's first claim was all of them).
    DEFAULT = {"state": "needs_person", "dated": "readable"}
    DATED = (
        ("readable", "Readable (newest first)"),
        ("unreadable", "Could not be read"),
        ("any", "Any"),
    )

    determination = django_filters.ChoiceFilter(
        choices=Determination.choices,
        empty_label="any determination",
        method="filter_determination",
    )
    reason = django_filters.ChoiceFilter(
        label="Reason code",
        choices=[("none", "(no reason code)"), *((code, code) for code in sorted(REASONS))],
        empty_label="any reason",
        method="filter_reason",
    )
    isp_list = django_filters.ModelChoiceFilter(
        label="List",
        queryset=IspList.objects.exclude(status=IspList.Status.FAILED).only("id", "filename"),
        empty_label="every list",
    )
    court = django_filters.ChoiceFilter(
        label="Court location",
        field_name="court_location",
        choices=lambda: [(name, name) for name in queue_selectors.court_locations()],
        empty_label="every court",
    )
    year = django_filters.NumberFilter(
        label="Disposition year",
        field_name="disposition_on",
        lookup_expr="year",
        widget=forms.NumberInput(attrs={"min": 1900, "max": 2100, "class": "year"}),
    )
    state = django_filters.ChoiceFilter(
        label="Review", choices=STATES, empty_label="any", method="filter_state"
    )
    dated = django_filters.ChoiceFilter(
        label="Disposition date", choices=DATED, empty_label=None, method="filter_dated"
    )
    mine = django_filters.BooleanFilter(
        label="Held by me", method="filter_mine", widget=forms.CheckboxInput
    )

    class Meta:
        model = Conviction
        fields: list[str] = []

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        # Not only the bare page: its next pages and sort links carry no review state either.
        missing = {key: value for key, value in self.DEFAULT.items() if not data or key not in data}
        if missing:
            data = data.copy() if data is not None else QueryDict(mutable=True)
            data.update(missing)
        super().__init__(data, *args, **kwargs)

    def filter_determination(self, queryset: QuerySet[Conviction], name: str, value: str) -> Any:
        if value == Determination.ELIGIBLE:
            return queryset.filter(queue_selectors.eligible_q())
        return queryset.filter(determination=value) if value else queryset

    def filter_dated(self, queryset: QuerySet[Conviction], name: str, value: str) -> Any:
        if value == "readable":
            return queryset.filter(disposition_on__isnull=False)
        if value == "unreadable":
            return queryset.filter(disposition_on__isnull=True)
        return queryset

    def filter_reason(self, queryset: QuerySet[Conviction], name: str, value: str) -> Any:
        return queryset.filter(queue_selectors.reason_q(value)) if value else queryset

    def filter_state(self, queryset: QuerySet[Conviction], name: str, value: str) -> Any:
        conditions = {
            "undecided": queue_selectors.undecided_q,
            "decided": queue_selectors.decided_q,
            "held": queue_selectors.held_q,
            "another_look": queue_selectors.another_look_q,
            "needs_person": queue_selectors.needs_person_q,
        }
        return queryset.filter(conditions[value]()) if value in conditions else queryset

    def filter_mine(self, queryset: QuerySet[Conviction], name: str, value: bool | None) -> Any:
        if not value or self.request is None:
            return queryset
        return queryset.filter(queue_selectors.held_by_q(self.request.user))


class DecisionFilter(django_filters.FilterSet):
    reviewer = django_filters.ModelChoiceFilter(
        label="Attorney",
        queryset=lambda request: queue_selectors.reviewers(),
        empty_label="every attorney",
    )
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, empty_label="any outcome")
    kind = django_filters.ChoiceFilter(choices=Decision.Kind.choices, empty_label="any")

    class Meta:
        model = Decision
        fields: list[str] = []
