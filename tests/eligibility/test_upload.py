"""Uploading an ISP list: refusals store nothing; an accepted list is read and evaluated."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEvent
from eligibility import listfiles, services
from eligibility.models import Conviction, IspList

from .conftest import EXAMPLES, expected, stored

pytestmark = pytest.mark.django_db

HEADER = (
    "SID,LAST_NAME,FIRST_NAME,DATE_OF_BIRTH,COUNTY,COURT_CASE_NUMBER,OFFENSE_DATE,STATUTE,"
    "OFFENSE_CLASS,DISPOSITION,DISPOSITION_DATE,SENTENCE"
)
ROW = "1,DOE,JANE,1970-01-01,COOK,12C2,2012-01-01,720 ILCS 550/4(b),B,GUILTY,2012-05-10,FINE $100"


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Post a file to the upload page and run what it starts on commit (the pipeline)."""

    def post(client, name: str, content: bytes, **extra):
        data = {"file": SimpleUploadedFile(name, content), "as_of": "2026-11-25", **extra}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/lists/upload/", data)

    return post


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    def post(client, url: str, data: dict):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return post


def refused_with(response, text: str) -> None:
    assert response.status_code == 200, "the form is shown again"
    assert text in response.content.decode()
    assert IspList.objects.count() == 0
    assert Conviction.objects.count() == 0


def test_a_supervisor_uploads_the_alias_workbook_and_gets_every_expected_determination(
    client, supervisor, media, upload
):
    client.force_login(supervisor)
    content = (EXAMPLES / "sample-alias-500.xlsx").read_bytes()
    response = upload(client, "sample-alias-500.xlsx", content)
    isp_list = IspList.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/lists/{isp_list.pk}/"
    assert isp_list.status == IspList.Status.READY
    assert isp_list.kind == "xlsx"
    assert isp_list.uploaded_by == supervisor
    assert isp_list.policy.version == 1
    assert stored(isp_list) == expected("sample-alias-500.expected.csv")
    assert isp_list.rows_total == isp_list.rows_evaluated == 500
    assert isp_list.blank_rows > 0
    conviction = isp_list.convictions.first()
    assert conviction.as_of == date(2026, 11, 25)
    assert conviction.policy_version == 1
    assert conviction.ruleset_version == isp_list.ruleset_version != ""
    assert conviction.cells, "the cells as received are kept"


def test_each_cell_is_stored_once_and_the_row_is_shown_as_read(client, supervisor, media, upload):
    client.force_login(supervisor)
    header = f"{HEADER},NOTE"
    clean = f"{ROW},call"
    odd = ROW.replace("1,DOE", "1.0,  DOE ").replace("12C2", "12C3") + ",   ,past the header"
    response = upload(client, "odd.csv", f"{header}\n{clean}\n{odd}\n".encode())
    assert response.status_code == 302
    isp_list = IspList.objects.get()
    assert isp_list.status == IspList.Status.READY, isp_list.message
    first, second = isp_list.convictions.order_by("row_number")
    headers = header.split(",")

    # Stored: the cells the fields and the other data do not hold as read, and nothing else.
    assert first.raw == {}
    assert second.raw == {
        "SID": "1.0",
        "LAST_NAME": "  DOE ",
        "NOTE": "   ",
        "Column 14": "past the header",
    }
    # Read back: every cell as received, in the file's order.
    assert list(first.cells.items()) == list(zip(headers, clean.split(","), strict=True))
    assert list(second.cells.items()) == [
        *zip(headers, odd.split(",")[:13], strict=True),
        ("Column 14", "past the header"),
    ]
    page = client.get(f"/review/{second.pk}/").content.decode()
    shown = page[page.index('id="raw-row"') :]
    assert shown.index(">SID<") < shown.index(">LAST_NAME<") < shown.index(">Column 14<")
    assert "  DOE " in shown and "past the header" in shown


def test_the_report_shows_counts_per_determination_and_reason_and_the_blank_rows(
    client, supervisor, media, upload
):
    client.force_login(supervisor)
    upload(client, "sample-2000.csv", (EXAMPLES / "sample-2000.csv").read_bytes())
    isp_list = IspList.objects.get()
    page = client.get(f"/lists/{isp_list.pk}/").content.decode()
    want = expected("sample-2000.expected.csv")
    eligible = sum(1 for d, _ in want.values() if d == "ELIGIBLE")
    assert f"{eligible:,}" in page
    assert "OVER_PROGRAM_AMOUNT" in page and "Download the results" in page
    duplicates = sum(1 for _, r in want.values() if "DUPLICATE_ROW" in r.split(";"))
    queue = f"/review/?isp_list={isp_list.pk}&amp;reason=DUPLICATE_ROW&amp;state="
    assert f'<a href="{queue}"><code>DUPLICATE_ROW</code></a></td><td>{duplicates:,}</td>' in page


