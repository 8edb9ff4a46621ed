"""The reports page (aggregates only), its .xlsx downloads, and the referral list download."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.access import requires
from eligibility.models import IspList
from eligibility.spreadsheets import workbook_response, xlsx_response
from filings import reports

CHART_WIDTH = 520
BAR_HEIGHT = 22
LABEL_WIDTH = 220


class ScopeForm(forms.Form):
    isp_list = forms.ModelChoiceField(
        queryset=IspList.objects.all(), required=False, label="List", empty_label="All lists"
    )
    date_from = forms.DateField(
        required=False, label="Uploaded from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="to", widget=forms.DateInput(attrs={"type": "date"})
    )

    def scope(self) -> reports.Scope:
        data = self.cleaned_data if self.is_valid() else {}
        return reports.Scope(
            isp_list=data.get("isp_list"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


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
    tables = reports.report_tables(scope)
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
        "definitions": reports.DEFINITIONS,
        "query": request.GET.urlencode(),
        "referral_count": (
            reports.referral_count(scope.isp_list) if scope.isp_list is not None else None
        ),
    }
    return render(request, "filings/reports/index.html", context)


@requires("view_reports")
def report_export(request: HttpRequest) -> HttpResponse:
    """Every table of the page in one workbook, or the one named by ``?table=``."""
    scope = ScopeForm(request.GET or None).scope()
    tables = [*reports.report_tables(scope), reports.definitions_table()]
    wanted = request.GET.get("table", "")
    if wanted:
        tables = [table for table in tables if table.key == wanted] or tables
    workbook = reports.report_workbook(tables, heading=f"Scope: {scope.describe()}")
    return workbook_response(workbook, f"report-{wanted}.xlsx" if wanted else "report.xlsx")


@requires("view_reports")
def referral_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The referral list of one ISP list, for ISP and the arresting agencies (personal data)."""
    isp_list = get_object_or_404(IspList, pk=pk)
    return xlsx_response(
        filename=f"referrals-list-{isp_list.pk}.xlsx",
        title="Referrals by agency",
        header=reports.REFERRAL_HEADER,
        rows=reports.referral_rows(isp_list),
    )
