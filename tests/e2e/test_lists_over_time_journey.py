"""The demo's second list is the first sent again with corrections and new rows (issue 18): its
import report shows what carried over, and the queue opens on the rows that want another look."""

from __future__ import annotations

import re

from django.core.management import call_command

from eligibility.models import IspList

from .conftest import screenshot


def test_the_demo_s_second_list_shows_what_carried_over(page, settings, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", verbosity=0)
    resent = IspList.objects.get(filename="demo-isp-list-resent.csv")
    history = resent.history

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("supervisor")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Lists").click()
    page.get_by_role("link", name="demo-isp-list-resent.csv").click()

    page.get_by_role("heading", name="Against the lists before it").wait_for()
    counts = page.locator("#history-counts").inner_text()
    assert re.search(rf"New convictions \(on no earlier list\)\s+{history['new']}\b", counts)
    assert re.search(rf"Already on earlier lists\s+{history['known']}\b", counts)
    assert re.search(rf"corrected by this list.*\s+{history['corrected']}\b", counts)
    carried = page.get_by_text(re.compile(r"decisions? carried over from earlier lists"))
    assert f"{history['carried']} decision" in carried.inner_text()
    screenshot(page, "list-carry-over")

    # The rows to look at again, in the queue; one of them says what the list corrected.
    page.get_by_role("link", name="Open them in the queue").click()
    page.wait_for_url(re.compile(r".*/review/\?.*state=another_look.*"))
    rows = page.locator("table tbody tr")
    assert rows.count() > 0
    corrected = resent.convictions.exclude(changes={}).filter(review__decision__isnull=False)
    first = corrected.order_by("row_number").first()
    page.goto(f"/review/{first.pk}/")
    assert "Carried over from the same conviction on an earlier list" in page.content()
    flag = page.locator(".flag-box").inner_text()
    assert "corrected this row" in flag and "sentence" in flag
    page.get_by_role("heading", name="On other lists").wait_for()
    assert "demo-isp-list.csv" in page.locator("#copies").inner_text()
