"""The reports page (aggregates only), its .xlsx downloads, and the referral list download."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.access import perm, requires
from accounts.audit import audit_record
from accounts.roles import ROLE_PERMISSIONS
from core.spreadsheets import workbook_response, xlsx_response
from eligibility.models import IspList
from eligibility.selectors import list_referral_count
from reports import dashboard as office
from reports import selectors
from reports.forms import ScopeForm

CHART_WIDTH = 520
BAR_HEIGHT = 22
LABEL_WIDTH = 220


ROLE_PERMISSION_NAMES = sorted({name for names in ROLE_PERMISSIONS.values() for name in names})


def dashboard(request: HttpRequest) -> HttpResponse:
    """Every role: what needs them now, and the office's counts per stage (a user without a role
    sees neither)."""
    user = request.user
    context: dict[str, Any] = {}
    if any(user.has_perm(perm(name)) for name in ROLE_PERMISSION_NAMES):
        counts = office.office_counts()
        context.update(counts=counts, needs=office.needs_me(user, counts))
        if user.has_perm(perm("review_convictions")) or user.has_perm(perm("view_reports")):
            context.update(
                by_reason=selectors.override_rates_by_reason(),
                by_list=selectors.override_rates_by_list(),
            )
    return render(request, "reports/dashboard.html", context)


def bar_chart(title: str, bars: list[tuple[str, int | str]]) -> dict[str, object]:
    """A horizontal bar chart drawn on the server: positions and sizes as SVG attributes (the
    Content-Security-Policy allows no inline style). A suppressed value draws no bar."""
    numbers = [value for _, value in bars if isinstance(value, int)]
    top = max(numbers, default=0) or 1
    span = CHART_WIDTH - LABEL_WIDTH - 60
    drawn = []
    for index, (label, value) in enumerate(bars):
        width = int(span * value / top) if isinstance(value, int) else 0
        y = index * (BAR_HEIGHT + 6)
        drawn.append(
            {
                "label": label,
                "value": value,
                "y": y,
                "text_y": y + BAR_HEIGHT - 6,
                "width": max(width, 1) if isinstance(value, int) and value else 0,
                "value_x": LABEL_WIDTH + width + 6,
            }
        )
    return {
        "title": title,
        "bars": drawn,
        "width": CHART_WIDTH,
        "height": max(len(bars), 1) * (BAR_HEIGHT + 6),
        "label_width": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 6,
        "bar_height": BAR_HEIGHT,
    }


@requires("view_reports")
def report_index(request: HttpRequest) -> HttpResponse:
    form = ScopeForm(request.GET or None)
    scope = form.scope()
    tables = selectors.report_tables(scope)
    by_key = {table.key: table for table in tables}
    funnel = by_key["funnel"]
    race = by_key["equity_race"]
    charts = [
        bar_chart("Funnel (rows)", [(row[0], row[1]) for row in funnel.rows]),
        bar_chart("People helped, by race", [(row[0], row[2]) for row in race.rows[:-1]]),
    ]
    context = {
        "form": form,
        "scope": scope,
        "tables": tables,
        "charts": charts,
        "definitions": selectors.DEFINITIONS,
        "query": request.GET.urlencode(),
        "referral_count": (
            list_referral_count(isp_list=scope.isp_list) if scope.isp_list is not None else None
        ),
    }
    return render(request, "reports/index.html", context)


@requires("view_reports")
def report_export(request: HttpRequest) -> HttpResponse:
    """Every table of the page in one workbook, or the one named by ``?table=``."""
    scope = ScopeForm(request.GET or None).scope()
    tables = [*selectors.report_tables(scope), selectors.definitions_table()]
    wanted = request.GET.get("table", "")
    if wanted:
        tables = [table for table in tables if table.key == wanted] or tables
    workbook = selectors.report_workbook(tables, heading=f"Scope: {scope.describe()}")
    return workbook_response(workbook, f"report-{wanted}.xlsx" if wanted else "report.xlsx")


@requires("view_reports")
def referral_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The referral list of one ISP list, for ISP and the arresting agencies (personal data)."""
    isp_list = get_object_or_404(IspList, pk=pk)
    audit_record(
        action="list.referrals_export",
        request=request,
        obj=isp_list,
        detail={"rows": list_referral_count(isp_list=isp_list)},
    )
    return xlsx_response(
        filename=f"referrals-list-{isp_list.pk}.xlsx",
        title="Referrals by agency",
        header=selectors.REFERRAL_HEADER,
        rows=selectors.referral_rows(isp_list),
    )