def test_unreadable_dates_are_listed_by_column_with_links_to_their_rows(
    client, supervisor, media, upload
):
    client.force_login(supervisor)
    content = f"{HEADER}\n{ROW}\n{ROW.replace('2012-05-10', '31/31/2012').replace('1,', '2,', 1)}\n"
    upload(client, "list.csv", content.encode())
    isp_list = IspList.objects.get()
    bad = isp_list.convictions.get(row_number=2)
    assert bad.unreadable == ["disposition_date"]
    assert bad.determination == "NEEDS_REVIEW" and "INSUFFICIENT_DATA" in bad.reasons
    page = client.get(f"/lists/{isp_list.pk}/").content.decode()
    assert "<code>disposition_date</code>: 1 row" in page
    assert f'href="/review/{bad.pk}/"' in page and "31/31/2012" in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "empty"),
        ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "(.xls)"),
        ("list.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
        ("missing.csv", HEADER.replace(",STATUTE", "").encode() + b"\n", "STATUTE"),
        ("doubled.csv", (HEADER + ",CASE_NO\n").encode(), "CASE_NO"),
    ],
)
def test_each_bad_file_is_refused_with_a_message_and_nothing_is_stored(
    client, supervisor, media, name, content, message, upload
):
    client.force_login(supervisor)
    refused_with(upload(client, name, content), message)


def test_a_zip_that_is_not_a_workbook_is_refused(client, supervisor, media, upload):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    client.force_login(supervisor)
    response = upload(client, "list.xlsx", buffer.getvalue())
    assert response.status_code == 200
    assert "workbook" in response.content.decode().lower() or "zip" in response.content.decode()
    assert IspList.objects.count() == 0


