"""Lists to review: the worked examples imported through the real pipeline, and bulk lists of
plain rows for ordering, pagination and query counts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import pytest

from eligibility.models import Conviction, IspList
from review.services import reviews as review_services
from tests.factories import ConvictionFactory, IspListFactory

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
    isp_list = IspListFactory(
        filename=f"bulk-{n}.csv", rows_total=n, rows_parsed=n, rows_evaluated=n
    )
    Conviction.objects.bulk_create(
        ConvictionFactory.build(
            isp_list=isp_list,
            number=i,
            name=name,
            first_day=first_day,
            court_location=court,
            determination=determination,
            reasons=list(reasons),
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


def decide(conviction, reviewer, outcome=None):
    """Confirm the machine's determination, or override it to ``outcome``."""
    conviction.refresh_from_db()
    review = getattr(conviction, "review", None)
    version = review.version if review else 0
    outcome = outcome or conviction.determination
    kind = "confirm" if outcome == conviction.determination else "override"
    return review_services.decision_record(
        conviction=conviction,
        reviewer=reviewer,
        kind=kind,
        version=version,
        outcome=outcome,
        reason="court_file" if kind == "override" else "",
    )
