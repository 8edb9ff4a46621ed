"""The checks every uploaded spreadsheet gets (core/uploads.py), and the two readers that use
them: an ISP list and Exhibit A sent back with the court's rulings refuse a bad file alike."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from core import uploads
from eligibility.listfiles import ListRefused, open_list
from filings.exhibit_outcomes import ExhibitLine, ExhibitRefused, read_rulings

EXPECTED = uploads.Expected(what="a thing", save_as="Save it right", too_large="Make it smaller")


def a_workbook() -> bytes:
    saved = io.BytesIO()
    openpyxl.Workbook().save(saved)
    return saved.getvalue()


def a_zip(parts: dict[str, str]) -> bytes:
    saved = io.BytesIO()
    with zipfile.ZipFile(saved, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return saved.getvalue()


def a_bomb() -> bytes:
    """A workbook with a part that expands to 64 MB."""
    saved = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(a_workbook())) as source,
        zipfile.ZipFile(saved, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("xl/media/padding.bin", b"\x00" * (64 * 1024 * 1024))
    return saved.getvalue()


def refusal(content: bytes) -> str:
    with pytest.raises(uploads.UploadRefused) as refused:
        kind, _head = uploads.sniff(io.BytesIO(content), EXPECTED)
        if kind == "xlsx":
            with uploads.archive_open(io.BytesIO(content), EXPECTED) as archive:
                uploads.archive_check(archive, EXPECTED, max_expanded_bytes=32 * 1024 * 1024)
        else:
            uploads.text_check(io.BytesIO(content), content[: uploads.SNIFF_BYTES], EXPECTED)
    return refused.value.message


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"LAST_NAME,FIRST_NAME\r\nDOE,JANE\r\n", "csv"),
        ("APELLIDO\r\nMUÑOZ\r\n".encode(), "csv"),
        (a_workbook(), "xlsx"),
    ],
)
def test_a_file_is_judged_by_its_content(content: bytes, kind: str) -> None:
    handle = io.BytesIO(content)
    assert uploads.sniff(handle, EXPECTED) == (kind, content)
    assert handle.tell() == 0


HOSTILE = {
    "empty": (b"", "The file is empty."),
    "an old .xls": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
        "The file is an old-style Excel workbook (.xls) or a password-protected workbook, which "
        "cannot be read. Save it right, without a password, and upload it again.",
    ),
    "a PDF": (b"%PDF-1.7\n", "The file is a PDF document, not a thing. Save it right."),
    "UTF-16": (
        "A,B\r\n".encode("utf-16"),
        "The file is saved as UTF-16 (“Unicode Text”), which is not accepted. Save it right.",
    ),
    "binary": (
        bytes(range(32)) * 100,
        "The file is neither a CSV text file nor an Excel workbook (.xlsx). Save it right.",
    ),
    "another encoding": (
        b"A,B\r\nMU\xd1OZ,1\r\n",
        "The file is not a CSV file in UTF-8: line 2 (byte 8) holds text in another encoding, "
        "or the file is not text. Save it right and upload it again.",
    ),
    "a damaged zip": (
        a_workbook()[:2000],
        "The file looks like an Excel workbook or a ZIP archive but is damaged. Save it right.",
    ),
    "a zip of something else": (
        a_zip({"hello.txt": "hi"}),
        "The file is a ZIP archive without an Excel workbook in it, which cannot be read. "
        "Save it right.",
    ),
    "an .xlsb": (
        a_zip({"xl/workbook.bin": "x"}),
        "The file is an Excel binary workbook (.xlsb), which cannot be read. Save it right.",
    ),
    "two parts of one name": (
        a_zip({"xl/workbook.xml": "<workbook/>", "XL/Workbook.xml": "<workbook/>"}),
        "The Excel workbook could not be read (two of its parts have the same name). "
        "Save it right.",
    ),
    "a zip bomb": (
        a_bomb(),
        "The workbook expands to 64 MB, more than the 32 MB allowed. Make it smaller.",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_file_is_refused_with_a_message_a_clerk_can_act_on(case: str) -> None:
    content, message = HOSTILE[case]
    assert refusal(content) == message


def test_a_file_over_the_limit_is_refused_before_it_is_read() -> None:
    assert uploads.size_problem(5_000_000, limit=5_000_000) is None
    assert uploads.size_problem(None, limit=5_000_000) is None
    assert uploads.size_problem(12_345_678, limit=5_000_000) == (
        "The file is 12.3 MB, over the upload limit of 5 MB."
    )
    assert uploads.size_problem(12_345_678, limit=5_000_000, advice="Split it") == (
        "The file is 12.3 MB, over the upload limit of 5 MB. Split it."
    )


def test_text_that_is_utf_8_is_read_once_and_its_nul_characters_reported() -> None:
    clean = "A,B\r\nMUÑOZ,1\r\n".encode()
    assert uploads.text_check(io.BytesIO(clean), clean, EXPECTED) is False
    with_nul = clean + b"x\x00y\r\n"
    assert uploads.text_check(io.BytesIO(with_nul), with_nul, EXPECTED) is True


SHARED = ("empty", "an old .xls", "UTF-16", "a damaged zip", "a zip of something else", "an .xlsb")


@pytest.mark.parametrize("case", SHARED)
def test_a_list_and_an_exhibit_are_refused_alike(tmp_path: Path, case: str) -> None:
    """One check for both uploads: the same problem, the same sentence (each with its own advice
    on how to save the file)."""
    content, message = HOSTILE[case]
    shared = message.replace(" Save it right, without a password, and upload it again.", "")
    shared = shared.replace(" Save it right.", "")
    path = tmp_path / "upload"
    path.write_bytes(content)
    with pytest.raises(ListRefused) as as_list:
        open_list(path)
    with pytest.raises(ExhibitRefused) as as_exhibit:
        read_rulings(
            io.BytesIO(content),
            lines=[ExhibitLine(1, 1, "10-CR-1")],
            order_date=None,
            filed_on=None,
            today=date(2026, 11, 25),
        )
    assert as_list.value.message.startswith(shared)
    (problem,) = as_exhibit.value.problems
    assert problem.startswith(shared)
