"""Hostile lists uploaded to a server in its own process: each one gets a page with a message (no
dropped connection), and the process survives to serve the next request.

The server here is a Python process of its own running the app's upload page (Django's test
client over the test database, tasks run in that process as in `make demo`), so that a reader
that aborts the process (SIGABRT, which no ``except`` catches) fails the test instead of killing
the test run.
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from eligibility.models import Conviction, IspList
from tests.conftest import other_process_database_env

ROOT = Path(__file__).resolve().parent.parent.parent
HEADER = (
    "SID,LAST_NAME,FIRST_NAME,DATE_OF_BIRTH,COUNTY,COURT_CASE_NUMBER,OFFENSE_DATE,STATUTE,"
    "OFFENSE_CLASS,DISPOSITION,DISPOSITION_DATE,SENTENCE"
)
ROW = "1,DOE,JANE,1970-01-01,COOK,12C2,2012-01-01,720 ILCS 550/4(b),B,GUILTY,2012-05-10,FINE $100"

# The server: uploads each file named on stdin, then serves the list page; one JSON line each.
SERVER = """
import json, sys
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
from django.contrib.auth import get_user_model
spec = json.load(sys.stdin)
client = Client()
client.force_login(get_user_model().objects.get(pk=spec["user"]))
for name, path in spec["uploads"]:
    with open(path, "rb") as handle:
        response = client.post("/lists/upload/", {"file": handle, "as_of": "2026-11-25"})
    shown = response
    if response.status_code == 302:
        shown = client.get(response["Location"])
    answer = {"name": name, "status": response.status_code, "page": shown.content.decode()}
    print("ANSWER " + json.dumps(answer), flush=True)
answer = {"name": "lists", "status": client.get("/lists/").status_code, "page": ""}
print("ANSWER " + json.dumps(answer), flush=True)
"""


@pytest.fixture
def server(transactional_db, settings, tmp_path, supervisor):
    """Run the server process on uploads ``[(name, content)]``: (its exit code, its answers by
    name, what it wrote to stderr)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CELERY_BROKER_URL", "DATABASE_URL"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    env.update(other_process_database_env(settings))
    settings.MEDIA_ROOT = tmp_path / "media"
    env["MEDIA_ROOT"] = str(settings.MEDIA_ROOT)

    def run(uploads: list[tuple[str, bytes]], **environ: str):
        spec = {"user": supervisor.pk, "uploads": []}
        for number, (name, content) in enumerate(uploads):
            path = tmp_path / f"upload-{number}"
            path.write_bytes(content)
            spec["uploads"].append((name, str(path)))
        process = subprocess.run(
            [sys.executable, "-c", SERVER],
            input=json.dumps(spec),
            env={**env, **environ},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        answers = {
            answer["name"]: answer
            for line in process.stdout.splitlines()
            if line.startswith("ANSWER ")
            for answer in [json.loads(line.removeprefix("ANSWER "))]
        }
        return process.returncode, answers, process.stderr[-3000:]

    return run


def sheet_xml(rows: list[list[str]], *, dimension: str | None = None, far: str | None = None):
    """A worksheet's XML, inline strings with their references; ``far``: one more cell there."""
    parts = ['<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">']
    if dimension:
        parts.append(f'<dimension ref="{dimension}"/>')
    parts.append("<sheetData>")
    for number, cells in enumerate(rows, start=1):
        parts.append(f'<row r="{number}">')
        for column, value in enumerate(cells):
            ref = f"{openpyxl.utils.get_column_letter(column + 1)}{number}"
            parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
        parts.append("</row>")
    if far:
        number = "".join(char for char in far if char.isdigit())
        parts.append(f'<row r="{number}"><c r="{far}" t="inlineStr"><is><t>x</t></is></c></row>')
    parts.append("</sheetData></worksheet>")
    return "".join(parts).encode()


def workbook_with_sheet(sheet: bytes) -> bytes:
    base = io.BytesIO()
    openpyxl.Workbook().save(base)
    out = io.BytesIO()
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info.filename, source.read(info.filename))
        dst.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def test_a_workbook_declaring_a_whole_sheet_gets_a_page_and_the_server_survives(server):
    """8.5 KB that made calamine ask for 550 GB: a cell at XFD1048576 under a dimension that
    claims the whole sheet. The upload is refused in the page, naming the size claimed."""
    rows = [HEADER.split(","), ROW.split(",")]
    content = workbook_with_sheet(sheet_xml(rows, dimension="A1:XFD1048576", far="XFD1048576"))
    assert len(content) < 10_000
    returncode, answers, stderr = server([("whole-sheet.xlsx", content)])
    assert returncode == 0, f"the server process died ({returncode}): {stderr}"
    answer = answers["whole-sheet.xlsx"]
    assert answer["status"] == 200, "the form is shown again, with the message"
    assert "A1:XFD1048576" in answer["page"]
    assert "17,179,869,184 cells" in answer["page"]
    assert answers["lists"]["status"] == 200, "and it serves the next request"
    assert IspList.objects.count() == 0


