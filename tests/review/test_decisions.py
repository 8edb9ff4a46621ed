"""Confirming and overriding one conviction: the rules, the history, stale forms, claims."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from eligibility.models import Conviction
from review.models import Decision, Review
from review.selectors import queue as queue_selectors
from review.services import reviews as review_services

from .conftest import row, shown

pytestmark = pytest.mark.django_db


def decide(client, conviction, htmx=False, **data):
    data.setdefault(
        "version",
        Review.objects.filter(pk=conviction.pk).values_list("version", flat=True).first() or 0,
    )
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/review/{conviction.pk}/decide/", data, headers=headers)


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_an_attorney_confirms_an_eligible_row_and_the_decision_is_recorded(client, asa, worked):
    client.force_login(asa)
    eligible = row(worked, 1)
    response = decide(client, eligible, kind="confirm")
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.conviction, decision.reviewer, decision.kind) == (eligible, asa, "confirm")
    assert decision.outcome == decision.previous == decision.machine_determination == "ELIGIBLE"
    assert decision.machine_reasons == []
    review = Review.objects.get(pk=eligible.pk)
    assert review.decision == decision and review.version == 1
    event = AuditEvent.objects.get(action="decision.record")
    assert event.actor == asa and event.object_id == str(eligible.pk)
    assert event.detail["to"] == "ELIGIBLE"


def test_an_attorney_confirms_a_not_eligible_row(client, asa, worked):
    client.force_login(asa)
    decide(client, row(worked, 5), kind="confirm")
    assert Decision.objects.get().outcome == "NOT_ELIGIBLE"


def test_a_row_that_needs_review_cannot_be_confirmed(client, asa, worked):
    client.force_login(asa)
    response = decide(client, row(worked, 6), kind="confirm")
    page = client.get(response["Location"]).content.decode()
    assert "cannot be confirmed" in page
    assert not Decision.objects.exists()


def test_an_override_without_a_reason_is_refused_with_a_message(client, asa, worked):
    client.force_login(asa)
    response = decide(client, row(worked, 1), kind="override", outcome="NOT_ELIGIBLE")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "An override needs a reason" in page
    assert not Decision.objects.exists()


def test_an_override_without_a_reason_by_htmx_shows_the_form_again_with_the_note_kept(
    client, asa, worked
):
    client.force_login(asa)
    response = decide(
        client, row(worked, 1), htmx=True, kind="override", outcome="NOT_ELIGIBLE", note="see file"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "An override needs a reason" in page
    assert "see file</textarea>" in page
    # The fragment alone: the tab's title (htmx reads it at the top), then the item.
    assert re.match(r'<title>Row 1 · [^<]*</title>\s*<div id="review-item"', page.lstrip())
    assert "<html" not in page
    assert not Decision.objects.exists()


def test_a_row_that_needs_review_is_resolved_by_an_override_with_a_reason_and_a_note(
    client, asa, worked
):
    client.force_login(asa)
    needs_review = row(worked, 7)
    decide(
        client,
        needs_review,
        kind="override",
        outcome="ELIGIBLE",
        reason="charge_identified",
        note="Court file: possession, not an attempt.",
    )
    decision = Decision.objects.get()
    assert (decision.kind, decision.previous, decision.outcome) == (
        "override",
        "NEEDS_REVIEW",
        "ELIGIBLE",
    )
    assert decision.reason == "charge_identified"
    assert decision.note == "Court file: possession, not an attempt."
    assert decision.machine_reasons == ["INCHOATE_OFFENSE"]
    # In the dashboard's words: a row sent to a person is resolved, not overridden (issue 20).
    page = client.get(f"/review/{needs_review.pk}/").content.decode()
    assert "(resolved by asa," in page and "<td>Resolved</td>" in page
    assert "Overridden" not in page
    assert decision.kind_label == "Resolved"


@pytest.mark.parametrize(
    ("number", "data", "message"),
    [
        (1, {"outcome": "ELIGIBLE", "reason": "court_file"}, "confirm it instead"),
        (6, {"outcome": "", "reason": "court_file"}, "Eligible or Not eligible"),
        (6, {"outcome": "ELIGIBLE", "reason": "other"}, "needs a note"),
        (6, {"outcome": "ELIGIBLE", "reason": "made-up"}, "Choose a reason"),
    ],
)
def test_an_override_is_refused_unless_it_changes_the_outcome_for_a_listed_reason(
    client, asa, worked, number, data, message
):
    client.force_login(asa)
    response = decide(client, row(worked, number), htmx=True, kind="override", **data)
    assert message in response.content.decode()
    assert not Decision.objects.exists()


def test_changing_a_decision_adds_a_record_and_keeps_the_first(client, asa, asa2, worked):
    eligible = row(worked, 2)
    client.force_login(asa)
    decide(client, eligible, kind="confirm")
    client.force_login(asa2)
    decide(client, eligible, kind="override", outcome="NOT_ELIGIBLE", reason="already_relieved")
    first, second = Decision.objects.order_by("id")
    assert (first.reviewer, first.previous, first.outcome) == (asa, "ELIGIBLE", "ELIGIBLE")
    assert (second.reviewer, second.previous, second.outcome) == (
        asa2,
        "ELIGIBLE",
        "NOT_ELIGIBLE",
    )
    assert Review.objects.get(pk=eligible.pk).decision == second
    page = client.get(f"/review/{eligible.pk}/").content.decode()
    history = page[page.index('id="history"') :]
    assert history.index("Overridden") < history.index("Confirmed"), "newest first"
    assert "Already vacated, expunged or sealed" in history


def test_decisions_cannot_be_edited_or_deleted(asa, worked):
    decision = review_services.decision_record(
        conviction=row(worked, 1), reviewer=asa, kind="confirm", version=0
    )
    decision.note = "changed"
    with pytest.raises(PermissionError):
        decision.save()
    with pytest.raises(PermissionError):
        decision.delete()
    with pytest.raises(PermissionError):
        Decision.objects.filter(pk=decision.pk).update(note="changed")
    with pytest.raises(PermissionError):
        Decision.objects.all().delete()


def test_a_form_submitted_against_a_stale_version_is_refused_with_a_message(
    client, asa, asa2, worked
):
    eligible = row(worked, 1)
    client.force_login(asa)
    page = client.get(f"/review/{eligible.pk}/").content.decode()
    assert 'name="version" value="0"' in page
    review_services.decision_record(conviction=eligible, reviewer=asa2, kind="confirm", version=0)
    response = decide(
        client,
        eligible,
        htmx=True,
        version=0,
        kind="override",
        outcome="NOT_ELIGIBLE",
        reason="duplicate",
    )
    assert "changed since you opened it" in response.content.decode()
    assert Decision.objects.count() == 1
    assert Review.objects.get(pk=eligible.pk).decision.reviewer == asa2


def test_an_attorney_cannot_decide_an_item_another_attorney_holds(client, asa, asa2, worked):
    eligible = row(worked, 1)
    review_services.review_claim(conviction=eligible, reviewer=asa2)
    client.force_login(asa)
    page = client.get(f"/review/{eligible.pk}/").content.decode()
    assert "asa2</strong> holds this conviction" in page
    assert 'id="decide-form"' not in page
    response = decide(client, eligible, kind="confirm")
    followed = client.get(response["Location"]).content.decode()
    assert "asa2 holds this conviction until" in followed
    assert not Decision.objects.exists()


def test_an_expired_claim_does_not_stop_another_attorney(client, asa, asa2, worked, settings):
    eligible = row(worked, 1)
    review_services.review_claim(conviction=eligible, reviewer=asa2)
    Review.objects.filter(pk=eligible.pk).update(claimed_at=timezone.now() - timedelta(hours=9))
    client.force_login(asa)
    decide(client, eligible, kind="confirm")
    assert Decision.objects.get().reviewer == asa


def test_a_decision_ends_the_claim_and_the_next_held_item_opens_by_htmx(client, asa, worked):
    client.force_login(asa)
    # disposed 1995-03-02, 2012-05-10 and 2011-02-02: the newest is held first
    oldest, newest, middle = row(worked, 1), row(worked, 2), row(worked, 4)
    for conviction in (oldest, newest, middle):
        review_services.review_claim(conviction=conviction, reviewer=asa)
    response = decide(client, newest, htmx=True, kind="confirm")
    assert response.status_code == 200
    assert response["HX-Push-Url"] == f"/review/{middle.pk}/"
    page = response.content.decode()
    assert f'data-conviction="{middle.pk}"' in page
    assert "Confirmed: " in page and "is Eligible" in page, "the message comes with the next item"
    review = Review.objects.get(pk=newest.pk)
    assert review.claimed_by is None and review.decision is not None
    assert queue_selectors.held_count(reviewer=asa) == 2


def test_after_the_last_held_item_the_attorney_goes_back_to_the_queue(client, asa, worked):
    client.force_login(asa)
    eligible = row(worked, 1)
    review_services.review_claim(conviction=eligible, reviewer=asa)
    response = decide(client, eligible, htmx=True, kind="confirm")
    assert response["HX-Redirect"] == "/review/"
    assert queue_selectors.held_count(reviewer=asa) == 0


def test_without_htmx_a_decision_redirects_to_the_next_held_item(client, asa, worked):
    client.force_login(asa)
    newest, middle = row(worked, 2), row(worked, 4)
    for conviction in (middle, newest):
        review_services.review_claim(conviction=conviction, reviewer=asa)
    response = decide(client, newest, kind="confirm")
    assert response["Location"] == f"/review/{middle.pk}/"


def test_a_decision_changed_by_a_later_evaluation_is_flagged_for_another_look(client, asa, worked):
    client.force_login(asa)
    eligible = row(worked, 1)
    decide(client, eligible, kind="confirm")
    assert shown(client.get("/review/?state=another_look")) == []
    Conviction.objects.filter(pk=eligible.pk).update(
        determination="NOT_ELIGIBLE", reasons=["CONVICTED_AFTER_CRTA"]
    )
    page = client.get(f"/review/{eligible.pk}/").content.decode()
    assert "another look" in page
    flagged = client.get("/review/?state=another_look")
    assert shown(flagged) == [eligible.pk]
    assert "another-look" in flagged.content.decode()


def test_the_eligible_decisions_are_what_a_batch_collects(asa, worked):
    review_services.decision_record(
        conviction=row(worked, 1), reviewer=asa, kind="confirm", version=0
    )
    review_services.decision_record(
        conviction=row(worked, 5), reviewer=asa, kind="confirm", version=0
    )
    review_services.decision_record(
        conviction=row(worked, 6),
        reviewer=asa,
        kind="override",
        version=0,
        outcome="ELIGIBLE",
        reason="office_policy",
    )
    review_services.decision_record(
        conviction=row(worked, 2),
        reviewer=asa,
        kind="override",
        version=0,
        outcome="NOT_ELIGIBLE",
        reason="duplicate",
    )
    rows = queue_selectors.convictions_decided_eligible().values_list("row_number", flat=True)
    assert sorted(rows) == [1, 6]


def test_an_admin_sees_the_page_but_no_decision_form_and_cannot_decide(client, admin, worked):
    client.force_login(admin)
    page = client.get(f"/review/{row(worked, 1).pk}/").content.decode()
    assert 'id="decide-form"' not in page and "Hold it" not in page
    assert decide(client, row(worked, 1), kind="confirm").status_code == 403
