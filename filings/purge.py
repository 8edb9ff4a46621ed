"""Purging personal data once a record is vacated and expunged (issue 8; CJIS: expunged records
must not live on in our database).

* A conviction whose vacatur was granted more than ``RETENTION_DAYS`` ago keeps a tombstone
  (the person key of every row of that person becomes a random token, so reports still count
  people once):
  its counts, reason codes, determination, dates (but the date of birth), statute, class,
  court location, sex and race (for the equity report, aggregated only). Its name, date of birth,
  SID, DCN, case number, address, the raw cells and attorneys' free-text notes are erased.
* A packet's zip (motion, orders, notices: names everywhere) is deleted once every conviction
  in it is purged.
* An uploaded list file is deleted ``SOURCE_RETENTION_DAYS`` after its import: its rows are in
  the database, and the file holds everyone on the list.

Every purge writes an audit record (counts and ids, never the erased data).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.audit import audit_record
from eligibility.models import Conviction, IspList
from filings.models import CourtOutcome, Packet
from review.models import Decision

ERASED_TEXT = (
    "sid",
    "last_name",
    "first_name",
    "middle_name",
    "date_of_birth",
    "dcn",
    "court_case_number",
    "case_key",
    "address_line",
    "city",
    "state",
    "zip",
)


@dataclass
class PurgeReport:
    convictions: list[int] = field(default_factory=list)
    packets: list[int] = field(default_factory=list)
    list_files: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{len(self.convictions)} convictions purged, {len(self.packets)} packet files "
            f"deleted, {len(self.list_files)} uploaded list files deleted"
        )


def retention_days() -> int:
    return int(settings.RETENTION_DAYS)


def source_retention_days() -> int:
    return int(settings.SOURCE_RETENTION_DAYS)


TOKEN_PREFIX = "T|"


def _pseudonymise_people(ids: list[int]) -> None:
    """Replace the person key (names and date of birth, or the SID) of every row of the people
    being purged, in their list, by one random token: reports still count each person once, and
    nothing in the key identifies anyone."""
    people = (
        Conviction.objects.filter(pk__in=ids)
        .exclude(person_key__startswith=TOKEN_PREFIX)
        .values_list("isp_list_id", "bucket", "person_key")
        .distinct()
    )
    for list_id, bucket, key in people:
        Conviction.objects.filter(isp_list_id=list_id, bucket=bucket, person_key=key).update(
            person_key=f"{TOKEN_PREFIX}{uuid.uuid4().hex}"
        )


def purge_expunged(*, now: datetime | None = None, actor: Any = None) -> PurgeReport:
    """Purge what the retention rules say is due (idempotent; safe to run at any time)."""
    now = now or timezone.now()
    report = PurgeReport()
    cutoff = timezone.localdate(now) - timedelta(days=retention_days())
    due = Conviction.objects.filter(
        purged_at__isnull=True,
        court_outcome__ruling=CourtOutcome.Ruling.GRANTED,
        court_outcome__order_date__lt=cutoff,
    )
    with transaction.atomic():
        ids = list(due.select_for_update(of=("self",)).values_list("id", flat=True))
        if ids:
            _pseudonymise_people(ids)
            erased: dict[str, Any] = dict.fromkeys(ERASED_TEXT, "")
            Conviction.objects.filter(pk__in=ids).update(
                **erased,
                raw={},
                other={},
                unreadable=[],
                purged_at=now,
            )
            # Free text an attorney wrote may name the person. Decisions are append-only for
            # the application; erasing personal data is the one exception, and it is audited.
            models.QuerySet(model=Decision).filter(conviction_id__in=ids).exclude(note="").update(
                note=""
            )
            report.convictions = ids
            audit_record(
                action="purge.convictions",
                actor=actor,
                detail={"convictions": ids, "retention_days": retention_days()},
            )

    unpurged = Conviction.objects.filter(
        batch_item__batch=OuterRef("batch"), purged_at__isnull=True
    )
    for packet in (
        Packet.objects.filter(purged_at__isnull=True)
        .exclude(file="")
        .annotate(open_items=Exists(unpurged))
        .filter(open_items=False, batch__items__isnull=False)
        .distinct()
    ):
        with transaction.atomic():
            packet.file.delete(save=False)
            Packet.objects.filter(pk=packet.pk).update(file="", purged_at=now)
            report.packets.append(packet.pk)
            audit_record(action="purge.packet", actor=actor, obj=packet, detail={})

    source_cutoff = now - timedelta(days=source_retention_days())
    for isp_list in IspList.objects.filter(
        file_purged_at__isnull=True, uploaded_at__lt=source_cutoff
    ).exclude(file=""):
        if isp_list.is_working:
            continue
        with transaction.atomic():
            isp_list.file.delete(save=False)
            IspList.objects.filter(pk=isp_list.pk).update(file="", file_purged_at=now)
            report.list_files.append(isp_list.pk)
            audit_record(action="purge.list_file", actor=actor, obj=isp_list, detail={})
    return report
