from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import requires
from accounts.audit import audit_record
from eligibility import selectors as eligibility_selectors
from eligibility.models import Conviction
from eligibility.rules import REASONS


@requires("review_convictions")
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "review/queue.html")


@requires("review_convictions", "upload_lists")
def conviction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        conviction = eligibility_selectors.conviction_with_list(pk=pk)
    except Conviction.DoesNotExist as missing:
        raise Http404("No such conviction") from missing
    audit_record(action="conviction.view", request=request, obj=conviction)
    others = list(eligibility_selectors.conviction_person_rows(conviction=conviction))
    context = {
        "c": conviction,
        "reasons": [(code, REASONS.get(code)) for code in conviction.reasons],
        "same_case": [o for o in others if o.case_key and o.case_key == conviction.case_key],
        "other_cases": [o for o in others if not o.case_key or o.case_key != conviction.case_key],
    }
    return render(request, "review/conviction_detail.html", context)


@requires("submit_batches", "approve_batches")
def batch_index(request: HttpRequest) -> HttpResponse:
    return render(request, "review/batch_index.html")


@requires("approve_batches")
def sample_index(request: HttpRequest) -> HttpResponse:
    return render(request, "review/sample_index.html")
