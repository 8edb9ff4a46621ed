"""Court papers laid out by ReportLab from a small XML vocabulary that Django templates write.

A packet of a thousand convictions has about a thousand orders and eight hundred letters. A
browser-grade layout engine (WeasyPrint, which still renders the motion and its long table)
takes 60-120 ms a page and leaves such a packet far beyond a minute; these one-page papers need
only paragraphs, two columns, a rule to sign on and page numbers, which ReportLab lays out ten
times faster. The wording stays in templates (``templates/filings/documents/*.xml``): the office
changes it there, not here.

The vocabulary (anything else is refused with ``PaperError``, so a template's mistake fails
its tests rather than printing wrong)::

    <document title="…" author="…" margins="1in 1in 0.9in 1in" size="12">
      <section id="order-1" footer="Page {page} of {pages}" running="09-CR-1">
        <p style="body">text with <b>bold</b>, <i>italic</i>, <u>underline</u>, <br/></p>
        <item label="1." style="listed">a paragraph hanging from its label</item>
        <columns widths="58 42" divider="yes" valign="middle" height="1in" after="10pt">
          <column>…</column><column>…</column>
        </columns>
        <keep>…kept on one page…</keep>
        <table widths="6 30 14" header="1" size="8">  (ruled, its header rows on every page)
          <row><cell>No.</cell><cell>Name</cell><cell>Struck</cell></row> …
        </table>
        <rule width="3.2in"/>  (a line to sign on)
        <space height="12pt"/>
      </section>
    </document>

A ``table`` is for a long list the court reads line by line (the omnibus order's Exhibit A):
each cell wraps its text, a row is never split across pages, and the header rows repeat.

Each section starts on a new page; ``{page}`` and ``{pages}`` in its footer count the section's
own pages ("Page 1 of 2" of one order), and its running text is printed at the top right of its
pages after the first. The styles of ``p`` and ``item`` are the names in ``STYLES``.

Text comes from ISP lists: templates escape it (Django's autoescape), the XML parser reads it
back, and the inline markup handed to ReportLab is rebuilt here from the parsed tree with every
text escaped again, so a name such as ``<b>X`` or ``&`` prints as written. The document is
written with ReportLab's invariant mode: the same paper gives the same bytes.
"""

from __future__ import annotations

import functools
import io
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    PageBreakIfNotEmpty,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

FONT = "CourtSerif"
_FONT_DIR = Path(__file__).with_name("fonts")
_FACES = {
    FONT: "LiberationSerif-Regular.ttf",
    f"{FONT}-Bold": "LiberationSerif-Bold.ttf",
    f"{FONT}-Italic": "LiberationSerif-Italic.ttf",
    f"{FONT}-BoldItalic": "LiberationSerif-BoldItalic.ttf",
}


class PaperError(ValueError):
    """A template wrote something outside the vocabulary (the message says what)."""


@functools.cache
def register_fonts() -> str:
    """Register the vendored Liberation Serif (Times-metric) faces once per process."""
    for name, file in _FACES.items():
        pdfmetrics.registerFont(TTFont(name, str(_FONT_DIR / file)))
    pdfmetrics.registerFontFamily(
        FONT,
        normal=FONT,
        bold=f"{FONT}-Bold",
        italic=f"{FONT}-Italic",
        boldItalic=f"{FONT}-BoldItalic",
    )
    return FONT


_LENGTH_RE = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*(in|pt)?\s*")


def length(text: str) -> float:
    """``1in``, ``12pt`` or ``12`` (points) in points."""
    match = _LENGTH_RE.fullmatch(text)
    if match is None:
        raise PaperError(f"not a length: {text!r} (write 1in, 12pt or 12)")
    value = float(match[1])
    return value * inch if match[2] == "in" else value


