"""The documents of a court packet (issue 7): the motion, the orders, Exhibit A, the notices and
the mailing list, for one batch of convictions in one court location.

The input is plain data (``PacketRequest`` holding ``PacketConviction``s), so that whoever holds
an approved batch can build it from ``Conviction`` rows without this module knowing about
batches. The PDFs are Django templates under ``templates/filings/documents/``: the office changes
the wording there, not here. The motion (``motion.html``, a long table whose header repeats on
every page) is laid out by WeasyPrint; the orders and letters (``order.xml``, ``notices.xml``), a
thousand short papers to a packet, by ReportLab through ``filings.paper``, ten times faster.
``filings.packets.build_packet`` puts the documents in one zip with a manifest.

WeasyPrint is given a URL fetcher that refuses every URL: a court paper loads nothing from
outside, and text from an ISP list (a name, an agency) can never make the renderer fetch one.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from core.spreadsheets import safe_cell
from eligibility.rules import Record, case_key, person_key, read_date
from eligibility.rules.engine import collapse
from filings import paper

if TYPE_CHECKING:
    from eligibility.models import Conviction

TEMPLATES = "filings/documents"

# Defaults of the office settings (the lead adds them to config/settings.py; until then these).


class PacketError(ValueError):
    """The convictions cannot make a packet as given (the message says which and why)."""


def shown_date(text: str) -> str:
    """A date as the court papers show it: MM/DD/YYYY when readable, else as written."""
    day = read_date(text)
    return f"{day:%m/%d/%Y}" if day is not None else text.strip()


def long_date(day: date) -> str:
    """``November 25, 2026``: the date of a signature or a letter."""
    return f"{day:%B} {day.day}, {day.year}"


def _join_names(*parts: str) -> str:
    return " ".join(part.strip() for part in parts if part.strip())


@dataclass(frozen=True)
class PacketConviction:
    """One conviction as the packet shows it: every text as written in the ISP list."""

    last_name: str
    first_name: str
    court_case_number: str
    middle_name: str = ""
    date_of_birth: str = ""
    dcn: str = ""
    court_location: str = ""
    arrest_date: str = ""
    arresting_agency: str = ""
    statute: str = ""
    offense_class: str = ""
    disposition: str = ""
    disposition_date: str = ""
    offense_description: str = ""
    # The plain-English basis of eligibility (``Conviction.details["basis"]``).
    basis: str = ""
    address_line: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""

    @classmethod
    def from_conviction(cls, conviction: Conviction) -> PacketConviction:
        """The packet's view of a stored row (saved or not): its fields only, no queries."""
        details = conviction.details if isinstance(conviction.details, dict) else {}
        return cls(
            last_name=conviction.last_name,
            first_name=conviction.first_name,
            middle_name=conviction.middle_name,
            date_of_birth=conviction.date_of_birth,
            dcn=conviction.dcn,
            court_case_number=conviction.court_case_number,
            court_location=conviction.court_location,
            arrest_date=conviction.arrest_date,
            arresting_agency=conviction.arresting_agency,
            statute=conviction.statute,
            offense_class=conviction.offense_class,
            disposition=conviction.disposition,
            disposition_date=conviction.disposition_date,
            offense_description=conviction.offense_description,
            basis=str(details.get("basis") or ""),
            address_line=conviction.address_line,
            city=conviction.city,
            state=conviction.state,
            zip=conviction.zip,
        )

    @property
    def full_name(self) -> str:
        """``JOSÉ A. MUÑOZ``: the name in a caption or a letter."""
        return _join_names(self.first_name, self.middle_name, self.last_name)

    @property
    def listed_name(self) -> str:
        """``MUÑOZ, JOSÉ A.``: the name in a table."""
        given = _join_names(self.first_name, self.middle_name)
        return f"{self.last_name.strip()}, {given}" if given else self.last_name.strip()

    @property
    def case_key(self) -> str:
        return case_key(self.court_case_number)

    @property
    def person_key(self) -> tuple[str, str, date | str]:
        """Same last name, first name and date of birth: one person, one notice."""
        key = person_key(
            Record(
                row=0,
                last_name=self.last_name,
                first_name=self.first_name,
                date_of_birth=self.date_of_birth,
            )
        )
        assert isinstance(key, tuple)
        return key

    @property
    def date_of_birth_shown(self) -> str:
        return shown_date(self.date_of_birth)

    @property
    def arrest_date_shown(self) -> str:
        return shown_date(self.arrest_date)

    @property
    def disposition_date_shown(self) -> str:
        return shown_date(self.disposition_date)

    @property
    def has_address(self) -> bool:
        """A letter can be mailed: a street line, and a city or a ZIP code."""
        return bool(self.address_line.strip() and (self.city.strip() or self.zip.strip()))

    @property
    def address_lines(self) -> tuple[str, ...]:
        place = _join_names(self.state, self.zip)
        city = self.city.strip()
        last = f"{city}, {place}" if city and place else city or place
        return tuple(line for line in (self.address_line.strip(), last) if line)


