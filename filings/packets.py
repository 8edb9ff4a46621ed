"""A batch's court packet as one zip: the documents of ``filings.documents`` and a manifest of
their SHA-256 hashes (issue 7).

``build_packet(request, destination)`` is what the packet task calls. The PDFs are rendered in
parts (the motion; the orders, some tens of cases to a part, or the one order of an omnibus
packet, ``order.pdf``; the letters, a hundred to a part),
in a pool of processes when there is more than one CPU, because a batch of a thousand
convictions makes some two thousand pages at ten to a hundred milliseconds each. Each
part is written to a scratch folder beside the zip; the zip takes the files in a fixed order as
they come and deletes them, so memory holds one part's pages per process and one file in the
parent. The zip is written under a temporary name and renamed into place when complete: a
reader never sees half a packet.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import billiard
from django.conf import settings
from pypdf import PdfWriter

from filings.documents.data import Notice, PacketRequest
from filings.documents.exhibit import exhibit_xlsx, mailing_list_csv
from filings.documents.pdfs import (
    Press,
    motion_pdf,
    notices_pdf,
    omnibus_order_pdf,
    order_pdfs,
)
from filings.zipdates import ZipDateTime, zip_date_time

MOTION = "motion.pdf"
OMNIBUS_ORDER = "order.pdf"
EXHIBIT = "exhibit-a.xlsx"
NOTICES = "notices.pdf"
MAILING_LIST = "mailing-list.csv"
MANIFEST = "manifest.csv"
MANIFEST_HEADER = ("file", "bytes", "sha256")

# Parts small enough to spread over the processes and to bound each one's memory, large enough
# that a part's fixed costs (its share of the request, a font set-up) are shared by many pages.
ORDERS_PER_PART = 40
LETTERS_PER_PART = 100


@dataclass(frozen=True)
class PacketFile:
    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class PacketCounts:
    convictions: int
    cases: int
    # proposed orders: one per case, or one for an omnibus packet
    orders: int
    people: int
    # people with a last known address get a letter; the others are counted, not written to
    notices: int
    people_without_address: int


@dataclass(frozen=True)
class PacketResult:
    zip_path: Path
    sha256: str
    size: int
    # every file of the zip in order, the manifest last (it is not listed in itself)
    files: tuple[PacketFile, ...]
    counts: PacketCounts
    # seconds spent rendering each kind of document, added up over the processes
    render_seconds: dict[str, float] = field(default_factory=dict)


def packet_filename(batch_reference: str) -> str:
    """``packet-<reference>.zip``, with anything but letters, digits, ``-`` and ``_`` dropped."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", batch_reference).strip("-")
    return f"packet-{safe or 'batch'}.zip"


@dataclass(frozen=True)
class _Part:
    kind: Literal["motion", "orders", "omnibus", "notices"]
    start: int = 0
    stop: int = 0


@dataclass(frozen=True)
class _Rendered:
    part: _Part
    # (name in the zip, path in the scratch folder), in the order they go into the zip
    files: tuple[tuple[str, str], ...]
    seconds: float
    # notices: the pages of each letter of the part
    pages: tuple[int, ...] = ()


def _render_part(request: PacketRequest, part: _Part, *, scratch: str) -> _Rendered:
    """Render one part into the scratch folder (in a pool process, or in the caller's)."""
    began = time.perf_counter()
    files: list[tuple[str, str]] = []
    pages: tuple[int, ...] = ()
    if part.kind == "motion":
        path = os.path.join(scratch, MOTION)
        Path(path).write_bytes(motion_pdf(request, Press()))
        files.append((MOTION, path))
    elif part.kind == "omnibus":
        path = os.path.join(scratch, OMNIBUS_ORDER)
        Path(path).write_bytes(omnibus_order_pdf(request))
        files.append((OMNIBUS_ORDER, path))
    elif part.kind == "orders":
        cases = request.cases()[part.start : part.stop]
        for case, pdf in order_pdfs(request, cases):
            path = os.path.join(scratch, f"order-{case.key}.pdf")
            Path(path).write_bytes(pdf)
            files.append((case.filename, path))
    else:
        letters = request.letters()
        pdf, letter_pages = notices_pdf(request, letters[part.start : part.stop], len(letters))
        path = os.path.join(scratch, f"notices-{part.start:06d}.pdf")
        Path(path).write_bytes(pdf)
        files.append((NOTICES, path))
        pages = tuple(letter_pages)
    return _Rendered(part, tuple(files), time.perf_counter() - began, pages)


def _parts(cases: int, letters: int, *, omnibus: bool = False) -> list[_Part]:
    # The motion first: it is the longest part, and starts while the others wait for a process;
    # an omnibus order next (a long table too), then the short papers.
    parts = [_Part("motion")]
    if omnibus:
        parts.append(_Part("omnibus"))
    else:
        parts += [
            _Part("orders", start, min(start + ORDERS_PER_PART, cases))
            for start in range(0, cases, ORDERS_PER_PART)
        ]
    parts += [
        _Part("notices", start, min(start + LETTERS_PER_PART, letters))
        for start in range(0, letters, LETTERS_PER_PART)
    ]
    return parts


def packet_processes() -> int:
    """How many processes render a packet: ``settings.FILINGS_PACKET_PROCESSES``, else one per
    CPU. Forking needs a platform that forks; elsewhere one process does it all."""
    if "fork" not in billiard.get_all_start_methods():
        return 1
    configured = settings.FILINGS_PACKET_PROCESSES
    return max(1, configured or os.cpu_count() or 1)


