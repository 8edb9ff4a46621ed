"""Journey 2: an ASA takes a claim, confirms, overrides with a reason, is refused without one,
and bulk-confirms clean eligible rows — through the queue and the conviction page (htmx)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from review.models import Decision

from .conftest import go, log_in, screenshot

# Numbered from 1 (list #1, batch #1, packet #1), as in the README's screenshots.
pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)


def held_item(page) -> int:
    return int(page.locator("#review-item").get_attribute("data-conviction"))


def test_an_asa_takes_a_claim_decides_is_refused_without_a_reason_and_bulk_confirms(
    page, asa, demo_list
):
    log_in(page, "asa")
    go(page, "Review")
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()

    page.get_by_role("button", name="Take the next 25").click()
    expect(page.locator(".messages")).to_contain_text("You now hold 25 more convictions")
    expect(page.locator("#queue tbody tr[data-href]")).to_have_count(25)
    expect(page.locator("#queue .claim.mine")).to_have_count(25)
    screenshot(page, "review-queue")

    # The next held item, newest first: the machine's explanation, then confirm it (htmx).
    page.get_by_role("link", name="Open the next one").click()
    page.wait_for_url(re.compile(r"/review/\d+/$"))
    first = held_item(page)
    expect(page.get_by_role("heading", name=re.compile("Machine determination"))).to_be_visible()
    expect(page.locator("#reasons tbody tr").first).to_be_visible()
    screenshot(page, "conviction-explanation")
    page.locator("#confirm-button").click()
    expect(page.locator("#review-item .messages")).to_contain_text("Confirmed:")
    second = held_item(page)
    assert second != first, "the next held item opens"
    expect(page).to_have_url(re.compile(rf"/review/{second}/$"))

    # Override without a reason: refused, the same item again, nothing saved.
    determination = demo_list.convictions.get(pk=second).determination
    target = "NOT_ELIGIBLE" if determination == "ELIGIBLE" else "ELIGIBLE"
    page.get_by_label("Decide").select_option(target)
    page.locator("#override-button").click()
    expect(page.locator("#review-item .messages")).to_contain_text("An override needs a reason")
    assert held_item(page) == second
    assert not Decision.objects.filter(conviction_id=second).exists()
    screenshot(page, "override-refused")

    # With a reason: overridden, and the next held item opens.
    page.get_by_label("Decide").select_option(target)
    page.get_by_label("Reason (required)").select_option("court_file")
    page.get_by_label("Note").fill("Checked the court file.")
    page.locator("#override-button").click()
    expect(page.locator("#review-item .messages")).to_contain_text("Overridden:")
    assert held_item(page) not in {first, second}
    override = Decision.objects.get(conviction_id=second)
    assert (override.kind, override.outcome, override.reason) == ("override", target, "court_file")
    assert Decision.objects.get(conviction_id=first).kind == "confirm"

    # Bulk-confirm: claim the clean eligible rows, select them all, confirm them in one go.
    page.get_by_role("link", name="← the queue").click()
    filters = page.locator("form.filters")
    filters.get_by_label("Determination").select_option("ELIGIBLE")
    filters.get_by_label("Reason code").select_option("none")
    filters.get_by_role("button", name="Filter").click()
    page.get_by_role("button", name="Take the next 25").click()
    expect(page.locator(".messages")).to_contain_text("You now hold")
    filters.get_by_label("Determination").select_option("ELIGIBLE")
    filters.get_by_label("Reason code").select_option("none")
    filters.get_by_label("Held by me").check()
    filters.get_by_role("button", name="Filter").click()
    rows = page.locator("#queue tbody tr[data-href]")
    expect(rows.first).to_be_visible()
    picked = rows.count()
    assert picked > 1
    page.get_by_label("Select every row on this page").check()
    expect(page.locator("#queue tbody input[name=select]:checked")).to_have_count(picked)
    screenshot(page, "bulk-confirm-selected")
    page.get_by_role("button", name="Confirm selected").click()
    expect(page.locator(".messages")).to_contain_text(f"Confirmed {picked} eligible conviction(s)")
    screenshot(page, "bulk-confirmed")
    bulk = Decision.objects.filter(reviewer=asa, bulk=True)
    assert bulk.count() == picked
    assert set(bulk.values_list("outcome", flat=True)) == {"ELIGIBLE"}
