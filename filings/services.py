"""Every write of the filings app: generating a packet, filing it, recording the court's rulings,
taking purged people out of its file."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from core.refusals import Refused
from eligibility import selectors as eligibility_selectors
from eligibility.models import Conviction
from filings.documents.data import PacketConviction, PacketCounty, PacketRequest
from filings.exhibit_outcomes import (
    ExhibitLine,
    ExhibitRefused,
    ExhibitRulings,
    read_rulings,
    size_problem,
)
from filings.models import CourtOutcome, Packet
from filings.packets import PacketResult, build_packet, packet_filename
from review.models import Batch
from review.selectors import batches as batch_selectors
from review.services import batches

log = logging.getLogger(__name__)


class PacketRefused(Refused):
    """A packet action that is not allowed; the message says why."""


def _batch_lock(batch_id: int) -> Batch:
    """Lock the batch row: every write that changes a batch and its packets takes it first (then
    the packet), the order ``review.services.batches`` keeps for the batch and its decisions."""
    return Batch.objects.select_for_update().get(pk=batch_id)


def packet_request(*, batch: Batch, user: Any) -> Packet:
    """Start generating the packet of an approved batch: once per revision of the batch (a batch
    sent back and approved again gets a new packet; the earlier one is superseded)."""
    with transaction.atomic():
        locked = _batch_lock(batch.pk)
        if locked.state != Batch.State.APPROVED:
            raise PacketRefused("Only an approved batch gets a packet.")
        of_this_revision = Packet.objects.filter(batch=locked, batch_revision=locked.revision)
        if of_this_revision.exclude(status=Packet.Status.FAILED).exists():
            raise PacketRefused("This batch already has a packet.")
        Packet.objects.filter(batch=locked, status=Packet.Status.FAILED).delete()
        profile = eligibility_selectors.profile_current()
        packet = Packet.objects.create(
            batch=locked, batch_revision=locked.revision, generated_by=user, profile=profile
        )
        audit_record(
            action="packet.request",
            actor=user,
            obj=packet,
            detail={
                "batch": batch.pk,
                "revision": locked.revision,
                "county_profile": profile.version,
                "shape": profile.packet_shape,
            },
        )
        packet_id = packet.pk
        transaction.on_commit(lambda: packet_send(packet_id=packet_id))
    return packet


WORKERS_UNREACHABLE = (
    "The workers cannot be reached, so the packet was not started. Generate it again when they "
    "are (an administrator can check that the worker and Redis are running)."
)


def packet_send(*, packet_id: int) -> bool:
    """Send a packet to the workers; return whether the broker took it. Called after the
    commit: a broker that is down fails the packet with a message the clerk can act on (generate
    it again), instead of a server error after the packet was stored."""
    from kombu.exceptions import OperationalError

    from filings import tasks

    try:
        tasks.generate_packet.delay(packet_id)
    except OperationalError as error:
        log.warning("packet #%s not started: the broker cannot be reached (%s)", packet_id, error)
        Packet.objects.filter(pk=packet_id, status=Packet.Status.GENERATING).update(
            status=Packet.Status.FAILED, message=WORKERS_UNREACHABLE
        )
        return False
    return True


SUPERSEDED_WHILE_MADE = (
    "The batch was sent back while this packet was being made: it was not kept. Generate the "
    "packet again once the batch is approved."
)


def packet_generate(*, packet_id: int) -> Packet:
    """Render the packet's documents into a zip and store it (idempotent: a ready packet is
    left alone). Moves the batch to "packet generated". A packet whose batch was sent back
    meanwhile is not kept: it fails, saying so."""
    packet = Packet.objects.select_related("batch", "generated_by", "profile").get(pk=packet_id)
    if packet.status != Packet.Status.GENERATING:
        return packet
    if packet.is_superseded:
        return _packet_fail(packet, SUPERSEDED_WHILE_MADE)
    batch = packet.batch
    convictions = [item.conviction for item in batch_selectors.batch_items(batch)]
    request = _packet_request(packet, convictions, generated_on=timezone.localdate())
    try:
        with tempfile.TemporaryDirectory(prefix="packet-") as tmp:
            result = build_packet(request, Path(tmp))
            with open(result.zip_path, "rb") as handle, transaction.atomic():
                locked = _batch_lock(batch.pk)
                # Compare-and-set under the lock: a second run of the task, or a send-back
                # while the documents were rendered, leaves this run without effect.
                if not Packet.objects.filter(
                    pk=packet.pk, status=Packet.Status.GENERATING
                ).exists():
                    return Packet.objects.get(pk=packet.pk)
                if locked.revision != packet.batch_revision:
                    return _packet_fail(packet, SUPERSEDED_WHILE_MADE)
                packet.file.save(result.zip_path.name, File(handle), save=False)
                packet.sha256 = result.sha256
                packet.size_bytes = result.size
                packet.files = [
                    {"name": f.name, "sha256": f.sha256, "size": f.size} for f in result.files
                ]
                packet.exhibit_lines = [c.pk for c in convictions]
                packet.counts = {
                    "convictions": result.counts.convictions,
                    "cases": result.counts.cases,
                    "orders": result.counts.orders,
                    "people": result.counts.people,
                    "notices": result.counts.notices,
                    "people_without_address": result.counts.people_without_address,
                }
                packet.status = Packet.Status.READY
                packet.generated_at = timezone.now()
                packet.save()
                batches.batch_transition(
                    batch=locked, action="packet_generated", user=packet.generated_by
                )
                audit_record(
                    action="packet.generate",
                    actor=packet.generated_by,
                    obj=packet,
                    detail={"sha256": result.sha256, **packet.counts},
                )
    except Exception as error:
        _packet_fail(packet, f"{type(error).__name__}: {error}")
        raise
    return packet


def _packet_fail(packet: Packet, message: str) -> Packet:
    Packet.objects.filter(pk=packet.pk, status=Packet.Status.GENERATING).update(
        status=Packet.Status.FAILED, message=message
    )
    packet.refresh_from_db()
    return packet


def batch_reference(batch: Batch) -> str:
    """How the papers name a batch: ``2026-004`` (the year it was gathered, its number)."""
    return f"{timezone.localdate(batch.created_at):%Y}-{batch.pk:03d}"


def _packet_request(
    packet: Packet,
    convictions: Sequence[Conviction],
    *,
    generated_on: date,
    numbers: Sequence[int] = (),
) -> PacketRequest:
    """What the packet's papers say, in the words of the county profile version it was made
    with; each conviction in the court location where that profile files it."""
    batch, profile = packet.batch, packet.profile
    return PacketRequest(
        # "Batch No. 2026-004": the year it was gathered and its number (not "batch-4")
        batch_reference=batch_reference(batch),
        court_location=batch.court_location,
        generated_on=generated_on,
        convictions=[
            PacketConviction.from_conviction(
                c, court_location=profile.location_of(c.court_location)
            )
            for c in convictions
        ],
        county=PacketCounty.from_profile(profile),
        numbers=numbers,
    )


def _packet_lines(packet: Packet) -> list[tuple[int, Conviction]]:
    """The convictions in the packet's file with the number of their line in the motion and
    Exhibit A: the lines it was made with (the batch may have changed since, when it was sent
    back and the packet superseded)."""
    if not packet.exhibit_lines:
        items = batch_selectors.batch_items(packet.batch)
        return list(enumerate((item.conviction for item in items), start=1))
    by_id = Conviction.objects.in_bulk(packet.exhibit_lines)
    return [
        (number, by_id[pk])
        for number, pk in enumerate(packet.exhibit_lines, start=1)
        if pk in by_id
    ]


def _packet_render_again(
    packet: Packet, lines: Sequence[tuple[int, Conviction]]
) -> tuple[str, PacketResult]:
    """Render the packet of ``lines`` as it was made (its date, its line numbers) into a new file
    in storage; return the file's name and what was rendered."""
    generated_at = packet.generated_at or timezone.now()
    request = _packet_request(
        packet,
        [conviction for _, conviction in lines],
        generated_on=timezone.localdate(generated_at),
        numbers=[number for number, _ in lines],
    )
    with tempfile.TemporaryDirectory(prefix="packet-") as tmp:
        name = packet_filename(f"{batch_reference(packet.batch)}-without-expunged")
        result = build_packet(request, Path(tmp) / name)
        with open(result.zip_path, "rb") as handle:
            stored = packet.file.storage.save(
                packet.file.field.generate_filename(packet, name), File(handle)
            )
    return stored, result


