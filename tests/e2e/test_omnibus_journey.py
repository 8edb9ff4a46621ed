"""Journey (issue 21): in the Will County demo (`make demo COUNTY=will`), the clerk generates the
packet of the approved batch and downloads it through the browser: one motion and one omnibus
order, captioned for the Twelfth Judicial Circuit. The first page of the order is rendered to
PNG for the README (docs/screenshots/omnibus-order.png)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect
from pypdf import PdfReader

from demo.services import demo_load
from filings.models import Packet
from review.models import Batch

from .conftest import PASSWORD, SCREENSHOTS, assert_accessible, go, log_in

pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

WILL_CAPTION = "IN THE CIRCUIT COURT OF THE TWELFTH JUDICIAL CIRCUIT, WILL COUNTY, ILLINOIS"


def first_page_png(pdf: bytes, path) -> None:
    """Page 1 of a PDF as a PNG, as a reader sees it printed (PDFium, no network)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        page.render(scale=1.5).to_pil().save(path)
        page.close()
    finally:
        document.close()


@pytest.fixture
def will_demo(settings, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OFFICE_COUNTY = "will"
    demo_load(say=lambda _: None)
    clerk = get_user_model().objects.get(username="clerk")
    clerk.set_password(PASSWORD)  # the journeys' log_in types the personas' password
    clerk.save()
    return Batch.objects.get(state=Batch.State.APPROVED)


def test_the_will_demos_clerk_generates_and_downloads_an_omnibus_packet(page, will_demo, tmp_path):
    log_in(page, "clerk")
    expect(page.locator(".brand")).to_contain_text("Will County State's Attorney")
    go(page, "Filings")
    waiting = page.locator("#waiting-batches")
    expect(waiting).to_contain_text(f"#{will_demo.pk}")
    expect(waiting).to_contain_text("Will County Courthouse")
    waiting.get_by_role("button", name="Generate the packet").click()
    page.wait_for_url("**/filings/*/")
    # Tasks run in the server's process here: the packet is made before the page answers.
    page.reload()
    expect(page.locator("#packet-status")).to_have_text("Ready to file")
    expect(page.locator("#packet-profile")).to_contain_text("Will County, version 1: Omnibus")
    assert_accessible(page)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the packet (.zip)").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    packet = Packet.objects.get(batch=will_demo)
    assert packet.profile.county == "will"
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        order = archive.read("order.pdf")
    assert names[:3] == ["motion.pdf", "order.pdf", "exhibit-a.xlsx"]
    assert not [name for name in names if name.startswith("orders/")]

    reader = PdfReader(io.BytesIO(order))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert text.startswith(WILL_CAPTION)
    lines = packet.counts["convictions"]
    assert f"on lines 1 to {lines}" in text and "Judge, Twelfth Judicial Circuit" in text
    assert "cook" not in text.lower()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    first_page_png(order, SCREENSHOTS / "omnibus-order.png")


def test_an_administrator_opens_the_county_profile_from_the_policy_page(page, admin, settings):
    settings.OFFICE_COUNTY = "will"
    log_in(page, "admin")
    go(page, "Policy")
    page.get_by_role("link", name="See the whole profile, or change it").click()
    page.wait_for_url("**/policy/county/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("County profile: Will County")
    expect(page.locator("#to-confirm")).to_contain_text("the address of Will County Courthouse")
    assert_accessible(page)