def _styles(size: float) -> dict[str, ParagraphStyle]:
    """The paragraph styles a template may name, for a base font size in points."""
    base = ParagraphStyle(
        "base", fontName=FONT, fontSize=size, leading=size * 1.2, spaceAfter=0, alignment=TA_LEFT
    )

    def style(name: str, **changes: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **changes)

    small = size * 0.75
    return {
        # a paragraph of a letter, or any plain left-aligned text
        "plain": style("plain", spaceAfter=size * 0.7),
        # one line of a block (a signature, an address): no space after
        "line": style("line"),
        # a paragraph of an order: justified, first line indented
        "body": style(
            "body",
            alignment=TA_JUSTIFY,
            firstLineIndent=0.5 * inch,
            leading=size * 1.25,
            spaceAfter=size * 0.3,
        ),
        # the court's name at the head of a paper
        "court": style("court", fontName=f"{FONT}-Bold", alignment=TA_CENTER),
        "title": style(
            "title", fontName=f"{FONT}-Bold", alignment=TA_CENTER, spaceBefore=size * 0.4
        ),
        "subtitle": style("subtitle", alignment=TA_CENTER, spaceAfter=size * 0.5),
        # the caption's parties: a name, its role, the "v."
        "party": style("party", fontName=f"{FONT}-Bold"),
        "role": style("role", leftIndent=1.25 * inch, spaceBefore=1, spaceAfter=2),
        "versus": style("versus", leftIndent=0.5 * inch, spaceBefore=2, spaceAfter=2),
        # a bold line before a list ("IT IS HEREBY ORDERED:") or a letter's heading
        "head": style(
            "head", fontName=f"{FONT}-Bold", spaceBefore=size * 0.4, spaceAfter=size * 0.2
        ),
        # an item hanging from its number, indented half an inch
        "listed": style(
            "listed",
            leftIndent=0.8 * inch,
            bulletIndent=0.5 * inch,
            spaceAfter=3,
            bulletFontName=FONT,
            bulletFontSize=size,
        ),
        # a bulleted item of a letter
        "bulleted": style("bulleted", leftIndent=0.5 * inch, bulletIndent=0.3 * inch, spaceAfter=3),
        "small": style("small", fontSize=small, leading=small * 1.25, spaceAfter=2),
        "centered": style("centered", alignment=TA_CENTER),
        "office": style(
            "office",
            fontName=f"{FONT}-Bold",
            fontSize=size * 1.2,
            leading=size * 1.5,
            alignment=TA_CENTER,
        ),
        "letterhead": style("letterhead", fontSize=small, leading=small * 1.3, alignment=TA_CENTER),
        # an address block: no space between its lines
        "address": style("address", leftIndent=0.25 * inch),
    }


_SPACES_RE = re.compile(r"[ \t\r\n]+")

# Inline markup a paragraph may hold, handed to ReportLab as it is.
_INLINE = {"b", "i", "u", "br"}


def _inline(element: ElementTree.Element) -> str:
    """The paragraph's content as ReportLab markup: text escaped, only ``_INLINE`` tags."""
    parts = [escape(element.text or "")]
    for child in element:
        if child.tag not in _INLINE:
            raise PaperError(f"<{child.tag}> inside <{element.tag}>: only b, i, u and br")
        if child.tag == "br":
            parts.append("<br/>")
        else:
            parts.append(f"<{child.tag}>{_inline(child)}</{child.tag}>")
        parts.append(escape(child.tail or ""))
    # Collapse the template's line breaks and indents, not its no-break spaces (&#160;).
    return _SPACES_RE.sub(" ", "".join(parts)).strip(" ")


@dataclass(frozen=True)
class _Section:
    key: str
    footer: str
    running: str
    footer_size: float


class _SectionStart(Flowable):  # type: ignore[misc]
    """Takes no room; tells the canvas that a section begins on this page."""

    def __init__(self, section: _Section) -> None:
        super().__init__()
        self.section = section
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.section = self.section


