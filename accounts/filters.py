from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django_filters.widgets import DateRangeWidget

from accounts.models import AuditEvent
from accounts.selectors import audit_actions

# The query parameters of the audit log's filters (the export records which were used).
FILTER_PARAMETERS = ("user", "action", "date_after", "date_before", "object_type", "object_id")


class AuditEventFilter(django_filters.FilterSet):
    user = django_filters.CharFilter(field_name="username", lookup_expr="iexact", label="User")
    action = django_filters.CharFilter(
        method="filter_action",
        label="Action",
        help_text="Any part of it: “login” finds user.login and user.login_failed.",
    )
    date = django_filters.DateFromToRangeFilter(
        field_name="at", label="From - to", widget=DateRangeWidget(attrs={"type": "date"})
    )
    object_type = django_filters.CharFilter(label="Object type")
    object_id = django_filters.CharFilter(label="Object id")

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def filter_action(
        self, queryset: QuerySet[AuditEvent], name: str, value: str
    ) -> QuerySet[AuditEvent]:
        """Every action whose name holds the text, anywhere in it. Matched against the actions
        the log holds (a short list, read through the index), so the log is read by its index
        on ``action`` rather than scanned."""
        text = value.strip().lower()
        return queryset.filter(action__in=[a for a in audit_actions() if text in a.lower()])
