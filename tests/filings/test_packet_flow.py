"""Clerks: generate the packet of an approved batch, download it, file it, record rulings."""

from __future__ import annotations

import hashlib
import importlib
import io
import time
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from accounts.models import AuditEvent
from filings import services
from filings.models import CourtOutcome, Packet
from review.models import Batch
from review.selectors import batches as batch_selectors
from review.services import batches
from review.services import reviews as review_services
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


def row_naming(html: str, href: str, tag: str = "tr") -> str:
    """The table row (or list item) of a page that links to ``href``."""
    rows = [part.split(f"</{tag}>")[0] for part in html.split(f"<{tag}")[1:]]
    (found,) = [part for part in rows if f'href="{href}"' in part]
    return found


def test_a_batch_sent_back_after_its_packet_gets_a_new_one_and_the_old_one_is_superseded(
    client, clerk, asa, supervisor2, approved, django_capture_on_commit_callbacks
):
    """Issue 15: a batch sent back after its packet was made could never get a packet again."""
    client.force_login(clerk)
    old = generate(client, approved, django_capture_on_commit_callbacks)
    assert client.get(f"/filings/{old.pk}/download/").status_code == 200

    batch = Batch.objects.get(pk=approved.pk)
    batches.batch_transition(
        batch=batch, action="send_back", user=supervisor2, comment="Row 1 is not eligible"
    )
    pulled = batch_selectors.batch_items(batch).first().conviction
    review_services.decision_record(
        conviction=pulled,
        reviewer=asa,
        kind="override",
        version=pulled.review.version,
        outcome="NOT_ELIGIBLE",
        reason="court_file",
    )
    for action, user in (("reopen", asa), ("submit", asa), ("approve", supervisor2)):
        batches.batch_transition(batch=batch, action=action, user=user)
    assert client.get(f"/filings/{old.pk}/download/").status_code == 403
    listing = client.get("/filings/").content.decode()
    assert f"#{approved.pk}" in listing.split('id="waiting-batches"')[1].split("</table>")[0]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/filings/generate/{approved.pk}/")
    new = Packet.objects.exclude(pk=old.pk).get(batch=approved)
    assert response["Location"] == f"/filings/{new.pk}/"
    new.refresh_from_db()
    assert new.status == Packet.Status.READY, new.message
    assert new.counts["convictions"] == 3 and pulled.pk not in new.exhibit_lines
    assert Batch.objects.get(pk=approved.pk).state == Batch.State.PACKET_GENERATED

    content = b"".join(client.get(f"/filings/{new.pk}/download/").streaming_content)
    assert hashlib.sha256(content).hexdigest() == new.sha256
    assert client.get(f"/filings/{old.pk}/download/").status_code in (403, 404)
    assert AuditEvent.objects.filter(action="packet.download", object_id=str(old.pk)).count() == 1

    listing = client.get("/filings/").content.decode()
    old_row = row_naming(listing, f"/filings/{old.pk}/")
    assert "Superseded" in old_row and "/download/" not in old_row
    new_row = row_naming(listing, f"/filings/{new.pk}/")
    assert "Ready to file" in new_row and f"/filings/{new.pk}/download/" in new_row
    detail = client.get(f"/filings/{old.pk}/").content.decode()
    assert "Superseded" in detail and f'href="/filings/{new.pk}/"' in detail
    assert f"/filings/{old.pk}/download/" not in detail and "Mark filed" not in detail
    assert pulled.court_case_number in detail, "it lists what it held"
    assert pulled.court_case_number not in client.get(f"/filings/{new.pk}/").content.decode()

    response = client.post(
        f"/filings/{old.pk}/file/", {"filed_on": timezone.localdate()}, follow=True
    )
    assert "superseded" in response.content.decode()
    old.refresh_from_db()
    assert old.status != Packet.Status.FILED
    assert Batch.objects.get(pk=approved.pk).state == Batch.State.PACKET_GENERATED

    client.force_login(supervisor2)
    page = client.get(f"/batches/{approved.pk}/").content.decode()
    assert "Superseded" in row_naming(page, f"/filings/{old.pk}/", tag="li")
    assert "Ready to file" in row_naming(page, f"/filings/{new.pk}/", tag="li")


