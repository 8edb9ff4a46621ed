"""No error in the browser's console on the review pages, through a decision swapped in by htmx
(issue 20, "Console and logs": every swap used to log a blocked inline style)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from eligibility.models import Conviction

from .conftest import assert_accessible, go, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_review_pages_log_no_console_error(page, asa, demo_list):
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in {"error", "warning"} else None
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, "asa")
    go(page, "Review")
    page.get_by_role("button", name="Take the next 25").click()
    page.get_by_role("link", name="Open the next one").click()
    page.wait_for_url(re.compile(r"/review/\d+/$"))
    first = page.locator("#review-item").get_attribute("data-conviction")
    page.locator("#confirm-button").click()
    expect(page.locator("#review-item .messages")).to_contain_text("Confirmed:")
    second = page.locator("#review-item").get_attribute("data-conviction")
    assert second != first
    # The tab names the conviction now shown, not the one just decided (issue 20).
    shown = Conviction.objects.get(pk=int(second))
    expect(page).to_have_title(
        re.compile(rf"Row {shown.row_number} · {re.escape(shown.last_name)}")
    )
    assert_accessible(page)  # the next conviction, as htmx swapped it in
    page.keyboard.press("c")  # the keyboard's confirm, swapped in the same way
    page.wait_for_timeout(500)
    go(page, "Review")
    assert problems == []
