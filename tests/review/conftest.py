"""Lists to review: the worked examples imported through the real pipeline, and bulk lists of
plain rows for ordering, pagination and query counts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

import pytest

from eligibility.models import Conviction, IspList, OfficePolicy

EXAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "examples"
AS_OF = date(2026, 11, 25)


@pytest.fixture
def worked(db, settings, tmp_path, django_capture_on_commit_callbacks) -> IspList:
    """The worked examples of spec section 7, imported and evaluated (15 rows: ELIGIBLE 1, 2
    and 4 without reasons; NEEDS_REVIEW 6, 7 and 15; the others NOT_ELIGIBLE)."""
    from eligibility import services

    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        isp_list = services.list_store_file(
            path=EXAMPLES / "worked-examples.csv",
            filename="worked-examples.csv",
            as_of=AS_OF,
            user=None,
        )
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.READY
    return isp_list


def row(isp_list: IspList, number: int) -> Conviction:
    return isp_list.convictions.get(row_number=number)


def make_list(
    n: int,
    *,
    determination: str = "ELIGIBLE",
    reasons: Sequence[str] = (),
    court: str = "MUNICIPAL DISTRICT 1",
    first_day: date = date(2000, 1, 1),
    name: str = "PERSON",
) -> IspList:
    """A ready list of ``n`` plain rows, one a day from ``first_day`` (row n is the newest)."""
    isp_list = IspList.objects.create(
        filename=f"bulk-{n}.csv",
        file="lists/bulk.csv",
        sha256="0" * 64,
        size_bytes=0,
        kind="csv",
        as_of=AS_OF,
        policy=OfficePolicy.objects.get(version=1),
        status=IspList.Status.READY,
        rows_total=n,
        rows_parsed=n,
        rows_evaluated=n,
    )
    Conviction.objects.bulk_create(
        Conviction(
            isp_list=isp_list,
            row_number=i,
            raw={"LAST_NAME": f"{name}{i}", "FIRST_NAME": "ANN"},
            last_name=f"{name}{i}",
            first_name="ANN",
            court_case_number=f"CASE-{isp_list.pk}-{i}",
            court_location=court,
            statute="720 ILCS 550/4(b)",
            disposition_date=(first_day + timedelta(days=i)).isoformat(),
            disposition_on=first_day + timedelta(days=i),
            person_key=f"S|{isp_list.pk}-{i}",
            case_key=f"{isp_list.pk}-{i}",
            bucket=i % 1024,
            determination=determination,
            reasons=list(reasons),
            details={"basis": "Section 4(b), class B, not more than 10 grams."},
            evaluation_run=1,
            as_of=AS_OF,
            policy_version=1,
        )
        for i in range(1, n + 1)
    )
    return isp_list


@pytest.fixture
def bulk_list(db) -> Callable[..., IspList]:
    return make_list


def login(client, user):
    client.force_login(user)
    return client


def shown(response) -> list[int]:
    """The conviction ids of the queue page (or decision ids of the decisions page), in order."""
    return [bound.record.pk for bound in response.context["table"].page.object_list]