def _rendered_in_order(
    request: PacketRequest, parts: Sequence[_Part], scratch: str, processes: int
) -> Iterator[_Rendered]:
    render = functools.partial(_render_part, request, scratch=scratch)
    if processes <= 1 or len(parts) <= 1:
        yield from map(render, parts)
        return
    # billiard (Celery's multiprocessing) rather than the standard library's: a prefork Celery
    # worker runs tasks in a daemon process, and the standard library refuses to start
    # children there. Forked, the pool's processes start with Django set up, as here.
    context = billiard.get_context("fork")
    with context.Pool(min(processes, len(parts))) as pool:
        yield from pool.imap(render, parts)


class _PacketZip:
    """A zip being written: each member is hashed as it goes in."""

    def __init__(self, handle: zipfile.ZipFile, stamp: ZipDateTime):
        self.handle = handle
        self.stamp = stamp
        self.files: list[PacketFile] = []

    def add(self, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self.handle.writestr(info, data)
        self.files.append(PacketFile(name, hashlib.sha256(data).hexdigest(), len(data)))

    def add_file(self, name: str, path: str) -> None:
        """Add a scratch file and delete it: the parent holds one file at a time."""
        self.add(name, Path(path).read_bytes())
        os.unlink(path)

    def manifest(self) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(MANIFEST_HEADER)
        for member in self.files:
            writer.writerow((member.name, member.size, member.sha256))
        return buffer.getvalue().encode("utf-8")


def _merge_pdfs(paths: Sequence[str], target: str, title: str, author: str) -> None:
    """The letters' parts as one PDF, for the mail house."""
    writer = PdfWriter()
    for path in paths:
        writer.append(path)
    writer.add_metadata({"/Title": title, "/Author": author})
    with open(target, "wb") as handle:
        writer.write(handle)


def build_packet(
    request: PacketRequest,
    destination: Path | str,
    *,
    processes: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> PacketResult:
    """Write the packet of ``request`` as a zip and return its hash, its files and its counts.

    ``destination`` is the zip's path (ending in ``.zip``) or a directory, where the zip is
    named by ``packet_filename``; an existing zip of that name is replaced whole. ``processes``
    defaults to ``packet_processes()``. ``progress(kind, done, total)``, if given, is called as
    parts are added (for a progress bar). Raises ``PacketError`` before writing anything when
    the convictions cannot make a packet.
    """
    request.check()
    destination = Path(destination)
    if destination.suffix.lower() == ".zip":
        zip_path = destination
    else:
        zip_path = destination / packet_filename(request.batch_reference)
    zip_path.parent.mkdir(parents=True, exist_ok=True)

    people = request.people()
    cases = request.cases()
    letters = request.letters()
    omnibus = request.county.omnibus
    parts = _parts(len(cases), len(letters), omnibus=omnibus)
    seconds: dict[str, float] = {}
    stamp = zip_date_time(request.generated_on)

    with tempfile.TemporaryDirectory(
        prefix=".packet-", dir=zip_path.parent, ignore_cleanup_errors=True
    ) as scratch:
        partial = os.path.join(scratch, "packet.zip")
        rendered = _rendered_in_order(
            request, parts, scratch, packet_processes() if processes is None else processes
        )
        notice_parts: list[str] = []
        notices: list[Notice] = []
        with open(partial, "wb") as raw, zipfile.ZipFile(raw, "w") as handle:
            packet = _PacketZip(handle, stamp)
            for done, result in enumerate(rendered, start=1):
                kind = result.part.kind
                seconds[kind] = seconds.get(kind, 0.0) + result.seconds
                if kind == "notices":
                    notice_parts.append(result.files[0][1])
                    page = sum(n.pages for n in notices) + 1
                    for letter, pages in zip(
                        letters[result.part.start : result.part.stop], result.pages, strict=True
                    ):
                        notices.append(Notice(letter, page, pages))
                        page += pages
                else:
                    for name, path in result.files:
                        packet.add_file(name, path)
                if kind == "omnibus" or (kind == "orders" and result.part.stop == len(cases)):
                    # the exhibit follows the orders, before the notices
                    packet.add(EXHIBIT, exhibit_xlsx(request))
                if progress is not None:
                    progress(kind, done, len(parts))
            if notice_parts:
                merged = os.path.join(scratch, NOTICES)
                if len(notice_parts) == 1:
                    os.replace(notice_parts[0], merged)
                else:
                    _merge_pdfs(
                        notice_parts,
                        merged,
                        f"Notices — batch {request.batch_reference}",
                        request.office_name,
                    )
                packet.add_file(NOTICES, merged)
            packet.add(MAILING_LIST, mailing_list_csv(request, notices))
            files = tuple(packet.files)
            packet.add(MANIFEST, packet.manifest())
            manifest_file = packet.files[-1]
        digest = hashlib.sha256()
        with open(partial, "rb") as written:
            for block in iter(lambda: written.read(1 << 20), b""):
                digest.update(block)
        os.chmod(partial, 0o640)
        os.replace(partial, zip_path)

    return PacketResult(
        zip_path=zip_path,
        sha256=digest.hexdigest(),
        size=zip_path.stat().st_size,
        files=(*files, manifest_file),
        counts=PacketCounts(
            convictions=len(request.convictions),
            cases=len(cases),
            orders=1 if omnibus else len(cases),
            people=len(people),
            notices=len(notices),
            people_without_address=len(people) - len(notices),
        ),
        render_seconds=seconds,
    )
