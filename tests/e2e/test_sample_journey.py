"""Journey 5: a supervisor draws a validation sample; an ASA reviews it blind, never seeing the
machine's answer; the supervisor reads the agreement report."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from eligibility.models import Determination
from eligibility.rules import REASONS
from review.models import SampleItem, ValidationSample
from review.selectors.samples import wilson

from .conftest import log_in, log_out, screenshot

SIZE = 8
# What would give the machine's answer away on the blind page.
MACHINE_WORDS = [
    *Determination.values,
    *REASONS,
    "Machine determination",
    "Needs review",
    "Rules 20",
    "How the rules read it",
]


def test_a_blind_sample_is_reviewed_without_the_machines_answer_and_reported(
    page, supervisor, asa, demo_list
):
    log_in(page, "supervisor")
    page.locator("ul.cards").get_by_role("link", name="Validation samples").click()
    expect(page.get_by_role("heading", name="Validation samples")).to_be_visible()
    form = page.locator("#sample-draw")
    form.get_by_label("List").select_option(str(demo_list.pk))
    form.get_by_label("Convictions").fill(str(SIZE))
    form.get_by_label("Seed").fill("2026")
    form.get_by_role("button", name="Draw the sample").click()
    page.wait_for_url(re.compile(r"/review/samples/\d+/$"))
    sample = ValidationSample.objects.get()
    expect(page.locator(".messages")).to_contain_text(f"Sample #{sample.pk} drawn (seed 2026)")
    expect(page.locator("#sample-summary")).to_contain_text(f"{SIZE} still to review")
    log_out(page)

    # The ASA decides each item from the record alone; the test, not the reviewer, knows the
    # machine's answer: agree on every item but the first the machine decided.
    machine = dict(sample.items.values_list("pk", "machine_determination"))
    log_in(page, "asa")
    page.get_by_role("link", name=f"Blind review: sample #{sample.pk}").click()
    page.wait_for_url(f"**/review/samples/{sample.pk}/blind/")
    disagreed = None
    for step in range(SIZE):
        expect(page.locator("#blind-form")).to_be_visible()
        html = page.content()
        shown = [word for word in MACHINE_WORDS if word in html]
        assert not shown, f"item {step + 1}: the blind page shows {shown}"
        expect(page.locator(".badge")).to_have_count(0)
        item = int(page.locator("#blind-form input[name=item]").get_attribute("value"))
        said = machine[item]
        if said == "NEEDS_REVIEW":
            answer = "Eligible"
        elif disagreed is None:
            disagreed = item
            answer = "Not eligible" if said == "ELIGIBLE" else "Eligible"
        else:
            answer = "Eligible" if said == "ELIGIBLE" else "Not eligible"
        page.get_by_role("radio", name=answer, exact=True).check()
        if step == 0:
            screenshot(page, "sample-blind")
        if item == disagreed:
            page.get_by_label("Note").fill("The court file shows a different amount.")
        page.get_by_role("button", name="Record and show the next").click()
        expect(page.locator(".messages")).to_contain_text("Recorded item")
    expect(page.locator("#blind-form")).to_have_count(0)
    expect(page.get_by_text("Nothing left for you in this sample")).to_be_visible()
    assert not SampleItem.objects.filter(sample=sample, outcome="").exists()
    assert disagreed is not None, "the sample holds a row the machine decided"
    log_out(page)

    # The report: counts, the agreement rate with its interval, the one disagreement.
    compared = sum(1 for m in machine.values() if m != "NEEDS_REVIEW")
    log_in(page, "supervisor")
    page.locator("ul.cards").get_by_role("link", name="Validation samples").click()
    page.locator("#samples").get_by_role("link", name=f"#{sample.pk}").click()
    page.wait_for_url(f"**/review/samples/{sample.pk}/")
    summary = page.locator("#sample-summary")
    expect(summary).to_contain_text(f"{SIZE} reviewed blind")
    expect(summary).to_contain_text(f"{compared} compared")
    expect(summary).to_contain_text(f"{SIZE - compared} sent to a person")
    expect(page.locator("#agreement-rate")).to_have_text(f"{(compared - 1) / compared:.1%}")
    low, high = wilson(compared - 1, compared)
    interval = page.locator("#agreement-interval").inner_text()
    assert re.findall(r"\d+\.\d%", interval) == [f"{low:.1%}", f"{high:.1%}"], interval
    rows = page.locator("#disagreements tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("The court file shows a different amount.")
    expect(rows).to_contain_text(
        f"row {SampleItem.objects.get(pk=disagreed).conviction.row_number}"
    )
    screenshot(page, "sample-report")
