"""A stalled import says so on its page, with a restart beside it; a restart pressed twice, from
two tabs, or by the periodic check at the same time starts the import once."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from demo.synthetic import write_csv
from eligibility import services, tasks
from eligibility.listfiles import open_list
from eligibility.models import IspList

from .conftest import (
    EXAMPLES,
    assert_every_row_once,
    expected,
    restart_form,
    stored,
    wait_until_done,
)

WARNING = "Nothing has moved for"


def receive(path, *, start: bool = False) -> IspList:
    return services.list_store_file(
        path=path,
        filename=path.name,
        as_of=date(2026, 11, 25),
        user=None,
        start=start,
        confirm_reimport=True,
    )


def idle_for(isp_list: IspList, minutes: float) -> None:
    """Move the list's last progress back in time, as if nothing had moved since."""
    IspList.objects.filter(pk=isp_list.pk).update(
        progress_at=timezone.now() - timedelta(minutes=minutes)
    )


@pytest.fixture
def sent(monkeypatch) -> list[int]:
    """The imports sent to the workers (none runs: the lists stay where they are)."""
    ids: list[int] = []
    monkeypatch.setattr(tasks.import_list, "delay", ids.append)
    return ids


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Run a step and what it starts on commit, as outside a test's transaction."""

    def run(step):
        with django_capture_on_commit_callbacks(execute=True):
            return step()

    return run


@pytest.mark.django_db
def test_a_list_whose_import_has_not_moved_for_a_while_says_so_beside_a_restart(
    client, supervisor, media, settings, sent
):
    settings.LIST_STALL_MINUTES = 10
    client.force_login(supervisor)
    isp_list = receive(EXAMPLES / "worked-examples.csv")  # received; no worker took it
    page = client.get(f"/lists/{isp_list.pk}/").content.decode()
    assert WARNING not in page and "/resume/" not in page, "nothing to say yet"
    idle_for(isp_list, 11)
    page = client.get(f"/lists/{isp_list.pk}/").content.decode()
    assert f"{WARNING} 11\xa0minutes" in page
    assert "0 rows read" in page
    action, _ = restart_form(page)
    warning = page[page.index(WARNING) :]
    assert warning.index(action) < warning.index("</div>"), "the restart is in the warning"
    fragment = client.get(f"/lists/{isp_list.pk}/progress/").content.decode()
    assert WARNING in fragment and action in fragment, "the polled part shows it without reload"


