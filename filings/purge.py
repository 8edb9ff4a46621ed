"""Purging personal data once a record is vacated and expunged (issue 8; CJIS: expunged records
must not live on in our database).

* A conviction whose vacatur was granted more than ``RETENTION_DAYS`` ago, and every other copy
  of it on any list (a list sent again: the same identity, ``eligibility.identity``; also a copy
  that a later list brings back after the purge), keeps a tombstone (the person key of every
  row of that person in that list becomes a random token, so reports still count people once;
  the identity, a keyed hash, stays, so that the conviction is recognised when it comes back):
  its counts, reason codes, determination, dates (but the date of birth), statute, class,
  court location, sex and race (for the equity report, aggregated only). Its name, date of birth,
  SID, DCN, case number, address, the raw cells and attorneys' free-text notes are erased
  (``eligibility.services.convictions_erase``, ``review.services.reviews.decisions_erase_notes``).
* A packet's zip (motion, orders, Exhibit A, notices, mailing list: names everywhere) never
  keeps a purged person: it is rendered again from the convictions left (each on the line
  number it was filed with), or deleted once every conviction in it is purged
  (``filings.services.packet_purge``). The packet keeps the record of what was filed: its hash,
  manifest, counts, dates and lines.
* An uploaded list file is deleted ``SOURCE_RETENTION_DAYS`` after its import (its rows are in
  the database, and the file holds everyone on the list), and at once when it holds a purged
  conviction (``eligibility.services.list_file_delete``).

This module only orchestrates: it finds what is due, has each app erase its own data through its
own service, and writes an audit record of every purge (counts and ids, never the erased data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from accounts.audit import audit_record
from eligibility import selectors as eligibility_selectors
from eligibility import services as eligibility_services
from eligibility.models import Conviction, IspList
from filings.models import CourtOutcome, Packet
from filings.services import packet_purge
from review.services import reviews as review_services


@dataclass
class PurgeReport:
    # granted convictions past retention
    convictions: list[int] = field(default_factory=list)
    # other rows of the same convictions (lists sent again), which no ruling names
    copies: list[int] = field(default_factory=list)
    # packet files deleted: nobody left in them; packet files rendered again without the purged
    packets: list[int] = field(default_factory=list)
    reissued: list[int] = field(default_factory=list)
    # list files past SOURCE_RETENTION_DAYS; list files deleted sooner, for a purged row
    list_files: list[int] = field(default_factory=list)
    list_files_held: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        copy = "other copy" if len(self.copies) == 1 else "other copies"
        copies = f" (and {len(self.copies)} {copy})"
        reissued = f" ({len(self.reissued)} re-rendered without purged people)"
        held = f" (and {len(self.list_files_held)} holding a purged person)"
        return (
            f"{len(self.convictions)} convictions purged{copies if self.copies else ''}, "
            f"{len(self.packets)} packet files deleted{reissued if self.reissued else ''}, "
            f"{len(self.list_files)} uploaded list files deleted"
            f"{held if self.list_files_held else ''}"
        )


def returned_after_purge() -> list[int]:
    """Rows not purged that are a conviction granted and purged already (the same identity)."""
    granted_gone = Conviction.objects.filter(
        purged_at__isnull=False, court_outcome__ruling=CourtOutcome.Ruling.GRANTED
    ).exclude(identity="")
    return list(
        Conviction.objects.filter(
            identity__in=granted_gone.values("identity"), purged_at__isnull=True
        )
        .select_for_update(of=("self",))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def purge_expunged(*, now: datetime | None = None, actor: Any = None) -> PurgeReport:
    """Purge what the retention rules say is due (idempotent; safe to run at any time)."""
    now = now or timezone.now()
    report = PurgeReport()
    cutoff = timezone.localdate(now) - timedelta(days=settings.RETENTION_DAYS)
    due = Conviction.objects.filter(
        purged_at__isnull=True,
        court_outcome__ruling=CourtOutcome.Ruling.GRANTED,
        court_outcome__order_date__lt=cutoff,
    )
    with transaction.atomic():
        due_ids = list(due.select_for_update(of=("self",)).values_list("id", flat=True))
        copies = eligibility_selectors.conviction_copies(ids=due_ids) if due_ids else []
        # A conviction granted and purged before, that a later list brought back (the police
        # had not yet updated their records): recognised by the identity the tombstone keeps.
        returned = sorted(set(returned_after_purge()) - set(due_ids) - set(copies))
        copies = sorted(copies + returned)
        ids = due_ids + copies
        if ids:
            eligibility_services.convictions_erase(ids=ids, now=now)
            # Free text an attorney wrote may name the person. Decisions are append-only for
            # the application; erasing personal data is the one exception, and it is audited.
            review_services.decisions_erase_notes(conviction_ids=ids)
            report.convictions, report.copies = due_ids, copies
            audit_record(
                action="purge.convictions",
                actor=actor,
                detail={
                    "convictions": due_ids,
                    "copies": copies,
                    "retention_days": settings.RETENTION_DAYS,
                },
            )

    purged_lines = Conviction.objects.filter(
        batch_item__batch=OuterRef("batch"), purged_at__isnull=False
    )
    # A superseded packet's file holds the lines it was made with, which may have left the batch.
    superseded = Q(batch_revision__lt=F("batch__revision"))
    for packet_id in (
        Packet.objects.filter(Q(Exists(purged_lines)) | superseded, purged_at__isnull=True)
        .exclude(file="")
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        done = packet_purge(packet_id=packet_id, actor=actor, now=now)
        if done == "deleted":
            report.packets.append(packet_id)
        elif done == "reissued":
            report.reissued.append(packet_id)

    source_cutoff = now - timedelta(days=settings.SOURCE_RETENTION_DAYS)
    purged_rows = Conviction.objects.filter(isp_list=OuterRef("pk"), purged_at__isnull=False)
    for isp_list in (
        IspList.objects.filter(file_purged_at__isnull=True)
        .exclude(file="")
        .filter(Q(uploaded_at__lt=source_cutoff) | Exists(purged_rows))
    ):
        if isp_list.is_working:
            continue
        with transaction.atomic():
            # two purges at once delete (and audit) a file once
            if not eligibility_services.list_file_delete(isp_list=isp_list, now=now):
                continue
            past = isp_list.uploaded_at < source_cutoff
            (report.list_files if past else report.list_files_held).append(isp_list.pk)
            audit_record(
                action="purge.list_file",
                actor=actor,
                obj=isp_list,
                detail={} if past else {"holds_purged": True},
            )
    return report
