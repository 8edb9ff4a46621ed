"""The county profile through the office's work (issue 21): a one-courthouse county batches every
row in its courthouse and files one omnibus order; a packet records the profile version it was
made with, and keeps it after the profile changes."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from eligibility import selectors as eligibility_selectors
from eligibility import services as eligibility_services
from eligibility.models import Conviction
from filings import services
from filings.models import Packet
from review.selectors import batches as batch_selectors
from review.services import batches
from review.services import reviews as review_services
from tests.filings.conftest import pdf_pages, pdf_text
from tests.review.conftest import make_list

pytestmark = pytest.mark.django_db

WILL_CAPTION = "IN THE CIRCUIT COURT OF THE TWELFTH JUDICIAL CIRCUIT, WILL COUNTY, ILLINOIS"


@pytest.fixture
def will_office(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OFFICE_COUNTY = "will"


def decided_list(asa, rows: int, courts: list[str], name: str):
    isp_list = make_list(rows, court=courts[0], name=name)
    for index, conviction in enumerate(isp_list.convictions.order_by("row_number")):
        Conviction.objects.filter(pk=conviction.pk).update(
            court_location=courts[index % len(courts)]
        )
        review_services.decision_record(
            conviction=conviction, reviewer=asa, kind="confirm", version=0
        )
    return isp_list


def approved(batch, asa, approver):
    batches.batch_transition(batch=batch, action="submit", user=asa)
    return batches.batch_transition(batch=batch, action="approve", user=approver)


def made(batch, user, capture) -> Packet:
    with capture(execute=True):
        packet = services.packet_request(batch=batch, user=user)
    packet.refresh_from_db()
    assert packet.status == Packet.Status.READY, packet.message
    return packet


def zip_of(packet: Packet) -> dict[str, bytes]:
    with packet.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_one_courthouse_county_batches_every_row_there_and_files_one_order(
    will_office, asa, supervisor2, clerk, django_capture_on_commit_callbacks
):
    decided_list(asa, 6, ["JOLIET", "", "12TH JUDICIAL CIRCUIT"], "GALLOWAY")
    assert batch_selectors.court_locations() == [
        {"court_location": "Will County Courthouse", "n": 6}
    ]
    batch = batches.batch_create(court_location="Will County Courthouse", user=asa)
    assert batch.items.count() == 6
    packet = made(approved(batch, asa, supervisor2), clerk, django_capture_on_commit_callbacks)

    assert packet.profile.county == "will" and packet.profile.version == 1
    assert packet.counts["orders"] == 1 and packet.counts["cases"] == 6
    members = zip_of(packet)
    assert "order.pdf" in members and not any(n.startswith("orders/") for n in members)
    assert pdf_pages(members["order.pdf"])[0].startswith(WILL_CAPTION)
    assert "on lines 1 to 6" in pdf_text(members["order.pdf"])


def test_a_location_the_profile_does_not_file_in_gathers_nothing(will_office, asa):
    decided_list(asa, 2, ["JOLIET"], "PEMBERTON")
    with pytest.raises(batches.BatchRefused):
        batches.batch_create(court_location="JOLIET", user=asa)


def test_a_packet_made_before_a_profile_change_keeps_its_version(
    will_office, asa, supervisor2, clerk, admin, django_capture_on_commit_callbacks
):
    decided_list(asa, 4, ["JOLIET"], "HAWTHORNE")
    first = batches.batch_create(court_location="Will County Courthouse", user=asa, limit=2)
    second = batches.batch_create(court_location="Will County Courthouse", user=asa)
    before = made(approved(first, asa, supervisor2), clerk, django_capture_on_commit_callbacks)
    with before.file.open("rb") as handle:
        sha_before = hashlib.sha256(handle.read()).hexdigest()

    current = eligibility_selectors.profile_current()
    eligibility_services.profile_adopt(
        values={
            **current.values(),
            "state_attorney": "Jane Q. Successor",
            "packet_shape": "per_case",
        },
        user=admin,
        comment="A new State's Attorney took office; the court asks for an order per case.",
    )
    after = made(approved(second, asa, supervisor2), clerk, django_capture_on_commit_callbacks)

    before.refresh_from_db()
    assert before.profile.version == 1 and after.profile.version == 2
    with before.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == sha_before == before.sha256
    old, new = zip_of(before), zip_of(after)
    assert "order.pdf" in old and "order.pdf" not in new
    assert "Jane Q. Successor".upper() in pdf_text(new["motion.pdf"])
    assert "JAMES W. GLASGOW" in pdf_text(old["motion.pdf"])
    # Rendered again (after a purge), a packet says what it said when it was made.
    lines = [item.conviction for item in batch_selectors.batch_items(before.batch)]
    again = services._packet_request(before, lines, generated_on=before.generated_at.date())
    assert again.county.version == 1 and again.county.state_attorney == "James W. Glasgow"
    assert again.county.omnibus

    page = pdf_text(old["order.pdf"])
    assert WILL_CAPTION.split(",")[0] in page
