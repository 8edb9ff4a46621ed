"""Journey 4: a clerk generates the packet of an approved batch (a real Celery worker builds it),
downloads it through the browser and opens the zip, marks it filed and records the rulings."""

from __future__ import annotations

import csv
import hashlib
import io
import time
import zipfile

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from filings.models import CourtOutcome, Packet
from review.models import Batch
from review.services import batches

from ..review.conftest import make_list
from .conftest import decide, go, log_in, screenshot

# Numbered from 1 (list #1, batch #1, packet #1), as in the README's screenshots.
pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

COURT = "MUNICIPAL DISTRICT 3"


@pytest.fixture
def approved(asa, supervisor2) -> Batch:
    isp_list = make_list(5, court=COURT, name="NAKAMURA")
    for conviction in isp_list.convictions.all():
        decide(conviction, asa)
    batch = batches.batch_create(court_location=COURT, user=asa)
    batches.batch_transition(batch=batch, action="submit", user=asa)
    return batches.batch_transition(batch=batch, action="approve", user=supervisor2)


@pytest.mark.worker
def test_a_clerk_generates_downloads_opens_files_and_records_rulings(
    page, celery_worker, clerk, approved, tmp_path
):
    log_in(page, "clerk")
    go(page, "Filings")
    waiting = page.locator("#waiting-batches")
    expect(waiting).to_contain_text(f"#{approved.pk}")
    waiting.get_by_role("button", name="Generate the packet").click()
    page.wait_for_url("**/filings/*/")
    expect(page.locator(".messages")).to_contain_text(
        f"Generating the packet of batch #{approved.pk}"
    )

    # The worker builds it; the page says so once it is ready (reloaded, bounded).
    status = page.locator("#packet-status")
    deadline = time.monotonic() + 90
    while "generating" in (status.get_attribute("class") or "") and time.monotonic() < deadline:
        time.sleep(0.5)
        page.reload()
    expect(status).to_have_class("status ready")
    expect(status).to_have_text("Ready to file")
    # The manifest is folded below the rulings (the clerk's work); opened for the screenshot.
    page.locator("details.manifest summary").click()
    expect(page.locator("#manifest")).to_contain_text("motion.pdf")
    screenshot(page, "packet")
    packet = Packet.objects.get(batch=approved)
    assert Batch.objects.get(pk=approved.pk).state == Batch.State.PACKET_GENERATED

    # Download through the browser, then open the zip.
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the packet (.zip)").click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.suffix == ".zip"
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == packet.sha256
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert {"motion.pdf", "exhibit-a.xlsx", "manifest.csv"} <= set(names), names
        assert archive.read("motion.pdf").startswith(b"%PDF")
        rows = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode("utf-8"))))
        listed = {name: (int(size), sha) for name, size, sha in rows[1:]}
        assert set(listed) == set(names) - {"manifest.csv"}, "every other file, listed once"
        for name, (size, sha) in listed.items():
            member = archive.read(name)
            assert (len(member), hashlib.sha256(member).hexdigest()) == (size, sha), name
            expect(page.locator("#manifest")).to_contain_text(sha)
    assert {f["name"]: f["sha256"] for f in packet.files if f["name"] in listed} == {
        name: sha for name, (_, sha) in listed.items()
    }

    # Mark it filed.
    today = timezone.localdate()
    expect(page.get_by_label("Filed on")).to_have_value(today.isoformat())
    page.get_by_label("Court call").fill("Courtroom 1102, call 5")
    page.get_by_role("button", name="Mark filed").click()
    expect(page.locator(".messages")).to_contain_text("Marked filed.")
    expect(status).to_have_text("Filed")
    assert Batch.objects.get(pk=approved.pk).state == Batch.State.FILED

    # Record the rulings: four granted, one denied.
    boxes = page.locator("#packet-items tbody input[name=convictions]")
    expect(boxes).to_have_count(5)
    for i in range(4):
        boxes.nth(i).check()
    page.get_by_label("Ruling for the ticked convictions").select_option("granted")
    page.get_by_label("Order date", exact=True).fill(today.isoformat())
    page.get_by_role("button", name="Record the ruling", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Recorded the ruling for 4 conviction(s).")
    page.locator("#packet-items tbody input[name=convictions]").nth(4).check()
    page.get_by_label("Ruling for the ticked convictions").select_option("denied")
    page.get_by_label("Order date", exact=True).fill(today.isoformat())
    page.get_by_role("button", name="Record the ruling", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Recorded the ruling for 1 conviction(s).")
    shown = f"{today:%b} {today.day}, {today.year}"
    expect(page.locator("#packet-items")).to_contain_text(
        f"Granted: vacated and expunged ({shown})"
    )
    expect(page.locator("#packet-items")).to_contain_text(f"Denied ({shown})")
    screenshot(page, "packet-filed-rulings")
    rulings = sorted(CourtOutcome.objects.values_list("ruling", flat=True))
    assert rulings == ["denied", "granted", "granted", "granted", "granted"]


def test_a_clerk_records_rulings_by_uploading_exhibit_a_back(
    page, clerk, approved, tmp_path, settings
):
    from openpyxl import load_workbook

    from filings import services

    settings.MEDIA_ROOT = tmp_path / "media"
    packet = Packet.objects.create(batch=approved, generated_by=clerk)
    services.packet_generate(packet_id=packet.pk)
    packet.refresh_from_db()
    today = timezone.localdate()
    services.packet_file(packet=packet, user=clerk, filed_on=today, court_call="Courtroom 1102")

    # The clerk's copy of Exhibit A, with the court's rulings typed into two new columns.
    with packet.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        (tmp_path / "exhibit.xlsx").write_bytes(archive.read("exhibit-a.xlsx"))
    workbook = load_workbook(tmp_path / "exhibit.xlsx")
    sheet = workbook.active
    last = sheet.max_column
    sheet.cell(row=1, column=last + 1, value="Outcome")
    sheet.cell(row=1, column=last + 2, value="Order date")
    for row, ruling in zip(range(2, 7), ["GRANTED", "granted", "G", "DENIED", ""], strict=True):
        sheet.cell(row=row, column=last + 1, value=ruling)
        sheet.cell(row=row, column=last + 2, value=today if ruling else None)
    workbook.save(tmp_path / "rulings.xlsx")
    # The same sheet with two case numbers swapped: refused whole.
    case_column = [cell.value for cell in sheet[1]].index("Court case number") + 1
    first, second = sheet.cell(2, case_column), sheet.cell(3, case_column)
    first.value, second.value = second.value, first.value
    workbook.save(tmp_path / "swapped.xlsx")

    log_in(page, "clerk")
    page.goto(f"/filings/{packet.pk}/")
    upload = page.locator("#outcomes-upload")
    upload.get_by_label("Exhibit A with an Outcome column").set_input_files(
        tmp_path / "swapped.xlsx"
    )
    upload.get_by_role("button", name="Record the rulings in the file").click()
    expect(page.locator("body")).to_contain_text("Nothing was recorded.")
    expect(page.locator("body")).to_contain_text("Row 2: the court case number is")
    assert CourtOutcome.objects.count() == 0

    page.goto(f"/filings/{packet.pk}/")
    upload = page.locator("#outcomes-upload")
    upload.get_by_label("Exhibit A with an Outcome column").set_input_files(
        tmp_path / "rulings.xlsx"
    )
    upload.get_by_role("button", name="Record the rulings in the file").click()
    expect(page.locator(".messages")).to_contain_text(
        "Recorded 4 rulings (3 granted, 1 denied); 1 row had no outcome."
    )
    rulings = sorted(CourtOutcome.objects.values_list("ruling", flat=True))
    assert rulings == ["denied", "granted", "granted", "granted"]
