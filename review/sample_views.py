"""Validation samples: drawing (supervisors), blind review (attorneys), the agreement report.

The blind page shows the ISP record and nothing of the machine's view: no determination, reason
code, explanation, basis or reading of the rules, for this row or the person's other rows."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.access import requires
from accounts.audit import audit_record
from core.spreadsheets import xlsx_response
from eligibility.rules import REASONS
from review.forms import BLIND_CHOICES, BLIND_OUTCOME, BlindDecisionForm, SampleDrawForm
from review.models import ValidationSample
from review.selectors import queue as queue_selectors
from review.selectors import samples as sample_selectors
from review.services import samples as sample_services


@requires("approve_batches")
def sample_index(request: HttpRequest) -> HttpResponse:
    form = SampleDrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sample = sample_services.sample_draw(
                isp_list=form.cleaned_data["isp_list"],
                size=form.cleaned_data["size"],
                seed=form.cleaned_data["seed"],
                user=request.user,
            )
        except sample_services.SampleRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request, f"Sample #{sample.pk} drawn (seed {sample.seed}): ready for blind review."
            )
            return redirect("sample_report", pk=sample.pk)
    context = {"form": form, "samples": sample_selectors.samples_with_counts()}
    return render(request, "review/sample_index.html", context)


@requires("review_convictions")
def sample_blind(request: HttpRequest, pk: int) -> HttpResponse:
    """The next undecided item of the sample, blind; a POST records one item's outcome."""
    sample = get_object_or_404(ValidationSample, pk=pk)
    if request.method == "POST":
        form = BlindDecisionForm(request.POST)
        if form.is_valid():
            item = get_object_or_404(
                sample_selectors.sample_items(sample), pk=form.cleaned_data["item"]
            )
            try:
                sample_services.blind_decision_record(
                    item=item,
                    reviewer=request.user,
                    outcome=BLIND_OUTCOME[form.cleaned_data["outcome"]],
                    note=form.cleaned_data["note"],
                )
            except sample_services.SampleRefused as refused:
                messages.error(request, refused.message)
            else:
                messages.success(request, f"Recorded item {item.position} of the sample.")
        else:
            messages.error(request, "Choose eligible or not eligible: nothing was saved.")
        return redirect("sample_blind", pk=pk)
    item = sample_selectors.next_blind_item(sample=sample, reviewer=request.user)
    context: dict[str, object] = {
        "sample": sample,
        "item": item,
        "pending": sample_selectors.pending_count(sample),
    }
    if item is not None:
        conviction = item.conviction
        audit_record(
            action="conviction.view",
            request=request,
            obj=conviction,
            detail={"blind_sample": sample.pk},
        )
        context.update(
            c=conviction,
            others=queue_selectors.conviction_person_rows(conviction=conviction),
            form=BlindDecisionForm(initial={"item": item.pk}),
        )
    return render(request, "review/sample_blind.html", context)


@requires("approve_batches")
def sample_report(request: HttpRequest, pk: int) -> HttpResponse:
    sample = get_object_or_404(sample_selectors.samples(), pk=pk)
    report = sample_selectors.sample_report(sample)
    disagreements = [
        (item, [(code, REASONS.get(code)) for code in item.machine_reasons])
        for item in report.disagreements
    ]
    interval = report.interval
    context = {
        "sample": sample,
        "report": report,
        "rate": None if report.agreement is None else f"{report.agreement:.1%}",
        "interval": None if interval is None else f"{interval[0]:.1%} to {interval[1]:.1%}",
        "disagreements": disagreements,
        "blind_choices": [label for _, label in BLIND_CHOICES],
        "z": sample_selectors.Z95,
    }
    return render(request, "review/sample_report.html", context)


@requires("approve_batches")
def sample_export(request: HttpRequest, pk: int) -> HttpResponse:
    sample = get_object_or_404(ValidationSample, pk=pk)
    audit_record(action="sample.export", request=request, obj=sample)
    return xlsx_response(
        filename=f"validation-sample-{sample.pk}-{timezone.localdate():%Y-%m-%d}.xlsx",
        title=f"Sample {sample.pk}",
        header=sample_selectors.EXPORT_HEADER,
        rows=sample_selectors.export_rows(sample),
    )
