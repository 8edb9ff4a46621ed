"""Clerks: generate the packet of an approved batch, download it, file it, record rulings."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from filings.models import CourtOutcome, Packet
from review import batches
from review.models import Batch
from tests.factories import BatchFactory
from tests.filings.conftest import approved_batch

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(asa, supervisor2, settings, tmp_path) -> Batch:
    settings.MEDIA_ROOT = tmp_path / "media"
    return approved_batch(asa, supervisor2, court="MUNICIPAL DISTRICT 2", name="O'BRIEN")


def generate(client, batch, capture) -> Packet:
    with capture(execute=True):
        response = client.post(f"/filings/generate/{batch.pk}/")
    packet = Packet.objects.get(batch=batch)
    assert response["Location"] == f"/filings/{packet.pk}/"
    return packet


def test_a_clerk_generates_downloads_files_and_records_rulings(
    client, clerk, approved, django_capture_on_commit_callbacks
):
    client.force_login(clerk)
    assert f"#{approved.pk}" in client.get("/filings/").content.decode()
    packet = generate(client, approved, django_capture_on_commit_callbacks)
    packet.refresh_from_db()
    assert packet.status == Packet.Status.READY, packet.message
    assert Batch.objects.get(pk=approved.pk).state == Batch.State.PACKET_GENERATED
    assert packet.counts["convictions"] == 4

    response = client.get(f"/filings/{packet.pk}/download/")
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == packet.sha256
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        assert "motion.pdf" in names and "exhibit-a.xlsx" in names
        for entry in packet.files:
            assert hashlib.sha256(archive.read(entry["name"])).hexdigest() == entry["sha256"]
    assert AuditEvent.objects.filter(action="packet.download", actor=clerk).exists()

    today = timezone.localdate()
    client.post(f"/filings/{packet.pk}/file/", {"filed_on": today, "court_call": "Call 5"})
    packet.refresh_from_db()
    assert packet.status == Packet.Status.FILED and packet.court_call == "Call 5"
    assert Batch.objects.get(pk=approved.pk).state == Batch.State.FILED

    ids = list(approved.items.values_list("conviction_id", flat=True))
    client.post(
        f"/filings/{packet.pk}/outcomes/",
        {"convictions": ids[:3], "ruling": "granted", "order_date": today},
    )
    client.post(
        f"/filings/{packet.pk}/outcomes/",
        {"convictions": ids[3:], "ruling": "denied", "order_date": today},
    )
    rulings = dict(CourtOutcome.objects.values_list("conviction_id", "ruling"))
    assert rulings == {**dict.fromkeys(ids[:3], "granted"), ids[3]: "denied"}
    assert CourtOutcome.objects.get(conviction_id=ids[0]).order_date == today


def test_a_filing_or_order_date_the_court_cannot_have_given_is_refused(
    client, clerk, approved, django_capture_on_commit_callbacks
):
    client.force_login(clerk)
    packet = generate(client, approved, django_capture_on_commit_callbacks)
    today = timezone.localdate()
    url = f"/filings/{packet.pk}/"

    response = client.post(f"{url}file/", {"filed_on": today + timedelta(days=1)}, follow=True)
    assert "The filing date cannot be later than today." in response.content.decode()
    packet.refresh_from_db()
    assert packet.status == Packet.Status.READY

    client.post(f"{url}file/", {"filed_on": today - timedelta(days=3), "court_call": "Call 5"})
    ids = list(approved.items.values_list("conviction_id", flat=True))
    for order_date, message in (
        (today + timedelta(days=1), "The order date cannot be later than today."),
        (today - timedelta(days=4), "The order date cannot be before the packet was filed"),
    ):
        response = client.post(
            f"{url}outcomes/",
            {"convictions": ids, "ruling": "granted", "order_date": order_date},
            follow=True,
        )
        assert message in response.content.decode()
    assert not CourtOutcome.objects.exists()


def test_a_packet_is_generated_once_and_only_for_an_approved_batch(
    client, clerk, approved, asa, django_capture_on_commit_callbacks
):
    client.force_login(clerk)
    generate(client, approved, django_capture_on_commit_callbacks)
    client.post(f"/filings/generate/{approved.pk}/")
    assert Packet.objects.count() == 1
    draft = BatchFactory(court_location="X", created_by=asa)
    response = client.post(f"/filings/generate/{draft.pk}/", follow=True)
    assert "Only an approved batch gets a packet." in response.content.decode()
    assert not Packet.objects.filter(batch=draft).exists()


def test_supervisors_see_packets_but_only_clerks_download_or_file(
    client, clerk, supervisor, approved, django_capture_on_commit_callbacks
):
    client.force_login(clerk)
    packet = generate(client, approved, django_capture_on_commit_callbacks)
    client.force_login(supervisor)
    assert client.get(f"/filings/{packet.pk}/").status_code == 200
    assert client.get(f"/filings/{packet.pk}/download/").status_code == 403
    assert client.post(f"/filings/{packet.pk}/file/", {"filed_on": "2026-11-01"}).status_code == 403


def test_rulings_wait_until_the_packet_is_filed(
    client, clerk, approved, django_capture_on_commit_callbacks
):
    client.force_login(clerk)
    packet = generate(client, approved, django_capture_on_commit_callbacks)
    ids = list(approved.items.values_list("conviction_id", flat=True))
    response = client.post(
        f"/filings/{packet.pk}/outcomes/",
        {"convictions": ids, "ruling": "granted", "order_date": timezone.localdate()},
        follow=True,
    )
    assert "once the packet is filed" in response.content.decode()
    assert not CourtOutcome.objects.exists()


def test_nobody_downloads_the_packet_of_a_batch_that_is_no_longer_approved(
    client, clerk, supervisor2, approved, django_capture_on_commit_callbacks
):
    client.force_login(clerk)
    packet = generate(client, approved, django_capture_on_commit_callbacks)
    assert client.get(f"/filings/{packet.pk}/download/").status_code == 200
    batches.batch_transition(
        batch=Batch.objects.get(pk=approved.pk),
        action="send_back",
        user=supervisor2,
        comment="A decision must change",
    )
    assert client.get(f"/filings/{packet.pk}/download/").status_code == 403


def test_a_ruling_recorded_again_replaces_the_first(
    client, clerk, approved, django_capture_on_commit_callbacks
):
    client.force_login(clerk)
    packet = generate(client, approved, django_capture_on_commit_callbacks)
    today = timezone.localdate()
    client.post(f"/filings/{packet.pk}/file/", {"filed_on": today - timedelta(days=2)})
    ids = list(approved.items.values_list("conviction_id", flat=True))
    for ruling, day in (("granted", today - timedelta(days=1)), ("denied", today)):
        client.post(
            f"/filings/{packet.pk}/outcomes/",
            {"convictions": ids[:2], "ruling": ruling, "order_date": day},
        )

    outcomes = CourtOutcome.objects.filter(conviction_id__in=ids[:2])
    assert sorted(outcomes.values_list("ruling", "order_date")) == [("denied", today)] * 2
    assert CourtOutcome.objects.count() == 2
