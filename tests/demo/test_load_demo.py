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
    assert IspList.objects.get().status == IspList.Status.READY
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
