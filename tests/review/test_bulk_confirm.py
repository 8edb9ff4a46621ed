"""Bulk confirm: only clean ELIGIBLE rows (no reason code), one decision each."""

from __future__ import annotations

import pytest

from accounts.models import AuditEvent
from review.models import Decision, Review
from review.services import reviews as review_services

from .conftest import row

pytestmark = pytest.mark.django_db


def selection(*convictions, version: int = 0) -> list[str]:
    return [f"{c.pk}:{version}" for c in convictions]


def test_bulk_confirm_records_one_decision_per_clean_eligible_row(client, asa, worked):
    clean = [row(worked, n) for n in (1, 2, 4)]
    client.force_login(asa)
    response = client.post(
        "/review/bulk-confirm/",
        {"select": selection(*clean), "next": "/review/?reason=none&determination=ELIGIBLE"},
    )
    assert response["Location"] == "/review/?reason=none&determination=ELIGIBLE"
    decisions = Decision.objects.order_by("conviction_id")
    assert [d.conviction_id for d in decisions] == sorted(c.pk for c in clean)
    for decision in decisions:
        assert (decision.reviewer, decision.kind, decision.bulk, decision.outcome) == (
            asa,
            "confirm",
            True,
            "ELIGIBLE",
        )
        assert Review.objects.get(pk=decision.conviction_id).decision == decision
    assert AuditEvent.objects.filter(action="decision.record", actor=asa).count() == 3
    assert AuditEvent.objects.get(action="decision.bulk_confirm").detail["count"] == 3
    page = client.get(response["Location"]).content.decode()
    assert "Confirmed 3 eligible conviction(s), one decision each." in page


def test_bulk_confirm_leaves_alone_rows_with_reasons_or_not_eligible(client, asa, worked):
    client.force_login(asa)
    picked = [row(worked, 1), row(worked, 3), row(worked, 6), row(worked, 14)]
    response = client.post("/review/bulk-confirm/", {"select": selection(*picked)})
    assert list(Decision.objects.values_list("conviction_id", flat=True)) == [picked[0].pk]
    page = client.get(response["Location"]).content.decode()
    assert "3 selected row(s) left alone: not Eligible or carrying a reason code" in page


def test_bulk_confirm_skips_decided_held_and_stale_rows(asa, asa2, worked):
    decided, held, stale, fine = (row(worked, n) for n in (1, 2, 4, 4))
    review_services.decision_record(conviction=decided, reviewer=asa2, kind="confirm", version=0)
    review_services.review_claim(conviction=held, reviewer=asa2)
    result = review_services.decisions_bulk_confirm(
        reviewer=asa, versions={decided.pk: 1, held.pk: 1, stale.pk: 7}
    )
    assert (result.confirmed, result.decided, result.held, result.stale) == (
        [],
        [decided.pk],
        [held.pk],
        [stale.pk],
    )
    assert Decision.objects.count() == 1
    result = review_services.decisions_bulk_confirm(reviewer=asa, versions={fine.pk: 0})
    assert result.confirmed == [fine.pk]


def test_an_attorney_bulk_confirms_rows_they_hold(asa, worked):
    eligible = row(worked, 1)
    review_services.review_claim(conviction=eligible, reviewer=asa)
    result = review_services.decisions_bulk_confirm(reviewer=asa, versions={eligible.pk: 1})
    assert result.confirmed == [eligible.pk]
    assert Review.objects.get(pk=eligible.pk).claimed_by is None


def test_bulk_confirm_with_nothing_selected_says_so(client, asa, worked):
    client.force_login(asa)
    response = client.post("/review/bulk-confirm/", {})
    assert "Select the rows to confirm first" in client.get(response["Location"]).content.decode()
    assert not Decision.objects.exists()
