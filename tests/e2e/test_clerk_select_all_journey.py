"""Issue 20: a clerk records the rulings of a whole filed packet with select-all: every box
ticked at once, one unticked for a denial, a refused order date that keeps the ticks, then the
last one through "every conviction still to rule on"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from filings import services
from filings.models import CourtOutcome, Packet
from review.services import batches

from ..review.conftest import make_list
from .conftest import decide, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

COURT = "MUNICIPAL DISTRICT 3"
SIZE = 30


@pytest.fixture
def filed(asa, supervisor2, clerk, settings, tmp_path) -> Packet:
    settings.MEDIA_ROOT = tmp_path / "media"
    isp_list = make_list(SIZE, court=COURT, name="NAKAMURA")
    for conviction in isp_list.convictions.all():
        decide(conviction, asa)
    batch = batches.batch_create(court_location=COURT, user=asa)
    batches.batch_transition(batch=batch, action="submit", user=asa)
    batches.batch_transition(batch=batch, action="approve", user=supervisor2)
    packet = Packet.objects.create(batch=batch, generated_by=clerk)
    services.packet_generate(packet_id=packet.pk)
    packet.refresh_from_db()
    return services.packet_file(
        packet=packet,
        user=clerk,
        filed_on=timezone.localdate() - timedelta(days=1),
        court_call="Courtroom 1102, call 5",
    )


def test_a_clerk_records_a_whole_packet_with_select_all(page, clerk, filed):
    log_in(page, "clerk")
    expect(page.locator("#to-rule")).to_contain_text(f"{SIZE} rulings to record in 1 filed packet")
    page.locator("#to-rule a").click()
    packets = page.locator("#packets")
    expect(packets).to_contain_text(f"{SIZE} rulings to record")
    packets.get_by_role("link", name=f"#{filed.pk}").click()
    page.wait_for_url(f"**/filings/{filed.pk}/")

    boxes = page.locator("#packet-items tbody input[name=convictions]")
    expect(boxes).to_have_count(SIZE)
    select_all = page.get_by_label("Choose every conviction in the table")
    select_all.check()
    for i in range(SIZE):
        expect(boxes.nth(i)).to_be_checked()
    boxes.nth(SIZE - 1).uncheck()
    expect(select_all).not_to_be_checked()
    assert select_all.evaluate("box => box.indeterminate")
    page.get_by_label("Ruling for the ticked convictions").select_option("granted")
    today = timezone.localdate()
    order_date = page.get_by_label("Order date", exact=True)
    assert order_date.get_attribute("max") == today.isoformat()
    assert order_date.get_attribute("min") == (today - timedelta(days=1)).isoformat()

    # A date before the filing is refused (typed past the picker's limits): the ticks stay.
    order_date.evaluate("input => input.removeAttribute('min')")
    order_date.fill((today - timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Record the ruling", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("cannot be before the packet was filed")
    boxes = page.locator("#packet-items tbody input[name=convictions]")
    for i in range(SIZE - 1):
        expect(boxes.nth(i)).to_be_checked()
    expect(boxes.nth(SIZE - 1)).not_to_be_checked()
    expect(page.get_by_label("Ruling for the ticked convictions")).to_have_value("granted")
    page.get_by_label("Order date", exact=True).fill(today.isoformat())
    screenshot(page, "clerk-select-all")
    page.get_by_role("button", name="Record the ruling", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(
        f"Recorded the ruling for {SIZE - 1} conviction(s)."
    )
    expect(page.locator("#packet-status").locator("xpath=..")).to_contain_text("1 ruling to record")

    # The last one: "every conviction still to rule on", denied.
    page.get_by_label("Every conviction still to rule on (1)").check()
    page.get_by_label("Ruling for the ticked convictions").select_option("denied")
    page.get_by_label("Order date", exact=True).fill(today.isoformat())
    page.get_by_role("button", name="Record the ruling", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Recorded the ruling for 1 conviction(s).")
    expect(page.locator("#rulings-to-record")).to_have_text("Every ruling is recorded.")
    rulings = sorted(CourtOutcome.objects.values_list("ruling", flat=True))
    assert rulings == ["denied"] + ["granted"] * (SIZE - 1)