def send_back_and_approve_again(batch, asa, supervisor):
    batch = Batch.objects.get(pk=batch.pk)
    batches.batch_transition(batch=batch, action="send_back", user=supervisor, comment="Check")
    for action, user in (("reopen", asa), ("submit", asa), ("approve", supervisor)):
        batches.batch_transition(batch=batch, action=action, user=user)


def test_a_packet_still_being_made_when_its_batch_is_sent_back_is_not_kept(
    clerk, asa, supervisor2, approved, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        stale = services.packet_request(batch=approved, user=clerk)
    send_back_and_approve_again(approved, asa, supervisor2)

    services.packet_generate(packet_id=stale.pk)  # the task, running late
    stale.refresh_from_db()
    assert stale.status == Packet.Status.FAILED and "sent back" in stale.message
    assert not stale.file
    assert Batch.objects.get(pk=approved.pk).state == Batch.State.APPROVED, "still waiting"

    with django_capture_on_commit_callbacks(execute=True):
        fresh = services.packet_request(batch=approved, user=clerk)
    fresh.refresh_from_db()
    assert fresh.status == Packet.Status.READY, fresh.message
    assert Batch.objects.get(pk=approved.pk).state == Batch.State.PACKET_GENERATED


def test_a_packet_task_delivered_twice_at_once_keeps_the_first_packet(
    clerk, approved, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        packet = services.packet_request(batch=approved, user=clerk)
    build = services.build_packet

    def build_while_the_other_delivery_finishes(*args, **kwargs):
        monkeypatch.setattr(services, "build_packet", build)
        services.packet_generate(packet_id=packet.pk)  # the other delivery (acks_late)
        return build(*args, **kwargs)

    monkeypatch.setattr(services, "build_packet", build_while_the_other_delivery_finishes)
    services.packet_generate(packet_id=packet.pk)
    packet.refresh_from_db()
    assert packet.status == Packet.Status.READY, packet.message
    assert Batch.objects.get(pk=approved.pk).state == Batch.State.PACKET_GENERATED
    assert AuditEvent.objects.filter(action="packet.generate").count() == 1


def test_the_migration_lets_batches_sent_back_before_it_get_a_new_packet(
    client, clerk, asa, supervisor2, approved, django_capture_on_commit_callbacks
):
    client.force_login(clerk)
    old = generate(client, approved, django_capture_on_commit_callbacks)
    send_back_and_approve_again(approved, asa, supervisor2)
    Batch.objects.filter(pk=approved.pk).update(revision=0)  # as it was before revisions
    migration = importlib.import_module("filings.migrations.0004_packet_batch_revisions")
    migration.sent_back_batches_revise(apps, None)
    old.refresh_from_db()
    assert old.is_superseded
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/filings/generate/{approved.pk}/")
    assert Packet.objects.filter(batch=approved, status=Packet.Status.READY).count() == 2
    assert Batch.objects.get(pk=approved.pk).state == Batch.State.PACKET_GENERATED


@pytest.mark.django_db(transaction=True)  # the request commits: the task is sent after that
def test_a_packet_asked_for_while_the_workers_cannot_be_reached_says_so_at_once(
    client, clerk, approved
):
    from tests.eligibility.conftest import celery_broker

    client.force_login(clerk)
    with celery_broker("redis://127.0.0.1:1/0"):  # nothing listens on port 1
        started = time.monotonic()
        response = client.post(f"/filings/generate/{approved.pk}/", follow=True)
        seconds = time.monotonic() - started
    assert response.status_code == 200 and seconds < 5, f"answered in {seconds:.1f} s"
    assert "The workers cannot be reached, so the packet was not started" in (
        response.content.decode()
    )
    packet = Packet.objects.get(batch=approved)
    assert packet.status == Packet.Status.FAILED
    # The clerk asks again once the workers are back (tasks run here in the tests).
    response = client.post(f"/filings/generate/{approved.pk}/", follow=True)
    assert Packet.objects.get(batch=approved).status == Packet.Status.READY
