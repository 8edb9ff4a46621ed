from __future__ import annotations

from datetime import date
from typing import Any

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
    pending_only = request.GET.get("rulings") == "pending"
    context = {
        "waiting": selectors.batches_waiting_for_packet(),
        "packets": selectors.packets_listed(rulings_pending_only=pending_only),
        "pending_only": pending_only,
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
    return _packet_page(request, selectors.packet_for_page(pk))


def _packet_page(
    request: HttpRequest, packet: Packet, *, kept: dict[str, Any] | None = None
) -> HttpResponse:
    """The packet's page; ``kept``: the rulings form as the clerk sent it, when it was refused
    (the ticks, the ruling and the date stay as they were)."""
    today = timezone.localdate()
    return render(
        request,
        "filings/packet_detail.html",
        {
            "packet": packet,
            "downloadable": selectors.packet_downloadable(packet=packet),
            "replaced_by": selectors.packet_replacing(packet) if packet.is_superseded else None,
            "convictions": selectors.packet_convictions(packet),
            "to_rule": (
                selectors.rulings_pending(batch_id=packet.batch_id).count()
                if packet.status == Packet.Status.FILED
                else 0
            ),
            "rulings": CourtOutcome.Ruling.choices,
            "kept": kept or {"ids": set(), "ruling": "", "order_date": "", "pending": False},
            "today": today,
            # A packet is filed on or after the day it was made; the court orders after filing.
            "filed_min": timezone.localdate(packet.generated_at) if packet.generated_at else None,
            "order_min": packet.filed_on,
            "upload_form": ExhibitOutcomesForm(packet=packet),
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
    """Record rulings: one order date for the ticked convictions (or every one still to rule
    on), granted or denied. A refusal shows the page again with the ticks as they were."""
    packet = selectors.packet_for_page(pk)
    ruling = request.POST.get("ruling", "")
    ids = {int(v) for v in request.POST.getlist("convictions") if v.isdigit()}
    pending = request.POST.get("pending") == "all"
    kept = {
        "ids": ids,
        "ruling": ruling,
        "order_date": request.POST.get("order_date", "")[:10],
        "pending": pending,
    }
    if pending:
        ids |= set(selectors.rulings_pending(batch_id=packet.batch_id).values_list("pk", flat=True))
    if not ids and not pending:
        messages.error(request, "Tick the convictions and choose granted or denied.")
        return redirect("packet_detail", pk=pk)
    refusal = _ruling_refusal(packet, ruling=ruling, order_date=kept["order_date"], ids=ids)
    if refusal is None:
        try:
            count = services.outcomes_record(
                packet=packet,
                user=request.user,
                rulings={i: (ruling, date.fromisoformat(kept["order_date"])) for i in ids},
            )
        except services.PacketRefused as refused:
            refusal = refused.message
        else:
            messages.success(request, f"Recorded the ruling for {count} conviction(s).")
            return redirect("packet_detail", pk=pk)
    messages.error(request, refusal)
    return _packet_page(request, packet, kept=kept)


def _ruling_refusal(packet: Packet, *, ruling: str, order_date: str, ids: set[int]) -> str | None:
    """Why the rulings form cannot be recorded as sent, or None."""
    try:
        day = date.fromisoformat(order_date)
    except ValueError:
        return "Give the date of the court's order."
    if ruling not in CourtOutcome.Ruling.values or not ids:
        return "Tick the convictions and choose granted or denied."
    # A granted order starts the retention clock: a date the court cannot have ruled on is a
    # typing error (the Exhibit A upload refuses the same dates).
    if day > timezone.localdate():
        return "The order date cannot be later than today."
    if packet.filed_on is not None and day < packet.filed_on:
        filed = f"{packet.filed_on:%b %d, %Y}"
        return f"The order date cannot be before the packet was filed ({filed})."
    return None


@accepts_upload(lambda: exhibit_outcomes.MAX_UPLOAD_BYTES)
@requires("handle_packets")
def packet_outcomes_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Record rulings from Exhibit A uploaded back with an "Outcome" column: every ruling in the
    file, or none when it has any problem (each is listed with its row)."""
    packet = selectors.packet_for_page(pk)
    form = ExhibitOutcomesForm(request.POST or None, request.FILES or None, packet=packet)
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
