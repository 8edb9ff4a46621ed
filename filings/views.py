from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import forbidden, requires
from accounts.audit import audit_record
from accounts.middleware import accepts_upload
from filings import exhibit_outcomes, selectors, services
from filings.exhibit_outcomes import ExhibitRefused
from filings.forms import ExhibitOutcomesForm
from filings.models import CourtOutcome, Packet
from review.models import Batch


@requires("view_packets", "handle_packets")
def packet_index(request: HttpRequest) -> HttpResponse:
    context = {
        "waiting": selectors.batches_waiting_for_packet(),
        "packets": selectors.packets_listed(),
    }
    return render(request, "filings/packet_index.html", context)


@requires("handle_packets")
@require_POST
def packet_generate(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_for_packet(pk)
    try:
        packet = services.packet_request(batch=batch, user=request.user)
    except services.PacketRefused as refused:
        messages.error(request, refused.message)
        return redirect("filings")
    packet.refresh_from_db(fields=["status", "message"])
    if packet.status == Packet.Status.FAILED:
        messages.error(request, packet.message)
    else:
        messages.success(request, f"Generating the packet of batch #{batch.pk}.")
    return redirect("packet_detail", pk=packet.pk)


@requires("view_packets", "handle_packets")
def packet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    packet = selectors.packet_for_page(pk)
    return render(
        request,
        "filings/packet_detail.html",
        {
            "packet": packet,
            "downloadable": selectors.packet_downloadable(packet=packet),
            "replaced_by": selectors.packet_replacing(packet) if packet.is_superseded else None,
            "convictions": selectors.packet_convictions(packet),
            "rulings": CourtOutcome.Ruling.choices,
            "upload_form": ExhibitOutcomesForm(),
        },
    )


@requires("handle_packets")
def packet_download(request: HttpRequest, pk: int) -> HttpResponse:
    packet = selectors.packet_for_page(pk)
    if packet.is_superseded or packet.batch.state not in {
        Batch.State.PACKET_GENERATED,
        Batch.State.FILED,
    }:
        # a supervisor sent the batch back after the packet was made: not approved now, or
        # approved again with other contents (a new packet)
        return forbidden(request)
    if packet.status not in {Packet.Status.READY, Packet.Status.FILED} or not packet.file:
        raise Http404("This packet has no file to download.")
    if packet.purged_at is not None:
        raise Http404("This packet was purged after the records were expunged.")
    if selectors.packet_holds_purged(packet=packet):
        # the purge is taking expunged people out of it (filings.purge): never serve them
        raise Http404("This packet is being rendered again without the expunged records.")
    audit_record(action="packet.download", request=request, obj=packet)
    return FileResponse(
        packet.file.open("rb"), as_attachment=True, filename=packet.file.name.rsplit("/", 1)[-1]
    )


@requires("handle_packets")
@require_POST
def packet_file(request: HttpRequest, pk: int) -> HttpResponse:
    packet = selectors.packet_for_page(pk)
    try:
        filed_on = date.fromisoformat(request.POST.get("filed_on", ""))
        if filed_on > timezone.localdate():
            messages.error(request, "The filing date cannot be later than today.")
            return redirect("packet_detail", pk=pk)
        services.packet_file(
            packet=packet,
            user=request.user,
            filed_on=filed_on,
            court_call=request.POST.get("court_call", "").strip(),
        )
    except ValueError:
        messages.error(request, "Give the date the packet was filed.")
    except services.PacketRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "Marked filed.")
    return redirect("packet_detail", pk=pk)


@requires("handle_packets")
@require_POST
def packet_outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    """Record rulings: one order date for the ticked convictions, granted or denied."""
    packet = selectors.packet_for_page(pk)
    ruling = request.POST.get("ruling", "")
    ids = [int(v) for v in request.POST.getlist("convictions") if v.isdigit()]
    try:
        order_date = date.fromisoformat(request.POST.get("order_date", ""))
    except ValueError:
        messages.error(request, "Give the date of the court's order.")
        return redirect("packet_detail", pk=pk)
    if ruling not in CourtOutcome.Ruling.values or not ids:
        messages.error(request, "Tick the convictions and choose granted or denied.")
        return redirect("packet_detail", pk=pk)
    # A granted order starts the retention clock: a date the court cannot have ruled on is a
    # typing error (the Exhibit A upload refuses the same dates).
    if order_date > timezone.localdate():
        messages.error(request, "The order date cannot be later than today.")
        return redirect("packet_detail", pk=pk)
    if packet.filed_on is not None and order_date < packet.filed_on:
        messages.error(
            request,
            f"The order date cannot be before the packet was filed ({packet.filed_on:%b %d, %Y}).",
        )
        return redirect("packet_detail", pk=pk)
    try:
        count = services.outcomes_record(
            packet=packet, user=request.user, rulings={i: (ruling, order_date) for i in ids}
        )
    except services.PacketRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"Recorded the ruling for {count} conviction(s).")
    return redirect("packet_detail", pk=pk)


@accepts_upload(lambda: exhibit_outcomes.MAX_UPLOAD_BYTES)
@requires("handle_packets")
def packet_outcomes_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Record rulings from Exhibit A uploaded back with an "Outcome" column: every ruling in the
    file, or none when it has any problem (each is listed with its row)."""
    packet = selectors.packet_for_page(pk)
    form = ExhibitOutcomesForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.outcomes_upload(
                packet=packet,
                user=request.user,
                upload=form.cleaned_data["file"],
                order_date=form.cleaned_data["order_date"],
            )
        except services.PacketRefused as refused:
            problems = [refused.message]
        except ExhibitRefused as refused:
            problems = refused.shown
        else:
            messages.success(request, result.summary)
            return redirect("packet_detail", pk=pk)
    return render(
        request,
        "filings/outcomes_upload.html",
        {"packet": packet, "form": form, "problems": problems},
    )
