"""An attorney works 25 claimed convictions under a filter, by keyboard (issue 20): the filter
holds through "Take the next 25" and from one conviction to the next."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from review.models import Decision, Review

from .conftest import log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_attorney_works_25_convictions_of_a_filter_by_keyboard(page, asa, demo_list):
    log_in(page, "asa")
    page.goto("/review/")
    page.get_by_label("Determination").select_option("NOT_ELIGIBLE")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"determination=NOT_ELIGIBLE"))

    page.get_by_role("button", name="Take the next 25").click()
    expect(page.locator(".messages")).to_contain_text("You now hold 25 more convictions")
    expect(page).to_have_url(re.compile(r"determination=NOT_ELIGIBLE"))
    expect(page.locator("#queue tbody tr[data-href]")).to_have_count(25)
    screenshot(page, "queue-filtered-claim")
    held = set(Review.objects.filter(claimed_by=asa).values_list("pk", flat=True))
    assert len(held) == 25
    assert set(
        demo_list.convictions.filter(pk__in=held).values_list("determination", flat=True)
    ) == {"NOT_ELIGIBLE"}

    # Enter opens the current row; "c" confirms and the next held row of the filter comes in.
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/review/\d+/$"))
    for done in range(1, 26):
        item = page.locator("#review-item")
        shown = int(item.get_attribute("data-conviction"))
        assert shown in held
        page.keyboard.press("c")
        if done < 25:
            # the next held conviction of the filter, swapped in and ready for the next key
            page.locator(
                f'#review-item:not([data-conviction="{shown}"]) #confirm-button'
            ).wait_for()
            expect(page.locator(".htmx-settling, .htmx-swapping, .htmx-request")).to_have_count(0)
    page.wait_for_url(re.compile(r"/review/(\?.*)?$"))
    expect(page.locator(".messages")).to_contain_text("You have no held convictions left")
    decided = Decision.objects.filter(reviewer=asa)
    assert set(decided.values_list("conviction_id", flat=True)) == held
    assert set(decided.values_list("outcome", flat=True)) == {"NOT_ELIGIBLE"}
