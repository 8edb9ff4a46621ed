"""Reads of the filings app that its views and services share."""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from eligibility.models import Conviction, IspList
from filings.models import CourtOutcome, Packet
from review.models import Batch, BatchItem
from review.selectors import batches


def batches_waiting_for_packet() -> QuerySet[Batch]:
    """Approved batches with no packet of their current revision made or in the making (a
    batch sent back and approved again waits for a new one)."""
    made = Packet.objects.filter(
        batch=OuterRef("pk"),
        batch_revision=OuterRef("revision"),
        status__in=[Packet.Status.GENERATING, Packet.Status.READY],
    )
    return (
        Batch.objects.filter(state=Batch.State.APPROVED)
        .exclude(Exists(made))
        .select_related("approved_by")
        .order_by("approved_at")
    )


def batch_for_packet(pk: int) -> Batch:
    """The batch a packet is asked for; Http404 when there is none."""
    return get_object_or_404(Batch, pk=pk)


def packet_for_page(pk: int) -> Packet:
    """The packet a page shows or acts on, with its batch; Http404 when there is none."""
    return get_object_or_404(Packet.objects.select_related("batch", "profile"), pk=pk)


def rulings_pending(*, batch_id: int) -> QuerySet[Conviction]:
    """The convictions of a batch the court has not ruled on yet (none is recorded)."""
    return Conviction.objects.filter(batch_item__batch_id=batch_id, court_outcome__isnull=True)


def packets_listed(*, rulings_pending_only: bool = False) -> QuerySet[Packet]:
    """Packets newest first, each with ``to_rule``: for a filed packet, how many of its
    convictions still wait for the court's ruling to be recorded (0 for the others)."""
    pending = (
        Conviction.objects.filter(
            batch_item__batch_id=OuterRef("batch_id"), court_outcome__isnull=True
        )
        .order_by()
        .values("batch_item__batch_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    packets = Packet.objects.select_related("batch", "generated_by", "filed_by").annotate(
        to_rule=Coalesce(Subquery(pending, output_field=IntegerField()), 0)
    )
    if rulings_pending_only:
        packets = packets.filter(status=Packet.Status.FILED, to_rule__gt=0)
    return packets


def rulings_pending_totals() -> dict[str, int]:
    """Across filed packets: the convictions whose ruling is still to record, and the packets
    holding them (the clerk's dashboard)."""
    return Conviction.objects.filter(
        batch_item__batch__packets__status=Packet.Status.FILED, court_outcome__isnull=True
    ).aggregate(
        convictions=Count("pk", distinct=True),
        packets=Count("batch_item__batch__packets", distinct=True),
    )


def packet_replacing(packet: Packet) -> Packet | None:
    """The packet of the batch's current revision, for a superseded one (None before it is
    made, or when it failed)."""
    return (
        Packet.objects.filter(batch_id=packet.batch_id, batch_revision=packet.batch.revision)
        .exclude(status=Packet.Status.FAILED)
        .first()
    )


def packet_convictions(packet: Packet) -> list[Conviction]:
    """The convictions a packet's page lists, with their rulings: the batch's, or for a
    superseded packet the ones it held (the lines of its Exhibit A: the batch changed since)."""
    if packet.is_superseded and packet.exhibit_lines:
        held = Conviction.objects.select_related("court_outcome").in_bulk(packet.exhibit_lines)
        return [held[pk] for pk in packet.exhibit_lines if pk in held]
    items = batches.batch_items(packet.batch).select_related("conviction__court_outcome")
    return [item.conviction for item in items]


def packet_holds_purged(*, packet: Packet) -> bool:
    """Whether the packet's stored file still names a conviction whose personal data was purged
    (``filings.services.packet_purge`` takes it out, or deletes the file): such a file is never
    served."""
    return (
        Conviction.objects.filter(batch_item__batch_id=packet.batch_id, purged_at__isnull=False)
        .exclude(pk__in=packet.removed_convictions)
        .exists()
    )


def packet_downloadable(*, packet: Packet) -> bool:
    """A file to download: not superseded by a packet of the batch's later revision, and naming
    nobody purged."""
    return (
        bool(packet.file)
        and packet.purged_at is None
        and not packet.is_superseded
        and not packet_holds_purged(packet=packet)
    )


def list_history_counts(*, isp_list: IspList, known: int | None = None) -> dict[str, int]:
    """Of the list's rows that are a conviction of an earlier list: how many were filed, granted
    and denied there (the list's history, ``eligibility.signals.list_evaluated``). ``known``: how
    many such rows there are, when the caller knows (with none, the queries, each of which reads
    every row of the list, are spared)."""
    if known == 0:
        return {"filed": 0, "granted": 0, "denied": 0}
    known = Conviction.objects.filter(isp_list=isp_list, copy_of__isnull=False)
    earlier = {
        "conviction__identity": OuterRef("identity"),
        "conviction__isp_list_id__lt": isp_list.pk,
    }
    filed = BatchItem.objects.filter(**earlier, batch__state=Batch.State.FILED)
    ruled = CourtOutcome.objects.filter(**earlier)
    return {
        "filed": known.filter(Exists(filed)).count(),
        "granted": known.filter(Exists(ruled.filter(ruling=CourtOutcome.Ruling.GRANTED))).count(),
        "denied": known.filter(Exists(ruled.filter(ruling=CourtOutcome.Ruling.DENIED))).count(),
    }