def workbook_bytes(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_workbook_that_expands_past_the_limit_is_refused_as_a_zip_bomb(
    client, supervisor, media, settings, upload
):
    settings.LIST_MAX_EXPANDED_BYTES = 200_000
    padding = "A" * 30_000  # compresses to almost nothing: 20 rows expand past the limit
    content = workbook_bytes([HEADER.split(",")] + [[*ROW.split(",")[:-1], padding]] * 20)
    assert len(content) < 50_000
    client.force_login(supervisor)
    refused_with(upload(client, "bomb.xlsx", content), "expand")


def test_a_file_over_the_size_limit_is_refused(client, supervisor, media, settings, upload):
    settings.LIST_UPLOAD_MAX_BYTES = 1000
    client.force_login(supervisor)
    content = (HEADER + "\n" + (ROW + "\n") * 20).encode()
    refused_with(upload(client, "big.csv", content), "over the upload limit")


def test_a_repeated_file_is_refused_until_the_user_confirms_a_reimport(
    client, supervisor, media, upload
):
    client.force_login(supervisor)
    content = f"{HEADER}\n{ROW}\n".encode()
    upload(client, "first.csv", content)
    response = upload(client, "again.csv", content)
    assert "identical to “first.csv”" in response.content.decode()
    assert 'name="confirm_reimport"' in response.content.decode()
    assert IspList.objects.count() == 1 and Conviction.objects.count() == 1
    response = upload(client, "again.csv", content, confirm_reimport="on")
    assert response.status_code == 302
    assert IspList.objects.count() == 2 and Conviction.objects.count() == 2


def test_the_progress_fragment_polls_while_working_and_reloads_when_done(
    client, supervisor, media, upload
):
    client.force_login(supervisor)
    upload(client, "list.csv", f"{HEADER}\n{ROW}\n".encode())
    isp_list = IspList.objects.get()
    IspList.objects.filter(pk=isp_list.pk).update(
        status=IspList.Status.EVALUATING, rows_total=10, rows_evaluated=5
    )
    working = client.get(f"/lists/{isp_list.pk}/progress/")
    assert 'hx-trigger="every 1s"' in working.content.decode()
    assert 'value="75"' in working.content.decode()
    assert "HX-Refresh" not in working
    IspList.objects.filter(pk=isp_list.pk).update(status=IspList.Status.READY)
    done = client.get(f"/lists/{isp_list.pk}/progress/")
    assert done["HX-Refresh"] == "true"
    assert "hx-trigger" not in done.content.decode()


def test_the_results_download_is_a_workbook_with_formulas_neutralised(
    client, supervisor, media, upload
):
    client.force_login(supervisor)
    evil = ROW.replace("DOE", '=HYPERLINK("http://x.invalid")').replace("JANE", "@SUM(A1)")
    upload(client, "list.csv", f"{HEADER}\n{evil}\n".encode())
    isp_list = IspList.objects.get()
    response = client.get(f"/lists/{isp_list.pk}/results.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("row", "determination", "reasons")
    assert rows[1][0] == 1 and rows[1][1] == "ELIGIBLE"
    assert rows[1][3] == '\'=HYPERLINK("http://x.invalid")'
    assert rows[1][4] == "'@SUM(A1)"


def test_re_evaluating_under_another_as_of_date_changes_the_determinations(
    client, supervisor, media, upload, committing
):
    client.force_login(supervisor)
    name = "sample-1000-asof-2019-12-01"
    response = upload(client, f"{name}.csv", (EXAMPLES / f"{name}.csv").read_bytes())
    isp_list = IspList.objects.get()
    assert response.status_code == 302
    assert stored(isp_list) != expected(f"{name}.expected.csv")
    response = committing(
        client,
        f"/lists/{isp_list.pk}/reevaluate/",
        {"as_of": "2019-12-01", "policy": isp_list.policy_id},
    )
    assert response.status_code == 302
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.READY and isp_list.evaluation_run == 2
    assert stored(isp_list) == expected(f"{name}.expected.csv")
    assert set(isp_list.convictions.values_list("as_of", flat=True)) == {date(2019, 12, 1)}


@pytest.mark.parametrize("role", ["asa", "clerk"])
def test_only_supervisors_and_admins_may_upload(client, request, role, media, upload):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/lists/upload/").status_code == 403
    response = upload(client, "list.csv", f"{HEADER}\n{ROW}\n".encode())
    assert response.status_code == 403
    assert IspList.objects.count() == 0


def test_the_list_page_lists_the_uploads(client, admin, media, upload):
    client.force_login(admin)
    upload(client, "mine.csv", f"{HEADER}\n{ROW}\n".encode())
    page = client.get("/lists/").content.decode()
    assert "mine.csv" in page and "Ready" in page
    assert Path(IspList.objects.get().file.path).exists()


# What the upload reads, and what a refusal leaves -------------------------------------------------


class NoSpreadsheetLibrary:
    @classmethod
    def from_path(cls, *args, **kwargs):
        raise AssertionError("a spreadsheet library opened the upload")


def test_the_upload_checks_a_workbook_without_opening_it_in_a_spreadsheet_library(
    client, supervisor, media, monkeypatch, django_capture_on_commit_callbacks
):
    """A library holds the whole sheet in memory (and one cell at XFD1048576 aborts it): the
    request checks a workbook from the beginning of its parts; the worker reads the rows."""
    monkeypatch.setattr(listfiles, "CalamineWorkbook", NoSpreadsheetLibrary)
    client.force_login(supervisor)
    content = (EXAMPLES / "sample-alias-500.xlsx").read_bytes()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            "/lists/upload/",
            {"file": SimpleUploadedFile("list.xlsx", content), "as_of": "2026-11-25"},
        )
    assert response.status_code == 302
    isp_list = IspList.objects.get()
    assert (isp_list.status, isp_list.kind) == (IspList.Status.RECEIVED, "xlsx")


def test_a_workbook_without_a_statute_column_is_refused_in_the_page(
    client, supervisor, media, upload
):
    client.force_login(supervisor)
    header = [cell for cell in HEADER.split(",") if cell != "STATUTE"]
    refused_with(upload(client, "list.xlsx", workbook_bytes([header, ROW.split(",")])), "STATUTE")


BIG_CELL_LIST = f"{HEADER}\n{ROW}\n{ROW.replace('FINE $100', 'X' * 10_485_760)}\n".encode()


def test_a_list_refused_while_its_rows_are_read_keeps_its_reason_but_not_its_file(
    client, supervisor, media, upload
):
    client.force_login(supervisor)
    response = upload(client, "big-cell.csv", BIG_CELL_LIST)
    assert response.status_code == 302, "found only when the worker reads the rows"
    isp_list = IspList.objects.get()
    assert isp_list.status == IspList.Status.FAILED
    assert "near line 3" in isp_list.message and "The file was not kept" in isp_list.message
    assert not isp_list.file and isp_list.file_purged_at is not None
    assert not any(path.is_file() for path in Path(media).rglob("*")), "no 10 MB file left"
    assert Conviction.objects.count() == 0
    assert AuditEvent.objects.filter(action="list.refuse", object_id=str(isp_list.pk)).exists()
    page = client.get(f"/lists/{isp_list.pk}/").content.decode()
    assert "near line 3" in page and "The file was not kept" in page


def test_the_same_file_after_a_refusal_is_not_taken_for_a_repeat(client, supervisor, media, upload):
    client.force_login(supervisor)
    upload(client, "big-cell.csv", BIG_CELL_LIST)
    response = upload(client, "big-cell.csv", BIG_CELL_LIST)
    assert response.status_code == 302, "not “identical to” a list that kept nothing"
    assert "identical" not in response.content.decode()
    assert IspList.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("header.csv", f"{HEADER}\n".encode()),
        ("blank.csv", f"{HEADER}\n,,,\n\n , ,\n".encode()),
        ("header.xlsx", workbook_bytes([HEADER.split(",")])),
        ("blank.xlsx", workbook_bytes([HEADER.split(","), ["", "  "], [], [" "]])),
    ],
)
def test_a_header_without_rows_is_refused_in_the_page(
    client, supervisor, media, upload, name, content
):
    client.force_login(supervisor)
    refused_with(upload(client, name, content), "no rows of data")