def packet_purge(
    *, packet_id: int, actor: Any = None, now: datetime | None = None
) -> Literal["reissued", "deleted", ""]:
    """Take the convictions whose personal data was purged out of the packet's stored file
    (``filings.purge``): render it again from the convictions left, each on the line number it
    was filed with and dated as it was made ("reissued"); or delete the file when nobody is
    left, or when it cannot be rendered again ("deleted"). What was filed stays on the packet:
    its hash, its manifest, its counts and the lines of Exhibit A. Idempotent: "" when the file
    holds nobody purged. The file is claimed by compare-and-set on its name, so two purges at
    once replace it once."""
    now = now or timezone.now()
    packet = Packet.objects.select_related("batch", "profile").get(pk=packet_id)
    if packet.purged_at is not None or not packet.file:
        return ""
    lines = _packet_lines(packet)
    purged = sorted(conviction.pk for _, conviction in lines if conviction.purged_at is not None)
    if set(purged) <= set(packet.removed_convictions):
        return ""
    left = [(number, conviction) for number, conviction in lines if conviction.purged_at is None]
    again: tuple[str, PacketResult] | None = None
    # A superseded packet is never downloaded again: its file goes rather than being redone.
    if left and not packet.is_superseded:
        try:
            again = _packet_render_again(packet, left)
        except Exception:
            # Never keep a file that names a purged person: without a new one, the old one goes.
            log.exception("packet %s could not be rendered again; its file is deleted", packet.pk)
    storage, old = packet.file.storage, packet.file.name
    with transaction.atomic():
        claimed = Packet.objects.filter(pk=packet.pk, file=old, purged_at__isnull=True)
        if again is not None:
            name, result = again
            if claimed.update(file=name, removed_convictions=purged, reissued_at=now) != 1:
                storage.delete(name)
                return ""
            storage.delete(old)
            audit_record(
                action="purge.packet_reissue",
                actor=actor,
                obj=packet,
                detail={
                    "removed": purged,
                    "convictions": len(left),
                    "sha256": result.sha256,
                },
            )
            return "reissued"
        if claimed.update(file="", purged_at=now) != 1:
            return ""
        storage.delete(old)
        audit_record(
            action="purge.packet",
            actor=actor,
            obj=packet,
            detail={"convictions_left": len(left)} if left else {},
        )
        return "deleted"


