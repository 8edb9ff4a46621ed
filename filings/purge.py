"""Purging personal data once a record is vacated and expunged (issue 8; CJIS: expunged records
must not live on in our database).

* A conviction whose vacatur was granted more than ``RETENTION_DAYS`` ago, and every other copy
  of it on any list (a list sent again: the same person key, case key, statute and disposition
  date), keeps a tombstone (the person key of every row of that person in that list becomes a
  random token, so reports still count people once):
  its counts, reason codes, determination, dates (but the date of birth), statute, class,
  court location, sex and race (for the equity report, aggregated only). Its name, date of birth,
  SID, DCN, case number, address, the raw cells and attorneys' free-text notes are erased.
* A packet's zip (motion, orders, Exhibit A, notices, mailing list: names everywhere) never
  keeps a purged person: it is rendered again from the convictions left (each on the line
  number it was filed with), or deleted once every conviction in it is purged
  (``filings.services.packet_purge``). The packet keeps the record of what was filed: its hash,
  manifest, counts, dates and lines.
* An uploaded list file is deleted ``SOURCE_RETENTION_DAYS`` after its import (its rows are in
  the database, and the file holds everyone on the list), and at once when it holds a purged
  conviction.

Every purge writes an audit record (counts and ids, never the erased data).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, TextField, Value
from django.db.models.functions import MD5, Cast, Concat
from django.utils import timezone

from accounts.audit import audit_record
from eligibility.models import Conviction, IspList
from filings.models import CourtOutcome, Packet
from filings.services import packet_purge
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
        copies = f" (and {_count(self.copies, 'other copy', 'other copies')})"
        reissued = f" ({len(self.reissued)} re-rendered without purged people)"
        held = f" (and {len(self.list_files_held)} holding a purged person)"
        return (
            f"{len(self.convictions)} convictions purged{copies if self.copies else ''}, "
            f"{len(self.packets)} packet files deleted{reissued if self.reissued else ''}, "
            f"{len(self.list_files)} uploaded list files deleted"
            f"{held if self.list_files_held else ''}"
        )


def _count(ids: list[int], one: str, many: str) -> str:
    return f"{len(ids)} {one if len(ids) == 1 else many}"


def retention_days() -> int:
    return int(settings.RETENTION_DAYS)


def source_retention_days() -> int:
    return int(settings.SOURCE_RETENTION_DAYS)


TOKEN_PREFIX = "T|"


def _copies_of(ids: list[int]) -> list[int]:
    """The other rows, on any list, of the convictions ``ids``: the same person key, case key,
    statute and disposition date. A list sent again brings the same conviction back, and no
    ruling names the copy. Locked, and to be found before the person keys change.

    The statute compares as parsed (``details["statute"]``) when both rows were evaluated, else
    as written; the disposition date as read, else as written. Empty texts never match: two
    rows that both lack a statute are not the same conviction for that."""
    same_statute = Q(
        details__statute__has_key="chapter", details__statute=OuterRef("details__statute")
    ) | (Q(statute=OuterRef("statute")) & ~Q(statute=""))
    same_disposition = Q(disposition_on=OuterRef("disposition_on")) | (
        Q(disposition_date=OuterRef("disposition_date")) & ~Q(disposition_date="")
    )
    same = Conviction.objects.filter(
        same_statute,
        same_disposition,
        pk__in=ids,
        person_key=OuterRef("person_key"),
        case_key=OuterRef("case_key"),
    ).exclude(case_key="")
    return list(
        Conviction.objects.filter(Exists(same), purged_at__isnull=True)
        .exclude(pk__in=ids)
        .select_for_update(of=("self",))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _pseudonymise_people(ids: list[int]) -> None:
    """Replace the person key (names and date of birth, or the SID) of every row of the people
    being purged, in their list, by one token: reports still count each person once, and
    nothing in the key identifies anyone. The token is a hash of the list and the key with a
    random salt that is never stored, so one UPDATE gives each person one token."""
    salt = secrets.token_hex(16)
    people = Conviction.objects.filter(
        pk__in=ids,
        isp_list_id=OuterRef("isp_list_id"),
        bucket=OuterRef("bucket"),
        person_key=OuterRef("person_key"),
    )
    # The rows are read first: a database that updates row by row (SQLite) would otherwise no
    # longer match a person's later rows once their purged row has its token.
    rows = list(
        Conviction.objects.filter(Exists(people))
        .exclude(person_key__startswith=TOKEN_PREFIX)
        .values_list("pk", flat=True)
    )
    Conviction.objects.filter(pk__in=rows).update(
        person_key=Concat(
            Value(TOKEN_PREFIX),
            MD5(
                Concat(
                    Value(salt),
                    Cast("isp_list_id", TextField()),
                    Value("|"),
                    "person_key",
                    output_field=TextField(),
                )
            ),
            output_field=TextField(),
        )
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
        due_ids = list(due.select_for_update(of=("self",)).values_list("id", flat=True))
        copies = _copies_of(due_ids) if due_ids else []
        ids = due_ids + copies
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
            report.convictions, report.copies = due_ids, copies
            audit_record(
                action="purge.convictions",
                actor=actor,
                detail={
                    "convictions": due_ids,
                    "copies": copies,
                    "retention_days": retention_days(),
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

    source_cutoff = now - timedelta(days=source_retention_days())
    purged_rows = Conviction.objects.filter(isp_list=OuterRef("pk"), purged_at__isnull=False)
    for isp_list in (
        IspList.objects.filter(file_purged_at__isnull=True)
        .exclude(file="")
        .filter(Q(uploaded_at__lt=source_cutoff) | Exists(purged_rows))
    ):
        if isp_list.is_working:
            continue
        with transaction.atomic():
            # compare-and-set: two purges at once delete (and audit) a file once
            if (
                IspList.objects.filter(pk=isp_list.pk, file_purged_at__isnull=True).update(
                    file="", file_purged_at=now
                )
                != 1
            ):
                continue
            isp_list.file.delete(save=False)
            past = isp_list.uploaded_at < source_cutoff
            (report.list_files if past else report.list_files_held).append(isp_list.pk)
            audit_record(
                action="purge.list_file",
                actor=actor,
                obj=isp_list,
                detail={} if past else {"holds_purged": True},
            )
    return report
