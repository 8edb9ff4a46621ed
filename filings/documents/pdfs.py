"""The packet's PDFs, from the templates under ``templates/filings/documents/``: the motion
(``motion.html``, a long table whose header repeats on every page) laid out by WeasyPrint; the
orders and letters (``order.xml``, ``notices.xml``), a thousand short papers to a packet, by
ReportLab through ``filings.paper``, ten times faster; so is the one order of an omnibus packet
(``omnibus_order.xml``), whose Exhibit A is a table of every line.

WeasyPrint is given a URL fetcher that refuses every URL: a court paper loads nothing from
outside, and text from an ISP list (a name, an agency) can never make the renderer fetch one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import Any

from django.template.loader import render_to_string
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from filings import paper
from filings.documents.data import CaseGroup, Letter, PacketRequest

TEMPLATES = "filings/documents"


class RefusingFetcher(URLFetcher):
    """Court papers load nothing: every URL (a stylesheet, an image, a font) is refused."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        raise ValueError(f"court documents load nothing from outside: {url[:80]}")


class Press:
    """Renders the motion's template to PDF with WeasyPrint, with one font configuration and one
    parsed stylesheet (``_style.css``)."""

    def __init__(self) -> None:
        self.fetcher = RefusingFetcher()
        self.fonts = FontConfiguration()
        self.stylesheet = CSS(
            string=render_to_string(f"{TEMPLATES}/_style.css"),
            font_config=self.fonts,
            url_fetcher=self.fetcher,
        )

    def document(self, template: str, context: dict[str, Any]) -> Document:
        html = render_to_string(f"{TEMPLATES}/{template}", context)
        return HTML(string=html, url_fetcher=self.fetcher).render(
            stylesheets=[self.stylesheet], font_config=self.fonts
        )

    @staticmethod
    def pdf(document: Document, batch_reference: str) -> bytes:
        # The file's identifier comes from what it is, not from chance: the same packet renders
        # to the same bytes, and its hash says so.
        title = document.metadata.title or ""
        identifier = hashlib.sha256(f"{batch_reference}|{title}".encode()).hexdigest()[:32]
        return document.write_pdf(pdf_identifier=identifier.encode())  # type: ignore[no-any-return]


def _context(request: PacketRequest, **extra: Any) -> dict[str, Any]:
    return {
        "request": request,
        "generated_on_iso": request.generated_on.isoformat(),
        **extra,
    }


def motion_pdf(request: PacketRequest, press: Press) -> bytes:
    """The Motion to Vacate and Expunge, with the schedule of every conviction."""
    context = _context(request, **_counted(request))
    return press.pdf(press.document("motion.html", context), request.batch_reference)


def _counted(request: PacketRequest) -> dict[str, Any]:
    lines = request.lines()
    return {
        "lines": lines,
        "case_count": len({line.conviction.case_key for line in lines}),
        "person_count": len({line.conviction.person_key for line in lines}),
    }


def omnibus_order_pdf(request: PacketRequest) -> bytes:
    """The one proposed order of an omnibus packet (``omnibus_order.xml``): it grants the
    convictions of its Exhibit A by line number, and its Exhibit A lists every line."""
    xml = render_to_string(f"{TEMPLATES}/omnibus_order.xml", _context(request, **_counted(request)))
    return paper.render(xml).pdf


def order_pdfs(
    request: PacketRequest, cases: Sequence[CaseGroup]
) -> Iterator[tuple[CaseGroup, bytes]]:
    """The proposed orders of ``cases``, one PDF per case (``order.xml``), one at a time."""
    for case in cases:
        xml = render_to_string(f"{TEMPLATES}/order.xml", _context(request, case=case))
        yield case, paper.render(xml).pdf


def notices_pdf(
    request: PacketRequest, letters: Sequence[Letter], total: int
) -> tuple[bytes, list[int]]:
    """The letters as one PDF (``notices.xml``), each starting on a new page, and the pages of
    each letter. ``total`` is the number of letters in the whole packet ("notice 3 of 120")."""
    xml = render_to_string(
        f"{TEMPLATES}/notices.xml", _context(request, letters=letters, letter_total=total)
    )
    rendered = paper.render(xml)
    return rendered.pdf, [rendered.section_pages[f"notice-{letter.number}"] for letter in letters]
