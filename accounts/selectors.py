"""Reads of the accounts app: the audit log, and failed logins for the user admin."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone

from accounts.models import AuditEvent


def audit_events() -> QuerySet[AuditEvent]:
    """The audit log, newest first."""
    return AuditEvent.objects.order_by("-at", "-id")


def audit_actions() -> list[str]:
    """Every action the log holds (the filter suggests them)."""
    return _distinct("action")


def audit_object_types() -> list[str]:
    return _distinct("object_type")


def _distinct(column: str) -> list[str]:
    """The distinct non-empty values of an indexed column, one index probe per value: SELECT
    DISTINCT would read the whole log (a million events: a third of a second per column)."""
    assert column in {"action", "object_type"}  # both lead an index; never user input
    table = AuditEvent._meta.db_table
    sql = (
        f"WITH RECURSIVE found(value) AS ("
        f" SELECT MIN({column}) FROM {table} WHERE {column} > ''"
        f" UNION ALL"
        f" SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > found.value)"
        f" FROM found WHERE found.value IS NOT NULL"
        f") SELECT value FROM found WHERE value IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [value for (value,) in cursor.fetchall()]


def with_recent_failed_logins(users: QuerySet) -> QuerySet:  # type: ignore[type-arg]
    """Annotate users with ``failed_logins``: the failures django-axes counts towards a lock
    (those within the cool-off time), as ``axes`` sums them."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = (
        AccessAttempt.objects.filter(username=OuterRef("username"), attempt_time__gte=since)
        .order_by()
        .values("username")
        .annotate(total=Sum("failures_since_start"))
        .values("total")
    )
    return users.annotate(failed_logins=Subquery(failures, output_field=IntegerField()))


def accounts_listed() -> QuerySet:  # type: ignore[type-arg]
    """Every account for the Users page, by username, with its roles and failed logins."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models import Prefetch

    from accounts.roles import ROLES

    roles = Prefetch("groups", queryset=Group.objects.filter(name__in=ROLES).order_by("name"))
    users = get_user_model().objects.order_by("username").prefetch_related(roles)
    return with_recent_failed_logins(users)


def account_for_page(pk: int) -> object:
    """One account of the Users page, with its failed logins; Http404 when there is none."""
    from django.contrib.auth import get_user_model
    from django.shortcuts import get_object_or_404

    return get_object_or_404(with_recent_failed_logins(get_user_model().objects.all()), pk=pk)
