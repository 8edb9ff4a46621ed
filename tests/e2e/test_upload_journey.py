"""A supervisor uploads a list and watches the progress bar reach "ready", then reads the report."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest

from eligibility.models import IspList

from .conftest import log_in, screenshot

EXAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "examples"


@pytest.mark.worker
def test_a_supervisor_uploads_a_list_and_watches_it_reach_ready(page, celery_worker, supervisor):
    log_in(page, "supervisor")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Lists").click()
    page.get_by_role("link", name="Upload a list").click()
    page.get_by_label("ISP list (.xlsx or .csv)").set_input_files(
        str(EXAMPLES / "sample-alias-500.xlsx")
    )
    page.get_by_label("Evaluate as of").fill("2026-11-25")
    page.get_by_role("button", name="Upload and evaluate").click()
    page.wait_for_url("**/lists/*/")

    seen: list[int] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done = page.get_by_role("heading", name="Import report").count() > 0
        bar = page.locator("progress")
        if bar.count():
            value = int(bar.first.get_attribute("value") or 0)
            if not seen or seen[-1] != value:
                seen.append(value)
        if done:
            break
        time.sleep(0.05)
    assert page.get_by_role("heading", name="Import report").is_visible()
    assert seen[0] < 100 and seen[-1] == 100, f"the bar moved: {seen}"
    screenshot(page, "import-report")

    isp_list = IspList.objects.get()
    assert isp_list.status == IspList.Status.READY
    with open(EXAMPLES / "sample-alias-500.expected.csv", newline="") as handle:
        want = {int(r["row"]): (r["determination"], r["reasons"]) for r in csv.DictReader(handle)}
    got = {
        n: (d, ";".join(sorted(r)))
        for n, d, r in isp_list.convictions.values_list("row_number", "determination", "reasons")
    }
    assert got == want
    eligible = sum(1 for d, _ in want.values() if d == "ELIGIBLE")
    assert page.locator("#determination-counts").inner_text().split("\n")[0].endswith(str(eligible))