def test_a_list_the_worker_finds_without_rows_is_refused_and_not_kept(
    client, supervisor, media, upload, monkeypatch
):
    """The upload looks at the first rows under the header only; the worker reads them all."""
    monkeypatch.setattr(listfiles, "_PEEK_ROWS", 2)
    client.force_login(supervisor)
    response = upload(client, "blank.csv", f"{HEADER}\n,,,\n,,\n,\n\n,,,,\n".encode())
    assert response.status_code == 302
    isp_list = IspList.objects.get()
    assert isp_list.status == IspList.Status.FAILED
    assert "no rows of data under it (5 blank rows)" in isp_list.message
    assert not isp_list.file and isp_list.rows_total == 0


def test_a_large_list_is_streamed_to_disk_on_upload_never_held_in_memory(
    client, supervisor, media, settings, monkeypatch, tmp_path
):
    from django.core.files.uploadedfile import TemporaryUploadedFile

    from demo.synthetic import write_csv
    from eligibility import services, tasks

    path = write_csv(tmp_path / "large.csv", 25_000, seed=5)
    assert path.stat().st_size > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    received = []
    real_receive = services.list_receive

    def spy(*, upload, **kwargs):
        received.append(type(upload))
        return real_receive(upload=upload, **kwargs)

    monkeypatch.setattr(services, "list_receive", spy)
    monkeypatch.setattr(tasks.import_list, "delay", lambda list_id: None)  # not read here
    client.force_login(supervisor)
    with open(path, "rb") as handle:
        client.post("/lists/upload/", {"file": handle, "as_of": "2026-11-25"})
    assert received == [TemporaryUploadedFile]
    isp_list = IspList.objects.get()
    assert isp_list.size_bytes == path.stat().st_size


@pytest.mark.django_db(transaction=True)
def test_in_the_demo_an_upload_answers_at_once_and_imports_beside_it(
    client, supervisor, media, settings, monkeypatch
):
    """Issue 20: with no workers (``make demo``) the upload ran the whole import in the
    request, so the progress bar was never seen. It runs in a thread of the web process now."""
    settings.DEMO_MODE = True
    started = []
    real = services._import_in_a_thread

    def watched(list_id):
        thread = real(list_id)
        started.append(thread)
        return thread

    monkeypatch.setattr(services, "_import_in_a_thread", watched)
    client.force_login(supervisor)
    data = {
        "file": SimpleUploadedFile("sample-2000.csv", (EXAMPLES / "sample-2000.csv").read_bytes()),
        "as_of": "2026-11-25",
    }
    response = client.post("/lists/upload/", data)
    isp_list = IspList.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/lists/{isp_list.pk}/"
    assert [thread.name for thread in started] == [f"import-list-{isp_list.pk}"]
    started[0].join(timeout=120)
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.READY, isp_list.message
    assert stored(isp_list) == expected("sample-2000.expected.csv")
