"""Journey: an attorney on the phone with a caller searches the case number the caller reads
out, from the search box in the header, and opens the caller's page with the path of each
conviction across lists."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import AuditEvent

from ..people.conftest import ZORBALOFF_2, build_lists, on
from .conftest import log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)


@pytest.fixture
def people_lists(
    live_server, settings, tmp_path, asa, supervisor2, clerk, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_lists(tmp_path, asa, supervisor2, clerk, django_capture_on_commit_callbacks)


def test_an_asa_finds_a_caller_by_the_case_number_and_opens_their_page(page, asa, people_lists):
    log_in(page, "asa")
    box = page.get_by_role("search").get_by_label("Find a person")
    box.fill("2012-cr-000456")  # as the caller reads it out
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    expect(page.locator("#search-summary")).to_contain_text("found by court case number")
    expect(page.locator(".person-found")).to_have_count(1)
    expect(page.locator(".person-found h2")).to_contain_text("ZORBALOFF, MAXIMILIAN")

    page.locator(".person-found h2").get_by_role("link").click()
    page.wait_for_url(re.compile(r"/people/\d+/$"))
    expect(page.get_by_role("heading", name=re.compile("ZORBALOFF, MAXIMILIAN"))).to_be_visible()
    paths = page.locator("table.paths tbody.path")
    expect(paths).to_have_count(3)
    denied = paths.filter(has_text="2012CR000456")
    expect(denied).to_contain_text(f"list #{people_lists.first.pk}")
    expect(denied).to_contain_text(f"carried over from list #{people_lists.first.pk}")
    expect(denied).to_contain_text(f"packet #{people_lists.packet.pk} filed on")
    expect(denied).to_contain_text("Denied on")
    expect(paths.filter(has_text="2010CR000123")).to_contain_text("Granted on")
    screenshot(page, "search")

    assert AuditEvent.objects.filter(action="person.search", actor=asa).count() == 1
    viewed = AuditEvent.objects.get(action="person.view", actor=asa)
    assert int(viewed.object_id) in {
        on(people_lists.first, ZORBALOFF_2).pk,
        on(people_lists.again, ZORBALOFF_2).pk,
    }
