"""Journey 3: an ASA gathers and submits a batch; a supervisor who decided a conviction in it is
refused (four eyes); a second supervisor approves it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from review.models import Batch

from ..review.conftest import make_list
from .conftest import decide, go, log_in, log_out, screenshot

# Numbered from 1 (list #1, batch #1, packet #1), as in the README's screenshots.
pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

COURT = "MUNICIPAL DISTRICT 2"


def test_an_asa_submits_a_batch_and_only_a_supervisor_who_decided_none_of_it_approves(
    page, asa, supervisor, supervisor2, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    isp_list = make_list(6, court=COURT, name="OKAFOR")
    convictions = list(isp_list.convictions.order_by("row_number"))
    for conviction in convictions[:-1]:
        decide(conviction, asa)
    decide(convictions[-1], supervisor)  # the supervisor decided one: four eyes apply to them

    # The ASA gathers a draft of the court location and submits it.
    log_in(page, "asa")
    go(page, "Batches")
    expect(page.get_by_role("heading", name="Gather a batch")).to_be_visible()
    page.get_by_label("Court location").select_option(COURT)
    page.get_by_role("button", name="Gather a draft batch").click()
    page.wait_for_url(re.compile(r"/batches/\d+/$"))
    batch = Batch.objects.get()
    expect(page.locator(".messages")).to_contain_text(f"Batch #{batch.pk} gathered as a draft.")
    expect(page.locator("#batch-items tbody tr")).to_have_count(6)
    expect(page.locator("#batch-state")).to_have_text("Draft")
    screenshot(page, "batch-draft")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator("#batch-state")).to_have_text("Submitted for approval")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    log_out(page)

    # The supervisor who decided a conviction in it is told so, and refused.
    log_in(page, "supervisor")
    go(page, "Batches")
    expect(page.locator("#batches")).to_contain_text("(you reviewed in it)")
    page.get_by_role("link", name=f"#{batch.pk}").click()
    expect(page.locator("#batch-actions")).to_contain_text("another supervisor must approve it")
    # Approve is offered disabled, with the reason (issue 20: it stayed enabled after a refusal).
    expect(page.get_by_role("button", name="Approve")).to_be_disabled()
    expect(page.locator("#batch-state")).to_have_text("Submitted for approval")
    screenshot(page, "batch-four-eyes-refused")
    batch.refresh_from_db()
    assert batch.state == Batch.State.SUBMITTED and batch.approved_by is None
    log_out(page)

    # A second supervisor, who decided none of it, approves it.
    log_in(page, "supervisor2")
    go(page, "Batches")
    page.get_by_role("link", name=f"#{batch.pk}").click()
    expect(page.locator("#batch-actions")).not_to_contain_text("another supervisor")
    page.get_by_role("button", name="Approve").click()  # not yet: the confirmation is required
    expect(page.locator("#batch-state")).to_have_text("Submitted for approval")
    page.get_by_label(re.compile("I have read the 6 convictions")).check()
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_contain_text(f"Batch #{batch.pk} is now approved.")
    expect(page.locator("#batch-state")).to_have_text("Approved")
    expect(page.locator("dl.facts")).to_contain_text("by supervisor2")
    screenshot(page, "batch")
    batch.refresh_from_db()
    assert batch.state == Batch.State.APPROVED and batch.approved_by == supervisor2
    events = list(batch.events.order_by("at").values_list("action", "actor__username"))
    assert events[-2:] == [("submit", "asa"), ("approve", "supervisor2")]
