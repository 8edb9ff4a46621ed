"""The checks every uploaded spreadsheet gets before a reader opens it: an ISP list
(``eligibility.listfiles``) and Exhibit A sent back with the court's rulings
(``filings.exhibit_outcomes``). Its size; what its content is (never its name): an Excel workbook,
CSV text in UTF-8, or something to refuse; and for a workbook, the structure of its ZIP archive,
read from the archive's directory alone before any part is inflated, so that a zip bomb is
refused unopened.

A refusal is ``UploadRefused``, whose message says why in words a clerk understands and what to
do instead (``Expected``: each reader says what it expects). Each reader refuses with its own
subclass of it, so that its callers see one kind of refusal.
"""

from __future__ import annotations

import codecs
import contextlib
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from core import xlsxparts
from core.refusals import Refused

Kind = Literal["csv", "xlsx"]

# The beginning of a file that says what it is (and whether text is text).
SNIFF_BYTES = 64 * 1024
_CHUNK = 1024 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# What inflating a damaged part raises (a checksum, a size, deflate data that is not).
READING_FAILED = (zipfile.BadZipFile, zlib.error, EOFError, OSError)

NO_WORKSHEET = "The workbook has no worksheet."


class UploadRefused(Refused):
    """The whole file is refused; ``message`` says why, in words a clerk understands."""


@dataclass(frozen=True)
class Expected:
    """What an upload should be, in the words of the messages that refuse it."""

    # what the file is not, when it is a PDF: "The file is a PDF document, not a list."
    what: str
    # how to save the file so that it is read: a sentence without its full stop
    save_as: str
    # what to do with a workbook that expands too far: a sentence without its full stop
    too_large: str

    def unreadable(self, why: str) -> str:
        """A workbook a reader could not read, and why (a damaged part, a parser's error)."""
        return f"The Excel workbook could not be read ({why}). {self.save_as}."


def size_problem(size: int | None, *, limit: int, advice: str = "") -> str | None:
    """Why a file of ``size`` bytes is refused before it is read, if it is over ``limit``;
    ``advice`` (a sentence without its full stop) says what to do then."""
    if size is None or size <= limit:
        return None
    message = (
        f"The file is {size / 1_000_000:,.1f} MB, over the upload limit of "
        f"{limit / 1_000_000:,.0f} MB."
    )
    return f"{message} {advice}." if advice else message


def sniff(handle: IO[bytes], expected: Expected) -> tuple[Kind, bytes]:
    """The kind of file the content is, with its first ``SNIFF_BYTES``; refuses what is neither a
    workbook nor text that may be CSV. Reads ``handle`` from its start and leaves it there."""
    handle.seek(0)
    head = handle.read(SNIFF_BYTES)
    handle.seek(0)
    if not head:
        raise UploadRefused("The file is empty.")
    if head.startswith(_OLE2):
        raise UploadRefused(
            "The file is an old-style Excel workbook (.xls) or a password-protected workbook, "
            f"which cannot be read. {expected.save_as}, without a password, and upload it again."
        )
    if head.startswith(b"%PDF"):
        raise UploadRefused(f"The file is a PDF document, not {expected.what}. {expected.save_as}.")
    if head[:4] in _ZIP:
        return "xlsx", head
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadRefused(
            "The file is saved as UTF-16 (“Unicode Text”), which is not accepted. "
            f"{expected.save_as}."
        )
    return "csv", head


def text_check(handle: IO[bytes], head: bytes, expected: Expected) -> bool:
    """Refuse binary content and text that is not UTF-8, reading the whole file once from its
    start (``head``: its beginning, from ``sniff``). Returns whether the file holds a NUL
    character anywhere."""
    sample = head.decode("utf-8", errors="replace")
    controls = sum(1 for char in sample if char < " " and char not in "\t\n\r\f\v")
    if controls * 10 > len(sample):
        raise UploadRefused(
            "The file is neither a CSV text file nor an Excel workbook (.xlsx). "
            f"{expected.save_as}."
        )
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    has_nul = False
    handle.seek(0)
    while True:
        chunk = handle.read(_CHUNK)
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            position = offset - pending + error.start
            line = _line_of(handle, position)
            raise UploadRefused(
                f"The file is not a CSV file in UTF-8: line {line:,} (byte {position + 1:,}) "
                f"holds text in another encoding, or the file is not text. {expected.save_as} "
                "and upload it again."
            ) from None
        if not chunk:
            handle.seek(0)
            return has_nul
        has_nul = has_nul or b"\x00" in chunk
        offset += len(chunk)


def _line_of(handle: IO[bytes], end: int) -> int:
    """The line number of byte ``end`` of a file."""
    lines = 1
    handle.seek(0)
    while end > 0:
        chunk = handle.read(min(_CHUNK, end))
        if not chunk:
            break
        lines += chunk.count(b"\n")
        end -= len(chunk)
    return lines


@contextlib.contextmanager
def archive_open(file: Path | str | IO[bytes], expected: Expected) -> Iterator[zipfile.ZipFile]:
    """The file's ZIP archive, open; refuses a damaged one, and a part that cannot be inflated
    while the archive is open."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UploadRefused(
            "The file looks like an Excel workbook or a ZIP archive but is damaged. "
            f"{expected.save_as}."
        ) from None
    with archive:
        try:
            yield archive
        except READING_FAILED:
            raise UploadRefused(
                "The Excel workbook could not be read: a part of it is damaged. "
                f"{expected.save_as}."
            ) from None


def archive_check(
    archive: zipfile.ZipFile, expected: Expected, *, max_expanded_bytes: int | None
) -> None:
    """The archive's structure, from its directory alone: a workbook in it, no part twice, every
    part stored as Excel stores them, expanding to the sizes it declares and to no more than
    ``max_expanded_bytes`` in all (a zip bomb)."""
    infos = archive.infolist()
    names = {xlsxparts.part_key(info.filename) for info in infos}
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names:
            kind = "an Excel binary workbook (.xlsb)"
        elif "mimetype" in names or "content.xml" in names:
            kind = "an OpenDocument file (.ods)"
        else:
            kind = "a ZIP archive without an Excel workbook in it"
        raise UploadRefused(f"The file is {kind}, which cannot be read. {expected.save_as}.")
    expanded = sum(info.file_size for info in infos)
    if max_expanded_bytes is not None and expanded > max_expanded_bytes:
        raise UploadRefused(
            f"The workbook expands to {expanded / 1024**2:,.0f} MB, more than the "
            f"{max_expanded_bytes / 1024**2:,.0f} MB allowed. {expected.too_large}."
        )
    # Readers find a part by its name in any letter case: two such names would let one reader
    # check a part and another read its twin.
    if len(names) != len(infos):
        raise UploadRefused(expected.unreadable("two of its parts have the same name"))
    for info in infos:
        if info.flag_bits & 0x1:
            raise UploadRefused(expected.unreadable("a part of it is encrypted"))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UploadRefused(
                expected.unreadable("a part of it is compressed in a way Excel never uses")
            )
        # Deflate adds at most a few bytes a block to data it cannot shrink: a part whose
        # compressed data is larger than that hides how far it really expands.
        stored = info.compress_type == zipfile.ZIP_STORED
        most = info.file_size if stored else info.file_size + info.file_size // 100 + 1024
        if info.compress_size > most:
            raise UploadRefused(
                expected.unreadable("its parts do not expand to the sizes it declares")
            )