class _PaperCanvas(Canvas):  # type: ignore[misc]
    """Keeps each page until the end, then prints the footers and running heads: a section's
    page count is known only once it is laid out."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section: _Section | None = None
        self.kept_pages: list[dict[str, Any]] = []
        self.section_pages: dict[str, int] = {}
        self.section_first_pages: dict[str, int] = {}
        self.margins: tuple[float, float, float, float] = (72, 72, 72, 72)

    def showPage(self) -> None:
        self.kept_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        sections: list[_Section | None] = [page["section"] for page in self.kept_pages]
        for number, section in enumerate(sections, start=1):
            if section is not None:
                self.section_pages[section.key] = self.section_pages.get(section.key, 0) + 1
                self.section_first_pages.setdefault(section.key, number)
        for number, state in enumerate(self.kept_pages, start=1):
            self.__dict__.update(state)
            section = state["section"]
            if section is not None:
                self._decorate(section, number - self.section_first_pages[section.key] + 1)
            Canvas.showPage(self)
        Canvas.save(self)

    def _decorate(self, section: _Section, page: int) -> None:
        top, right, bottom, left = self.margins
        width, height = self._pagesize
        self.setFont(FONT, section.footer_size)
        if section.footer:
            text = section.footer.format(page=page, pages=self.section_pages[section.key])
            self.drawCentredString(left + (width - left - right) / 2, bottom / 2, text)
        if section.running and page > 1:
            self.drawRightString(width - right, height - top / 2, section.running)


@dataclass(frozen=True)
class Paper:
    """A rendered document: its bytes, and the pages of each section in order."""

    pdf: bytes
    section_pages: dict[str, int]
    section_first_pages: dict[str, int]


class _Builder:
    def __init__(self, size: float, frame_width: float) -> None:
        self.styles = _styles(size)
        self.frame_width = frame_width

    def style(self, element: ElementTree.Element, default: str) -> ParagraphStyle:
        name = element.get("style", default)
        try:
            return self.styles[name]
        except KeyError:
            raise PaperError(
                f"no style {name!r} (styles: {', '.join(sorted(self.styles))})"
            ) from None

    def flowables(self, parent: ElementTree.Element) -> list[Flowable]:
        made: list[Flowable] = []
        for element in parent:
            made.extend(self.flowable(element))
        return made

    def flowable(self, element: ElementTree.Element) -> list[Flowable]:
        tag = element.tag
        builder: Callable[[ElementTree.Element], list[Flowable]] | None = getattr(
            self, f"_{tag}", None
        )
        if builder is None:
            raise PaperError(f"<{tag}> is not part of a court paper's vocabulary")
        return builder(element)

    def _p(self, element: ElementTree.Element) -> list[Flowable]:
        return [Paragraph(_inline(element), self.style(element, "plain"))]

    def _item(self, element: ElementTree.Element) -> list[Flowable]:
        label = element.get("label", "•")  # a bullet is drawn as text, not read as markup
        return [Paragraph(_inline(element), self.style(element, "listed"), bulletText=label)]

    def _keep(self, element: ElementTree.Element) -> list[Flowable]:
        return [KeepTogether(self.flowables(element))]

    def _space(self, element: ElementTree.Element) -> list[Flowable]:
        return [Spacer(1, length(element.get("height", "12pt")))]

    def _rule(self, element: ElementTree.Element) -> list[Flowable]:
        return [
            HRFlowable(
                width=length(element.get("width", "3in")),
                thickness=0.75,
                color=colors.black,
                hAlign="LEFT",
                spaceBefore=length(element.get("before", "18pt")),
                spaceAfter=2,
            )
        ]

    def _table(self, element: ElementTree.Element) -> list[Flowable]:
        rows = list(element)
        if not rows or any(row.tag != "row" for row in rows):
            raise PaperError("<table> holds <row> elements only")
        shares = [float(share) for share in element.get("widths", "").split()]
        header = int(element.get("header", "0"))
        size = length(element.get("size", "9"))
        plain = ParagraphStyle(
            "cell", parent=self.styles["line"], fontSize=size, leading=size * 1.2
        )
        bold = ParagraphStyle("cell-head", parent=plain, fontName=f"{FONT}-Bold")
        data = []
        for index, row in enumerate(rows):
            cells = list(row)
            if any(cell.tag != "cell" for cell in cells):
                raise PaperError("<row> holds <cell> elements only")
            if len(cells) != len(shares):
                raise PaperError(
                    f"<table widths> gives {len(shares)} widths for {len(cells)} cells"
                )
            style = bold if index < header else plain
            data.append([Paragraph(_inline(cell), style) for cell in cells])
        total = sum(shares)
        table = Table(
            data,
            colWidths=[self.frame_width * share / total for share in shares],
            repeatRows=header,
            splitByRow=1,
        )
        commands: list[tuple[Any, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        if header:
            commands.append(("BACKGROUND", (0, 0), (-1, header - 1), colors.HexColor("#e8e8e8")))
        table.setStyle(TableStyle(commands))
        table.hAlign = "LEFT"
        return [table]

    def _columns(self, element: ElementTree.Element) -> list[Flowable]:
        columns = list(element)
        if not columns or any(column.tag != "column" for column in columns):
            raise PaperError("<columns> holds <column> elements only")
        shares = [float(share) for share in element.get("widths", "").split()] or [
            1.0 for _ in columns
        ]
        if len(shares) != len(columns):
            raise PaperError(f"<columns widths> gives {len(shares)} widths for {len(columns)}")
        total = sum(shares)
        width = self.frame_width
        height = element.get("height")
        table = Table(
            [[self.flowables(column) for column in columns]],
            colWidths=[width * share / total for share in shares],
            rowHeights=[length(height)] if height else None,
        )
        commands: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), element.get("valign", "MIDDLE").upper()),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        if element.get("divider") == "yes":
            commands += [
                ("LINEAFTER", (0, 0), (0, -1), 1, colors.black),
                ("RIGHTPADDING", (0, 0), (0, -1), 12),
                ("LEFTPADDING", (1, 0), (1, -1), 18),
            ]
        table.setStyle(TableStyle(commands))
        table.hAlign = "LEFT"
        space = length(element.get("after", "0"))
        return [table, Spacer(1, space)] if space else [table]


def render(xml: str) -> Paper:
    """Lay out one document of the vocabulary and write it as PDF."""
    register_fonts()
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as error:
        raise PaperError(f"the template did not write well-formed XML: {error}") from None
    if root.tag != "document":
        raise PaperError(f"a court paper is a <document>, not <{root.tag}>")
    margins = [length(part) for part in root.get("margins", "1in 1in 1in 1in").split()]
    if len(margins) != 4:
        raise PaperError("margins: four lengths, top right bottom left")
    top, right, bottom, left = margins
    builder = _Builder(length(root.get("size", "12")), LETTER[0] - left - right)
    footer_size = length(root.get("footer-size", "9"))

    story: list[Flowable] = []
    sections = [child for child in root if child.tag == "section"]
    if len(sections) != len(root):
        raise PaperError("a <document> holds <section> elements only")
    for index, element in enumerate(sections):
        if index:
            story.append(PageBreakIfNotEmpty())
        section = _Section(
            key=element.get("id", str(index + 1)),
            footer=element.get("footer", ""),
            running=element.get("running", ""),
            footer_size=footer_size,
        )
        story.append(_SectionStart(section))
        story.extend(builder.flowables(element))

    canvases: list[_PaperCanvas] = []

    def make_canvas(*args: Any, **kwargs: Any) -> _PaperCanvas:
        canvas = _PaperCanvas(*args, **kwargs)
        canvas.margins = (top, right, bottom, left)
        canvases.append(canvas)
        return canvas

    output = io.BytesIO()
    document = SimpleDocTemplate(
        output,
        pagesize=LETTER,
        topMargin=top,
        rightMargin=right,
        bottomMargin=bottom,
        leftMargin=left,
        title=root.get("title", ""),
        author=root.get("author", ""),
        creator="Clear My Record",
        producer="Clear My Record",
        invariant=1,
    )
    document.build(story, canvasmaker=make_canvas)
    canvas = canvases[-1]
    return Paper(output.getvalue(), dict(canvas.section_pages), dict(canvas.section_first_pages))
