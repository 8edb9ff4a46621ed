"""A clerk's day at volume (issue 20): every conviction still to rule on in one go, a refused
order date keeps the ticks, the date fields carry their limits and "Filed on" starts at today,
rulings still to record show on the packets list and the dashboard, the manifest sits below the
rulings."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from filings import services
from filings.models import CourtOutcome, Packet
from review.models import Batch
from tests.filings.conftest import approved_batch

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(asa, supervisor2, settings, tmp_path) -> Batch:
    settings.MEDIA_ROOT = tmp_path / "media"
    return approved_batch(asa, supervisor2, court="MUNICIPAL DISTRICT 2", name="O'BRIEN")


@pytest.fixture
def ready(approved, clerk) -> Packet:
    packet = Packet.objects.create(batch=approved, generated_by=clerk)
    services.packet_generate(packet_id=packet.pk)
    packet.refresh_from_db()
    assert packet.status == Packet.Status.READY, packet.message
    return packet


@pytest.fixture
def filed(ready, clerk) -> Packet:
    return services.packet_file(
        packet=ready,
        user=clerk,
        filed_on=timezone.localdate() - timedelta(days=2),
        court_call="Call 5",
    )


def ids_of(packet: Packet) -> list[int]:
    return sorted(packet.batch.items.values_list("conviction_id", flat=True))


def test_filed_on_starts_at_today_and_the_date_fields_carry_their_limits(client, clerk, ready):
    client.force_login(clerk)
    today = timezone.localdate().isoformat()
    made = timezone.localdate(ready.generated_at).isoformat()
    page = client.get(f"/filings/{ready.pk}/").content.decode()
    filed_on = re.search(r'<input type="date" id="filed_on"[^>]*>', page).group(0)
    assert f'value="{today}"' in filed_on and f'max="{today}"' in filed_on
    assert f'min="{made}"' in filed_on

    services.packet_file(
        packet=ready, user=clerk, filed_on=timezone.localdate() - timedelta(days=2), court_call=""
    )
    page = client.get(f"/filings/{ready.pk}/").content.decode()
    filed = (timezone.localdate() - timedelta(days=2)).isoformat()
    for field in ('id="order_date"', 'name="order_date"'):
        tag = re.search(rf"<input[^>]*{field}[^>]*>", page).group(0)
        assert f'max="{today}"' in tag and f'min="{filed}"' in tag, tag


def test_every_conviction_still_to_rule_on_is_recorded_in_one_go(client, clerk, filed):
    client.force_login(clerk)
    ids = ids_of(filed)
    today = timezone.localdate()
    client.post(
        f"/filings/{filed.pk}/outcomes/",
        {"convictions": ids[:1], "ruling": "denied", "order_date": today},
    )
    page = client.get(f"/filings/{filed.pk}/").content.decode()
    assert f"Every conviction still to rule on ({len(ids) - 1})" in page
    assert 'data-select-all="convictions"' in page, "the script's select-all box"

    response = client.post(
        f"/filings/{filed.pk}/outcomes/",
        {"pending": "all", "ruling": "granted", "order_date": today},
        follow=True,
    )
    assert f"Recorded the ruling for {len(ids) - 1} conviction(s)." in response.content.decode()
    rulings = dict(CourtOutcome.objects.values_list("conviction_id", "ruling"))
    assert rulings == {ids[0]: "denied", **dict.fromkeys(ids[1:], "granted")}, "kept the denial"
    assert "Every ruling is recorded." in response.content.decode()


def test_a_thousand_ticks_are_read(client, clerk, filed):
    """More fields than Django's default of 1,000: a whole packet ticked with select-all."""
    client.force_login(clerk)
    ids = ids_of(filed)
    padded = ids * 400  # the same convictions, sent as often as a large packet's would be
    response = client.post(
        f"/filings/{filed.pk}/outcomes/",
        {"convictions": padded, "ruling": "granted", "order_date": timezone.localdate()},
    )
    assert response.status_code == 302
    assert CourtOutcome.objects.count() == len(ids)


def test_a_refused_order_date_keeps_the_ticks_the_ruling_and_the_date(client, clerk, filed):
    client.force_login(clerk)
    ids = ids_of(filed)
    late = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        f"/filings/{filed.pk}/outcomes/",
        {"convictions": ids[:2], "ruling": "denied", "order_date": late},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The order date cannot be later than today." in page
    ticked = set(re.findall(r'name="convictions" value="(\d+)" checked', page))
    assert ticked == {str(i) for i in ids[:2]}
    assert '<option value="denied" selected>' in page
    assert f'name="order_date" value="{late}"' in page
    assert not CourtOutcome.objects.exists()


def test_rulings_still_to_record_show_as_a_packet_status_and_on_the_dashboard(client, clerk, filed):
    client.force_login(clerk)
    n = len(ids_of(filed))
    listed = client.get("/filings/").content.decode()
    assert f"{n} rulings to record" in listed
    pending = client.get("/filings/?rulings=pending")
    assert [p.pk for p in pending.context["packets"]] == [filed.pk]
    assert f"{n} rulings to record" in client.get(f"/filings/{filed.pk}/").content.decode()

    dashboard = client.get("/").content.decode()
    assert 'href="/filings/?rulings=pending"' in dashboard
    assert f"<strong>{n}</strong> rulings to record in 1 filed packet" in dashboard

    services.outcomes_record(
        packet=filed,
        user=clerk,
        rulings={i: ("granted", timezone.localdate()) for i in ids_of(filed)},
    )
    assert "rulings to record" not in client.get("/filings/").content.decode()
    assert list(client.get("/filings/?rulings=pending").context["packets"]) == []
    assert "<strong>0</strong> rulings to record" in client.get("/").content.decode()


def test_the_manifest_is_folded_below_the_rulings(client, clerk, filed):
    client.force_login(clerk)
    page = client.get(f"/filings/{filed.pk}/").content.decode()
    assert page.index('id="packet-items"') < page.index('id="manifest"')
    assert re.search(r"<details[^>]*>\s*<summary>Manifest", page)
