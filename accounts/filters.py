from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django_filters.widgets import DateRangeWidget

from accounts.models import AuditEvent

# The query parameters of the audit log's filters (the export records which were used).
FILTER_PARAMETERS = ("user", "action", "date_after", "date_before", "object_type", "object_id")


class AuditEventFilter(django_filters.FilterSet):
    user = django_filters.CharFilter(field_name="username", lookup_expr="iexact", label="User")
    action = django_filters.CharFilter(
        method="filter_action", label="Action", help_text="“user” finds user.login, user.logout…"
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
        """An action by its full name, or every action under a dotted prefix."""
        value = value.strip().rstrip(".")
        return queryset.filter(Q(action=value) | Q(action__startswith=f"{value}."))
