"""When the broker cannot be reached, an upload is kept and says so at once; the periodic check
starts it when the broker is back."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from eligibility import tasks
from eligibility.models import IspList

from .conftest import EXAMPLES, celery_broker, expected, stored, wait_until_done

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1
SAID = "received; the workers cannot be reached; it starts when they are"


def upload_while_the_broker_is_down(client, name: str = "sample-2000.csv"):
    content = (EXAMPLES / name).read_bytes()
    with celery_broker(CLOSED):
        started = time.monotonic()
        response = client.post(
            "/lists/upload/",
            {"file": SimpleUploadedFile(name, content), "as_of": "2026-11-25"},
            follow=True,
        )
        seconds = time.monotonic() - started
    return response, seconds


@pytest.mark.django_db(transaction=True)  # the upload commits: its task is sent after that
def test_an_upload_while_the_workers_cannot_be_reached_is_kept_and_says_so_at_once(
    client, supervisor, media
):
    client.force_login(supervisor)
    response, seconds = upload_while_the_broker_is_down(client)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"“sample-2000.csv” {SAID}." in page
    assert "Waiting for workers" in page
    assert seconds < 5, f"answered in {seconds:.1f} s"
    isp_list = IspList.objects.get()
    assert response.redirect_chain == [(f"/lists/{isp_list.pk}/", 302)]
    assert isp_list.status == IspList.Status.WAITING
    assert isp_list.is_working, "the page keeps watching it"
    assert "Waiting for workers" in client.get("/lists/").content.decode()

    tasks.restart_stalled_lists.delay()  # the broker is back (the test's tasks run here)
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.READY, isp_list.message
    assert isp_list.message == ""
    assert stored(isp_list) == expected("sample-2000.expected.csv")


@pytest.mark.django_db(transaction=True)
def test_the_same_file_again_while_the_first_waits_is_a_duplicate_that_names_it(
    client, supervisor, media
):
    client.force_login(supervisor)
    upload_while_the_broker_is_down(client)
    again, _ = upload_while_the_broker_is_down(client)
    assert again.status_code == 200
    assert "identical to “sample-2000.csv”" in again.content.decode()
    assert IspList.objects.get().status == IspList.Status.WAITING


@pytest.mark.worker
def test_a_waiting_list_is_started_by_the_scheduled_check_once_the_broker_is_back(
    celery_worker, client, supervisor, settings
):
    client.force_login(supervisor)
    response, _ = upload_while_the_broker_is_down(client, "sample-alias-500.xlsx")
    assert SAID in response.content.decode()
    isp_list = IspList.objects.get()
    assert isp_list.status == IspList.Status.WAITING
    from config.celery_app import app

    # What `celery beat` sends every minute, by its name in the schedule.
    [entry] = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("stalled_lists")
    ]
    app.send_task(entry["task"], **entry.get("options", {}))
    wait_until_done(isp_list)
    assert isp_list.status == IspList.Status.READY, isp_list.message
    assert isp_list.message == ""
    assert stored(isp_list) == expected("sample-alias-500.expected.csv")