@pytest.mark.django_db
def test_the_warning_counts_from_the_last_move_of_any_counter_or_the_status(
    media, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.LIST_STORE_BATCH_ROWS = 300
    settings.EVALUATION_CHUNK_ROWS = 200
    isp_list = receive(EXAMPLES / "sample-2000.csv")
    moves = []
    real_store, real_chunk = services._store_rows, services.list_evaluate_chunk

    def note(step):
        before = IspList.objects.get(pk=isp_list.pk).progress_at
        result = step()
        moves.append(IspList.objects.get(pk=isp_list.pk).progress_at > before)
        return result

    monkeypatch.setattr(services, "_store_rows", lambda *args: note(lambda: real_store(*args)))
    monkeypatch.setattr(
        services, "list_evaluate_chunk", lambda **kw: note(lambda: real_chunk(**kw))
    )
    idle_for(isp_list, 60)
    with django_capture_on_commit_callbacks(execute=True):
        services.list_import(list_id=isp_list.pk)
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.READY
    assert len(moves) > 10 and all(moves), "every stored batch and evaluated chunk moves it"
    assert timezone.now() - isp_list.progress_at < timedelta(minutes=1)
    assert not isp_list.is_stalled


@pytest.mark.django_db
def test_a_ready_or_failed_list_never_shows_the_warning(client, supervisor, media, settings):
    settings.LIST_STALL_MINUTES = 1
    client.force_login(supervisor)
    isp_list = receive(EXAMPLES / "worked-examples.csv")
    for status in (IspList.Status.READY, IspList.Status.FAILED):
        IspList.objects.filter(pk=isp_list.pk).update(status=status)
        idle_for(isp_list, 60 * 24)
        page = client.get(f"/lists/{isp_list.pk}/").content.decode()
        assert WARNING not in page and "/resume/" not in page


@pytest.mark.django_db
def test_make_demo_imports_in_the_request_and_never_shows_the_warning(
    client, supervisor, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Eager tasks (no broker): the upload itself imports the list, which is ready at once."""
    settings.MEDIA_ROOT = tmp_path
    settings.LIST_STALL_MINUTES = 0
    client.force_login(supervisor)
    content = (EXAMPLES / "worked-examples.csv").read_bytes()
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/lists/upload/",
            {"file": SimpleUploadedFile("w.csv", content), "as_of": "2026-11-25"},
        )
    isp_list = IspList.objects.get()
    assert isp_list.status == IspList.Status.READY
    assert WARNING not in client.get(f"/lists/{isp_list.pk}/").content.decode()


@pytest.mark.django_db
def test_an_import_that_stopped_on_an_error_offers_the_restart_at_once(
    client, supervisor, media, sent
):
    client.force_login(supervisor)
    isp_list = receive(EXAMPLES / "worked-examples.csv")
    IspList.objects.filter(pk=isp_list.pk).update(
        status=IspList.Status.PARSING,
        message="The import stopped (OperationalError: gone). Restart it below.",
    )
    page = client.get(f"/lists/{isp_list.pk}/").content.decode()
    assert "The import stopped (OperationalError: gone)" in page
    assert WARNING not in page
    restart_form(page)


@pytest.mark.django_db
def test_restart_pressed_twice_or_from_two_tabs_sends_one_import(
    client, supervisor, media, settings, sent, committing
):
    settings.LIST_STALL_MINUTES = 10
    client.force_login(supervisor)
    isp_list = receive(EXAMPLES / "worked-examples.csv")
    idle_for(isp_list, 30)
    first_tab = restart_form(client.get(f"/lists/{isp_list.pk}/").content.decode())
    second_tab = restart_form(client.get(f"/lists/{isp_list.pk}/").content.decode())
    pressed = committing(lambda: client.post(*first_tab, follow=True)).content.decode()
    assert "The import was restarted" in pressed
    assert WARNING not in pressed, "the clock starts again with the restart"
    again = committing(lambda: client.post(*first_tab, follow=True)).content.decode()
    other = committing(lambda: client.post(*second_tab, follow=True)).content.decode()
    assert sent == [isp_list.pk]
    for page in (again, other):
        assert "already restarted" in page


@pytest.mark.django_db
def test_a_restart_without_what_the_page_showed_does_nothing(
    client, supervisor, media, sent, committing
):
    client.force_login(supervisor)
    isp_list = receive(EXAMPLES / "worked-examples.csv")
    idle_for(isp_list, 30)
    response = committing(lambda: client.post(f"/lists/{isp_list.pk}/resume/", {}))
    assert response.status_code == 302
    assert sent == []


@pytest.mark.django_db
def test_the_periodic_check_restarts_stalled_and_waiting_lists_once(
    media, settings, sent, committing
):
    settings.LIST_STALL_MINUTES = 10
    moving = receive(EXAMPLES / "worked-examples.csv")
    stalled = {
        status: receive(EXAMPLES / "worked-examples.csv")
        for status in (IspList.Status.RECEIVED, IspList.Status.PARSING, IspList.Status.EVALUATING)
    }
    for status, isp_list in stalled.items():
        IspList.objects.filter(pk=isp_list.pk).update(status=status)
        idle_for(isp_list, 11)
    waiting = receive(EXAMPLES / "worked-examples.csv")
    IspList.objects.filter(pk=waiting.pk).update(status=IspList.Status.WAITING)
    done = receive(EXAMPLES / "worked-examples.csv")
    IspList.objects.filter(pk=done.pk).update(status=IspList.Status.READY)
    idle_for(done, 60)

    committing(tasks.restart_stalled_lists)
    committing(tasks.restart_stalled_lists)  # at once again (or a second scheduler): nothing more
    assert sorted(sent) == sorted([waiting.pk, *(s.pk for s in stalled.values())])
    assert moving.pk not in sent and done.pk not in sent
    assert not IspList.objects.filter(pk__in=sent, status=IspList.Status.WAITING).exists()


def test_the_periodic_check_is_in_the_worker_schedule(settings):
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if "restart_stalled" in e["task"]]
    assert [e["task"] for e in entries] == ["eligibility.tasks.restart_stalled_lists"]
    assert entries[0]["schedule"] <= 60 * settings.LIST_STALL_MINUTES


@pytest.mark.worker
def test_restart_pressed_twice_and_from_a_second_tab_imports_the_list_once(
    celery_prefork_worker, client, supervisor, settings, tmp_path
):
    """Two worker processes: restarts that each sent an import would read the file twice at once."""
    settings.LIST_STALL_MINUTES = 0  # the page offers the restart at once
    path = write_csv(tmp_path / "generated.csv", 30_000, seed=5)
    with open_list(path) as listfile:
        numbers = [row.number for row in listfile]
    isp_list = receive(path)  # received, but its import never reached a worker
    client.force_login(supervisor)
    first_tab = restart_form(client.get(f"/lists/{isp_list.pk}/").content.decode())
    second_tab = restart_form(client.get(f"/lists/{isp_list.pk}/").content.decode())
    client.post(*first_tab)
    client.post(*first_tab)
    client.post(*second_tab)
    messages = wait_until_done(isp_list)
    assert messages == [], "the page said nothing of a second import"
    assert_every_row_once(isp_list, numbers)
    log = (tmp_path / "worker.log").read_text()
    assert "UniqueViolation" not in log and "IntegrityError" not in log
    assert len(re.findall(r"Task eligibility\.tasks\.import_list\[\S+\] received", log)) == 1


@pytest.mark.django_db
def test_a_restarted_list_finishes_with_the_expected_determinations(
    client, supervisor, media, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)
    isp_list = receive(EXAMPLES / "sample-2000.csv")
    idle_for(isp_list, 60)
    action, fields = restart_form(client.get(f"/lists/{isp_list.pk}/").content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action, fields)
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.READY
    assert stored(isp_list) == expected("sample-2000.expected.csv")
