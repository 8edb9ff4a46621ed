from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django_tables2 import RequestConfig
from django_tables2.paginators import LazyPaginator

from accounts import selectors
from accounts.access import requires
from accounts.audit import audit_record
from accounts.filters import FILTER_PARAMETERS, AuditEventFilter
from accounts.tables import AuditEventTable, detail_text
from core.spreadsheets import xlsx_response

AUDIT_PAGE_ROWS = 50
# One worksheet holds 1,048,576 rows, the header included.
AUDIT_EXPORT_MAX_ROWS = 1_048_575


def _audit_filter(request: HttpRequest) -> AuditEventFilter:
    return AuditEventFilter(request.GET, queryset=selectors.audit_events())


@requires("view_audit")
def audit(request: HttpRequest) -> HttpResponse:
    events = _audit_filter(request)
    # Filters that do not read (a malformed date) show their error and no events, never all.
    table = AuditEventTable(events.qs if events.is_valid() else events.queryset.none())
    # No COUNT(*) over the whole log for each page: the pager only knows whether there is more.
    RequestConfig(
        request, paginate={"per_page": AUDIT_PAGE_ROWS, "paginator_class": LazyPaginator}
    ).configure(table)
    return render(
        request,
        "accounts/audit.html",
        {
            "filter": events,
            "table": table,
            "actions": selectors.audit_actions(),
            "object_types": selectors.audit_object_types(),
            "export_max_rows": AUDIT_EXPORT_MAX_ROWS,
        },
    )


@requires("view_audit")
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered events as a workbook (formulas neutralised); the export is itself audited."""
    events = _audit_filter(request)
    if not events.is_valid():
        page = audit(request)  # the page, with the filters' errors
        page.status_code = 400
        return page
    used = {name: request.GET[name][:200] for name in FILTER_PARAMETERS if request.GET.get(name)}
    audit_record(action="audit.export", request=request, detail={"filters": used})
    rows = events.qs.values_list(
        "at", "username", "action", "object_type", "object_id", "detail", "ip_address"
    )[:AUDIT_EXPORT_MAX_ROWS].iterator(chunk_size=5000)
    return xlsx_response(
        filename=f"audit-log-{timezone.localdate():%Y-%m-%d}.xlsx",
        title="Audit log",
        header=["when", "user", "action", "object type", "object id", "detail", "address"],
        rows=_export_rows(rows),
    )


def _export_rows(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    for at, username, action, object_type, object_id, detail, ip in rows:
        # Excel has no time zones: the office's local time, as on the page.
        when = timezone.localtime(at).replace(tzinfo=None)
        yield when, username, action, object_type, object_id, detail_text(detail), ip or ""