def test_a_cell_far_beyond_a_modest_declared_size_is_refused_by_the_worker_unread(server):
    """The upload reads only the beginning of a sheet: a sane dimension passes it, and the worker
    measures the cells before reading them, refusing the list with the far cell named."""
    rows = [HEADER.split(","), ROW.split(",")]
    content = workbook_with_sheet(sheet_xml(rows, dimension="A1:L2", far="XFD1048576"))
    returncode, answers, stderr = server([("far-cell.xlsx", content)])
    assert returncode == 0, f"the server process died ({returncode}): {stderr}"
    assert answers["far-cell.xlsx"]["status"] == 302
    isp_list = IspList.objects.get()
    assert isp_list.status == IspList.Status.FAILED
    assert "A1 and XFD1048576" in isp_list.message
    assert "A1 and XFD1048576" in answers["far-cell.xlsx"]["page"], "the list page says why"
    assert Conviction.objects.count() == 0
    assert not isp_list.file, "the file is not kept"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def forged_sizes(content: bytes, part: str, size: int) -> bytes:
    """The workbook with another expanded size for ``part`` written into its archive headers."""
    data = bytearray(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        local = archive.getinfo(part).header_offset
    struct.pack_into("<I", data, local + 22, size)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + length] == part.encode():
            struct.pack_into("<I", data, central + 24, size)
        central = data.find(b"PK\x01\x02", central + 46)
    return bytes(data)


def hostile_lists() -> dict[str, tuple[bytes, str]]:
    """Each bad input of isp-list-format.md and of test_input_hardening.py: the file, and a
    text its page must show."""
    rows = [HEADER.split(","), ROW.split(",")]
    bomb_sheet = sheet_xml([*rows, ["A" * (64 * 1024 * 1024)]])
    return {
        "empty.csv": (b"", "empty"),
        "old.xlsx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "(.xls)"),
        "list.pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
        "utf16.csv": (csv_bytes(ROW).decode().encode("utf-16"), "UTF-16"),
        "notes.zip": (zip_of({"notes.txt": b"hello"}), "ZIP archive"),
        "sheet.ods": (zip_of({"mimetype": b"x", "content.xml": b"<x/>"}), ".ods"),
        "cut.xlsx": (workbook_with_sheet(sheet_xml(rows))[:2000], "damaged"),
        "bomb.xlsx": (workbook_with_sheet(bomb_sheet), "expands to"),
        "liar.xlsx": (
            forged_sizes(workbook_with_sheet(bomb_sheet), "xl/worksheets/sheet1.xml", 4096),
            "could not be read",
        ),
        "whole-sheet.xlsx": (
            workbook_with_sheet(sheet_xml(rows, dimension="A1:XFD1048576")),
            "A1:XFD1048576",
        ),
        "far-cell.xlsx": (workbook_with_sheet(sheet_xml(rows, far="XFD1048576")), "XFD1048576"),
        "huge-row.xlsx": (
            workbook_with_sheet(sheet_xml(rows).replace(b'r="B2"', b'r="B99999999999"')),
            "could not be read",
        ),
        "binary.csv": (b"\x00" * 5000, "neither a CSV text file"),
        "cp1252.csv": (csv_bytes(ROW).replace(b"DOE", b"MU\xd1OZ"), "not a CSV file in UTF-8"),
        "no-statute.csv": (csv_bytes(header=HEADER.replace(",STATUTE", "")), "STATUTE"),
        "wide-header.csv": (
            csv_bytes("1,2,3", header=",".join(f"C{n}" for n in range(10_000))),
            "and 9960 more",
        ),
        "quote.csv": (csv_bytes('1,"DOE,JANE', *[ROW] * 20_000), "quote mark"),
        "big-cell.csv": (csv_bytes(ROW, ROW.replace("FINE $100", "X" * 10_485_760)), "near line 3"),
        "header-only.csv": (csv_bytes(), "no rows of data"),
        "blank-rows.csv": (csv_bytes(",,,", "", ",,"), "no rows of data"),
        "html.csv": (csv_bytes(ROW, header="<script>alert(1)</script>,DOB"), "&lt;script&gt;"),
    }


def test_every_hostile_list_gets_a_page_with_a_message_and_the_server_keeps_serving(server):
    hostile = hostile_lists()
    returncode, answers, stderr = server(
        [(name, content) for name, (content, _text) in hostile.items()],
        LIST_MAX_EXPANDED_BYTES=str(32 * 1024 * 1024),
    )
    assert returncode == 0, f"the server process died ({returncode}): {stderr}"
    for name, (_content, text) in hostile.items():
        answer = answers.get(name)
        assert answer is not None, f"no page for {name}: {stderr}"
        assert answer["status"] in (200, 302), name
        assert text in answer["page"], f"{name}: the page says {text!r}"
    assert answers["lists"]["status"] == 200
    assert not IspList.objects.filter(status=IspList.Status.READY).exists()