@dataclass(frozen=True)
class PacketRequest:
    """Everything a packet says: the batch, its court location, its date and its convictions
    (in the order the motion lists them). The office's names come from settings unless given."""

    batch_reference: str
    court_location: str
    generated_on: date
    convictions: Sequence[PacketConviction]
    # The number of each conviction's line, when not 1, 2, 3…: a packet rendered again after a
    # purge keeps the numbers of the lines left (the court's copy and Exhibit A go by them).
    numbers: Sequence[int] = ()
    # Free text for the notices, e.g. "March 3, 2027, 9:30 a.m., Courtroom 101, ...".
    hearing: str = ""
    state_attorney: str = field(default_factory=lambda: settings.OFFICE_STATE_ATTORNEY)
    office_name: str = field(default_factory=lambda: settings.OFFICE_NAME)
    office_address: tuple[str, ...] = field(default_factory=lambda: tuple(settings.OFFICE_ADDRESS))

    def check(self) -> None:
        """Refuse what would make a wrong court paper: no convictions, a conviction without a
        case number (an order needs one), or one from another court location."""
        if not self.convictions:
            raise PacketError("A packet needs at least one conviction.")
        problems = []
        location = collapse(self.court_location)
        if self.numbers and len(self.numbers) != len(self.convictions):
            raise PacketError(
                f"The packet cannot be made: {len(self.numbers)} line numbers for "
                f"{len(self.convictions)} convictions."
            )
        for line in self.lines():
            number, conviction = line.number, line.conviction
            if not conviction.case_key:
                problems.append(f"line {number} ({conviction.listed_name}) has no case number")
            elsewhere = collapse(conviction.court_location)
            if location and elsewhere and elsewhere != location:
                problems.append(
                    f"line {number} ({conviction.listed_name}) is in "
                    f"{conviction.court_location.strip()}, not {self.court_location.strip()}"
                )
        if problems:
            shown = "; ".join(problems[:20])
            more = f"; and {len(problems) - 20} more" if len(problems) > 20 else ""
            raise PacketError(f"The packet cannot be made: {shown}{more}.")

    @property
    def generated_on_long(self) -> str:
        return long_date(self.generated_on)

    def lines(self) -> list[ScheduleLine]:
        numbers = self.numbers or range(1, len(self.convictions) + 1)
        return [
            ScheduleLine(number, conviction)
            for number, conviction in zip(numbers, self.convictions, strict=True)
        ]

    def cases(self) -> list[CaseGroup]:
        """One order per court case: the convictions of a case key, in the motion's order."""
        groups: dict[str, list[ScheduleLine]] = {}
        for line in self.lines():
            groups.setdefault(line.conviction.case_key, []).append(line)
        return [CaseGroup(key, tuple(lines)) for key, lines in groups.items()]

    def letters(self) -> list[Letter]:
        """A notice letter for each person with a last known address, numbered from 1."""
        addressed = [person for person in self.people() if person.mailing is not None]
        return [Letter(number, person) for number, person in enumerate(addressed, start=1)]

    def people(self) -> list[Person]:
        """One person per last name, first name and date of birth, in the motion's order."""
        groups: dict[tuple[str, str, date | str], list[ScheduleLine]] = {}
        for line in self.lines():
            groups.setdefault(line.conviction.person_key, []).append(line)
        return [Person(tuple(lines)) for lines in groups.values()]


@dataclass(frozen=True)
class ScheduleLine:
    """A conviction and its number in the motion's schedule (and Exhibit A)."""

    number: int
    conviction: PacketConviction


