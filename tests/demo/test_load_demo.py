"""`make demo` loads users, an evaluated list, batches and a packet: every role has work."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from eligibility.models import IspList
from filings.models import Packet
from review.models import Batch

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_refuses_to_run_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="DEMO_MODE"):
        call_command("load_demo")


def test_the_demo_gives_every_role_something_to_do_and_loads_once(settings, tmp_path, client):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo")
    call_command("load_demo")  # a second run reuses what is there
    # Two lists: the first, and the same sent again with corrections and new rows (issue 18).
    first, resent = IspList.objects.order_by("pk")
    assert (first.filename, resent.filename) == ("demo-isp-list.csv", "demo-isp-list-resent.csv")
    assert {first.status, resent.status} == {IspList.Status.READY}
    history = resent.history
    assert history["known"] > 0 and history["new"] > 0 and history["corrected"] > 0
    assert history["known"] + history["new"] == resent.rows_total
    assert history["carried"] > 0 and history["flagged"] > 0
    states = sorted(Batch.objects.values_list("state", flat=True))
    assert states == ["approved", "packet_generated", "submitted"]
    packet = Packet.objects.get()
    assert packet.status == Packet.Status.READY and packet.sha256
    client.post("/accounts/login/", {"username": "clerk", "password": "demo"})
    assert client.get(f"/filings/{packet.pk}/download/").status_code == 200
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": "supervisor", "password": "demo"})
    submitted = Batch.objects.get(state="submitted")
    assert "Approve" in client.get(f"/batches/{submitted.pk}/").content.decode()


def test_the_will_demo_is_a_will_county_office_with_an_omnibus_packet(settings, tmp_path, client):
    """`make demo COUNTY=will` (issue 21): the list's people are of Will County, every batch is
    in its one courthouse, and the packet is one motion and one order."""
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = tmp_path
    settings.OFFICE_COUNTY = "will"
    call_command("load_demo")
    first = IspList.objects.get(filename="demo-isp-list.csv")
    eligible = first.convictions.filter(determination="ELIGIBLE")
    assert eligible.exists()
    assert set(eligible.values_list("county", flat=True)) <= {
        "WILL",
        "Will",
        "WILL COUNTY",
        "will county",
    }
    assert set(Batch.objects.values_list("court_location", flat=True)) == {"Will County Courthouse"}
    packet = Packet.objects.get()
    assert packet.profile.county == "will" and packet.counts["orders"] == 1
    assert [f["name"] for f in packet.files][:3] == ["motion.pdf", "order.pdf", "exhibit-a.xlsx"]
    client.post("/accounts/login/", {"username": "admin", "password": "demo"})
    page = client.get("/").content.decode()
    assert "Will County State&#x27;s Attorney" in page or "Will County State's Attorney" in page