def packet_file(*, packet: Packet, user: Any, filed_on: date, court_call: str) -> Packet:
    """Record that the packet was filed (date and court call); the batch becomes filed."""
    with transaction.atomic():
        locked = _batch_lock(packet.batch_id)
        if locked.revision != packet.batch_revision:
            raise PacketRefused(
                "This packet was superseded: its batch was sent back after it was made. File "
                "the batch's current packet."
            )
        updated = Packet.objects.filter(pk=packet.pk, status=Packet.Status.READY).update(
            status=Packet.Status.FILED, filed_on=filed_on, court_call=court_call, filed_by=user
        )
        if updated != 1:
            raise PacketRefused("Only a packet that is ready can be marked filed.")
        batches.batch_transition(batch=locked, action="file", user=user)
        audit_record(
            action="packet.file",
            actor=user,
            obj=packet,
            detail={"filed_on": filed_on.isoformat(), "court_call": court_call},
        )
    packet.refresh_from_db()
    return packet


def outcomes_record(
    *,
    packet: Packet,
    user: Any,
    rulings: dict[int, tuple[str, date]],
    upload: dict[str, Any] | None = None,
) -> int:
    """Record the court's ruling (granted / denied, order date) on convictions of a filed packet.
    ``rulings``: conviction id -> (ruling, order date). Returns how many were recorded.
    ``upload``: the file they were read from and its counts, for the audit record."""
    if packet.status != Packet.Status.FILED:
        raise PacketRefused("Record rulings once the packet is filed.")
    in_packet = set(packet.batch.items.values_list("conviction_id", flat=True))
    unknown = set(rulings) - in_packet
    if unknown:
        raise PacketRefused(f"Not in this packet: convictions {sorted(unknown)}.")
    with transaction.atomic():
        # One statement for the whole file: a ruling recorded again replaces the earlier one.
        CourtOutcome.objects.bulk_create(
            [
                CourtOutcome(
                    conviction_id=conviction_id,
                    packet=packet,
                    ruling=ruling,
                    order_date=order_date,
                    recorded_by=user,
                )
                for conviction_id, (ruling, order_date) in rulings.items()
            ],
            update_conflicts=True,
            unique_fields=["conviction"],
            update_fields=["packet", "ruling", "order_date", "recorded_by", "recorded_at"],
        )
        detail: dict[str, Any] = {
            str(c): [r, d.isoformat()] for c, (r, d) in sorted(rulings.items())
        }
        if upload is not None:
            detail["upload"] = upload
        audit_record(action="outcome.record", actor=user, obj=packet, detail=detail)
    return len(rulings)


def outcomes_upload(
    *, packet: Packet, user: Any, upload: UploadedFile, order_date: date | None = None
) -> ExhibitRulings:
    """Record the rulings of Exhibit A uploaded back with an "Outcome" column (see
    ``filings.exhibit_outcomes``): all of them, or none when the file has any problem
    (``ExhibitRefused``). ``order_date`` applies to the rows without an order date."""
    if packet.status != Packet.Status.FILED:
        raise PacketRefused("Record rulings once the packet is filed.")
    if not packet.exhibit_lines:
        raise PacketRefused(
            "This packet does not record which conviction is on each line of its Exhibit A, so "
            "an uploaded exhibit cannot be matched to it. Record its rulings with the form below."
        )
    if problem := size_problem(upload.size):
        raise ExhibitRefused([problem])
    stored = {
        pk: (number, purged_at is not None)
        for pk, number, purged_at in Conviction.objects.filter(
            pk__in=packet.exhibit_lines
        ).values_list("pk", "court_case_number", "purged_at")
    }
    lines = [
        ExhibitLine(number, pk, *stored[pk])
        for number, pk in enumerate(packet.exhibit_lines, start=1)
        if pk in stored
    ]
    result = read_rulings(
        upload,
        lines=lines,
        order_date=order_date,
        filed_on=packet.filed_on,
        today=timezone.localdate(),
    )
    outcomes_record(
        packet=packet,
        user=user,
        rulings=result.rulings,
        upload={
            "file": Path(upload.name or "exhibit").name[:255],
            "size": upload.size,
            "recorded": len(result.rulings),
            "granted": result.granted,
            "denied": result.denied,
            "no_outcome": result.no_outcome,
        },
    )
    return result
