"""Reads shared by the eligibility views, exports, tasks and other apps."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet

from eligibility.counties import office_county
from eligibility.identity import FACT_LABELS
from eligibility.listfiles import DATE_FIELDS
from eligibility.models import Conviction, CountyProfile, Determination, IspList, OfficePolicy
from eligibility.rules import Policy


def policy_current() -> OfficePolicy:
    """The policy in force: the newest version (version 1, the defaults, comes with migrate)."""
    policy = OfficePolicy.objects.order_by("-version").first()
    if policy is None:
        raise OfficePolicy.DoesNotExist("no office policy: run manage.py migrate")
    return policy


def profile_current() -> CountyProfile:
    """The office's county profile in force: the newest version of ``OFFICE_COUNTY``'s (the
    shipped ones come with migrate)."""
    profile = CountyProfile.objects.filter(county=office_county()).order_by("-version").first()
    if profile is None:
        raise CountyProfile.DoesNotExist(
            f"no county profile for OFFICE_COUNTY={office_county()!r}: run manage.py migrate "
            "(the application ships cook, will and mchenry)"
        )
    return profile


def profile_history() -> QuerySet[CountyProfile]:
    return (
        CountyProfile.objects.filter(county=office_county())
        .select_related("changed_by")
        .order_by("-version")
    )


def rules_policy(policy: OfficePolicy) -> Policy:
    """The engine's policy of an office policy version: its switches, and the office's county
    (from the county profile: the county is not a switch an office changes)."""
    return policy.as_rules_policy(county=profile_current().name)


def policy_history() -> QuerySet[OfficePolicy]:
    return OfficePolicy.objects.select_related("changed_by").order_by("-version")


def lists_ready() -> QuerySet[IspList]:
    return IspList.objects.filter(status=IspList.Status.READY).order_by("-uploaded_at")


def lists_not_on_policy(*, policy: OfficePolicy) -> QuerySet[IspList]:
    """Ready lists evaluated under another policy version: candidates to re-evaluate."""
    return lists_ready().exclude(policy=policy).select_related("policy")


def lists_to_restart(*, now: datetime) -> QuerySet[IspList]:
    """Lists waiting for the workers (the broker was down when they were sent), and lists still
    working whose counters have not moved for ``LIST_STALL_MINUTES`` (``IspList.is_stalled``)."""
    cutoff = now - timedelta(minutes=settings.LIST_STALL_MINUTES)
    return IspList.objects.filter(
        Q(status=IspList.Status.WAITING) | Q(status__in=IspList.WORKING, progress_at__lte=cutoff)
    ).order_by("progress_at")


def list_last_stored_row(*, isp_list: IspList) -> int:
    """The number of the last row of a list read whole that is stored (0: none yet)."""
    return IspList.objects.filter(pk=isp_list.pk).values_list("stored_up_to", flat=True).get()


def list_index() -> QuerySet[IspList]:
    return IspList.objects.select_related("uploaded_by", "policy")


def list_result_rows(*, isp_list: IspList) -> Iterator[tuple[Any, ...]]:
    """Every row of a list with its result, in the list's order, for the results export."""
    return (
        Conviction.objects.filter(isp_list=isp_list)
        .order_by("row_number")
        .values_list(
            "row_number",
            "determination",
            "reasons",
            "last_name",
            "first_name",
            "date_of_birth",
            "court_case_number",
            "statute",
            "offense_class",
            "disposition",
            "disposition_date",
            "court_location",
        )
        .iterator(chunk_size=5000)
    )


def list_determination_counts(*, isp_list: IspList) -> dict[str, int]:
    rows = (
        Conviction.objects.filter(isp_list=isp_list)
        .values("determination")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["determination"]: row["n"] for row in rows if row["determination"]}


def list_reason_counts(*, isp_list: IspList) -> list[tuple[str, int]]:
    """Rows per reason code, most frequent first (counted in the database)."""
    table = Conviction._meta.db_table
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT r.code, COUNT(*) FROM {table} c "
            "CROSS JOIN LATERAL jsonb_array_elements_text(c.reasons) AS r(code) "
            "WHERE c.isp_list_id = %s GROUP BY r.code"
        )
    else:
        sql = (
            f"SELECT j.value, COUNT(*) FROM {table} c, json_each(c.reasons) j "
            "WHERE c.isp_list_id = %s GROUP BY j.value"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [isp_list.pk])
        counts = Counter({code: n for code, n in cursor.fetchall()})
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def conviction_copies(*, ids: Sequence[int]) -> list[int]:
    """The other rows, on any list, of the convictions ``ids``: the same identity (person key,
    case key, statute as parsed and disposition date as read; ``eligibility.identity``). A list
    sent again brings the same conviction back, and no ruling names the copy. Locked (call it in
    a transaction)."""
    identities = Conviction.objects.filter(pk__in=ids).exclude(identity="").values("identity")
    return list(
        Conviction.objects.filter(identity__in=identities, purged_at__isnull=True)
        .exclude(pk__in=ids)
        .select_for_update(of=("self",))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# A row NOT_ELIGIBLE for this single reason is an arrest, supervision or qualified probation: ISP
# expunges these records itself, and the office refers them (design.md, the referral list).
REFERRAL_REASONS = ["NOT_A_CONVICTION"]


def rows_to_refer() -> QuerySet[Conviction]:
    """Rows NOT_ELIGIBLE for the single reason NOT_A_CONVICTION (arrests, supervision)."""
    return Conviction.objects.filter(
        determination=Determination.NOT_ELIGIBLE, reasons=REFERRAL_REASONS
    )


def list_referral_count(*, isp_list: IspList) -> int:
    return rows_to_refer().filter(isp_list=isp_list).count()


def list_unreadable_fields(*, isp_list: IspList, limit: int = 200) -> dict[str, dict[str, Any]]:
    """For each column with unreadable values: how many rows, and the first ``limit`` of them
    (id, row number and the text as written) so that the report can link to each."""
    report: dict[str, dict[str, Any]] = {}
    rows = (
        Conviction.objects.filter(isp_list=isp_list)
        .exclude(unreadable=[])
        .order_by("row_number")
        .values_list("id", "row_number", "unreadable", *DATE_FIELDS)
        .iterator(chunk_size=2000)
    )
    for pk, number, fields, *dates in rows:
        texts = dict(zip(DATE_FIELDS, dates, strict=True))
        for field in fields:
            entry = report.setdefault(field, {"count": 0, "rows": []})
            entry["count"] += 1
            if len(entry["rows"]) < limit:
                entry["rows"].append({"id": pk, "row": number, "text": texts.get(field, "")})
    return dict(sorted(report.items()))


def list_corrections(*, isp_list: IspList, limit: int = 200) -> list[dict[str, Any]]:
    """The list's first ``limit`` corrected rows (a conviction of an earlier list whose facts
    changed), each with what changed, in words."""
    rows = (
        Conviction.objects.filter(isp_list=isp_list)
        .exclude(changes={})
        .order_by("row_number")
        .values("id", "row_number", "changes")[:limit]
    )
    return [
        {
            "id": row["id"],
            "row_number": row["row_number"],
            "changed": [
                {"label": FACT_LABELS.get(name, name), "before": before, "now": now}
                for name, (before, now) in row["changes"].items()
            ],
        }
        for row in rows
    ]