def _distinct(values: Sequence[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        if value.strip():
            seen.setdefault(collapse(value), value.strip())
    return list(seen.values())


@dataclass(frozen=True)
class CaseGroup:
    key: str
    lines: tuple[ScheduleLine, ...]

    @property
    def case_number(self) -> str:
        return self.lines[0].conviction.court_case_number.strip()

    @property
    def names(self) -> list[str]:
        return _distinct([line.conviction.full_name for line in self.lines])

    @property
    def dcns(self) -> list[str]:
        return _distinct([line.conviction.dcn for line in self.lines])

    @property
    def agencies(self) -> list[str]:
        return _distinct([line.conviction.arresting_agency for line in self.lines])

    @property
    def filename(self) -> str:
        return f"orders/order-{self.key}.pdf"


@dataclass(frozen=True)
class Person:
    lines: tuple[ScheduleLine, ...]

    @property
    def name(self) -> str:
        return self.lines[0].conviction.full_name

    @property
    def mailing(self) -> PacketConviction | None:
        """The conviction whose address is the last known: the latest disposition that has
        an address (a later line of the list wins a tie)."""
        addressed = [line.conviction for line in self.lines if line.conviction.has_address]
        if not addressed:
            return None
        return max(
            reversed(addressed),
            key=lambda c: read_date(c.disposition_date) or date.min,
        )

    @property
    def address_lines(self) -> tuple[str, ...]:
        mailing = self.mailing
        return mailing.address_lines if mailing is not None else ()


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
    lines = request.lines()
    context = _context(
        request,
        lines=lines,
        case_count=len({line.conviction.case_key for line in lines}),
        person_count=len({line.conviction.person_key for line in lines}),
    )
    return press.pdf(press.document("motion.html", context), request.batch_reference)


def order_pdfs(
    request: PacketRequest, cases: Sequence[CaseGroup]
) -> Iterator[tuple[CaseGroup, bytes]]:
    """The proposed orders of ``cases``, one PDF per case (``order.xml``), one at a time."""
    for case in cases:
        xml = render_to_string(f"{TEMPLATES}/order.xml", _context(request, case=case))
        yield case, paper.render(xml).pdf


@dataclass(frozen=True)
class Letter:
    """A notice letter: its number among the packet's letters, and its person."""

    number: int
    person: Person


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


@dataclass(frozen=True)
class Notice:
    """A letter and where it is in the packet's ``notices.pdf``."""

    letter: Letter
    first_page: int
    pages: int


MAILING_HEADER = (
    "notice",
    "name",
    "address_line",
    "city",
    "state",
    "zip",
    "first_page",
    "pages",
    "batch",
)


def mailing_list_csv(request: PacketRequest, notices: Sequence[Notice]) -> bytes:
    """The mail house's list: one line per letter, where it is in ``notices.pdf``; every cell
    neutralised against formula injection."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(MAILING_HEADER)
    for notice in notices:
        person = notice.letter.person
        mailing = person.mailing
        assert mailing is not None
        row = (
            notice.letter.number,
            person.name,
            mailing.address_line.strip(),
            mailing.city.strip(),
            mailing.state.strip(),
            mailing.zip.strip(),
            notice.first_page,
            notice.pages,
            request.batch_reference,
        )
        writer.writerow([safe_cell(cell) for cell in row])
    # utf-8-sig: Excel, which mail houses open CSVs with, reads the accents right.
    return buffer.getvalue().encode("utf-8-sig")


EXHIBIT_HEADER = (
    "No.",
    "Last name",
    "First name",
    "Middle name",
    "Date of birth",
    "Court case number",
    "DCN",
    "Arrest date",
    "Arresting agency",
    "Statute (as written)",
    "Class",
    "Disposition",
    "Disposition date",
    "Court location",
    "Basis of eligibility",
)
_EXHIBIT_WIDTHS = (6, 18, 16, 12, 12, 18, 12, 12, 28, 24, 10, 18, 14, 22, 80)


def _exhibit_cell(value: Any) -> Any:
    # a control character (a stray form feed from a list) is refused by the xlsx format
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return safe_cell(value)


def exhibit_xlsx(request: PacketRequest) -> bytes:
    """Exhibit A: one row per conviction, numbered as in the motion, after one header row.

    Every cell goes through ``safe_cell``: a name or statute that starts with ``=`` stays text.
    The workbook is dated the packet's date, so the same packet gives the same bytes."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Exhibit A")
    for index, width in enumerate(_EXHIBIT_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(list(EXHIBIT_HEADER))
    for line in request.lines():
        c = line.conviction
        row = (
            line.number,
            c.last_name.strip(),
            c.first_name.strip(),
            c.middle_name.strip(),
            c.date_of_birth_shown,
            c.court_case_number.strip(),
            c.dcn.strip(),
            c.arrest_date_shown,
            c.arresting_agency.strip(),
            c.statute.strip(),
            c.offense_class.strip(),
            c.disposition.strip(),
            c.disposition_date_shown,
            c.court_location.strip(),
            c.basis.strip(),
        )
        sheet.append([_exhibit_cell(cell) for cell in row])
    saved = io.BytesIO()
    workbook.save(saved)
    return _dated_zip(saved.getvalue(), request.generated_on)


_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _dated_zip(data: bytes, day: date) -> bytes:
    """The workbook with its parts and its document properties dated ``day``: openpyxl stamps
    both with the time of saving."""
    stamp = (day.year, day.month, day.day, 0, 0, 0)
    when = f"{day.isoformat()}T00:00:00Z".encode()
    result = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            member = source.read(info)
            if info.filename == "docProps/core.xml":
                member = _CORE_DATES.sub(rb"\g<1>" + when + rb"\g<2>", member)
            target.writestr(
                zipfile.ZipInfo(info.filename, date_time=stamp), member, zipfile.ZIP_DEFLATED
            )
    return result.getvalue()
