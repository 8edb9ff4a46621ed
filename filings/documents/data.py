"""What a court packet says: its convictions as the papers show them (``PacketConviction``), the
packet itself (``PacketRequest``), and how its lines group into cases, people and letters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from eligibility.rules import Record, case_key, person_key, read_date
from eligibility.rules.classes import class_in_words
from eligibility.rules.engine import collapse

if TYPE_CHECKING:
    from eligibility.models import Conviction, CountyProfile


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
    def from_conviction(
        cls, conviction: Conviction, *, court_location: str | None = None
    ) -> PacketConviction:
        """The packet's view of a stored row (saved or not): its fields only, no queries.
        ``court_location``: where the county profile files it, when not its list's column
        (a one-courthouse county: ``CountyProfile.location_of``)."""
        details = conviction.details if isinstance(conviction.details, dict) else {}
        return cls(
            last_name=conviction.last_name,
            first_name=conviction.first_name,
            middle_name=conviction.middle_name,
            date_of_birth=conviction.date_of_birth,
            dcn=conviction.dcn,
            court_case_number=conviction.court_case_number,
            court_location=(
                conviction.court_location if court_location is None else court_location
            ),
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
    def offense_class_shown(self) -> str:
        """The class in words ("Class B misdemeanor", not "MB"); empty when none is recorded."""
        return class_in_words(self.offense_class) if self.offense_class.strip() else ""

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
class PacketCounty:
    """What the papers take from the county: one version of its profile, as plain data
    (``eligibility.counties``; the wording is the templates')."""

    name: str
    court: str
    circuit: str
    caption: str
    clerk: str
    clerk_address: str
    police: str
    police_address: str
    state_attorney: str
    office_title: str
    office_name: str
    office_address: tuple[str, ...]
    legal_aid: str
    # "per_case" (one proposed order per court case) or "omnibus" (one order for the batch,
    # granting the lines of Exhibit A)
    packet_shape: str
    help_line: str = ""
    # (name, address) of each court location
    locations: tuple[tuple[str, str], ...] = ()
    version: int = 0

    @classmethod
    def from_profile(cls, profile: CountyProfile) -> PacketCounty:
        """The papers' view of a profile version (saved or not), no queries."""
        return cls(
            name=profile.name,
            court=profile.court,
            circuit=profile.circuit,
            caption=profile.caption,
            clerk=profile.clerk,
            clerk_address=profile.clerk_address,
            police=profile.police,
            police_address=profile.police_address,
            state_attorney=profile.state_attorney,
            office_title=profile.office_title,
            office_name=profile.office_name,
            office_address=profile.office_address_lines,
            legal_aid=profile.legal_aid,
            packet_shape=profile.packet_shape,
            help_line=profile.help_line,
            locations=tuple(
                (str(location["name"]), str(location.get("address", "")))
                for location in profile.locations
            ),
            version=profile.version or 0,
        )

    @property
    def omnibus(self) -> bool:
        """One order for the whole batch, granting the lines of Exhibit A."""
        return self.packet_shape == "omnibus"


@dataclass(frozen=True)
class PacketRequest:
    """Everything a packet says: the batch, its court location, its date, its convictions (in
    the order the motion lists them) and its county (the profile version it is made with)."""

    batch_reference: str
    court_location: str
    generated_on: date
    convictions: Sequence[PacketConviction]
    county: PacketCounty
    # The number of each conviction's line, when not 1, 2, 3…: a packet rendered again after a
    # purge keeps the numbers of the lines left (the court's copy and Exhibit A go by them).
    numbers: Sequence[int] = ()
    # Free text for the notices, e.g. "March 3, 2027, 9:30 a.m., Courtroom 101, ...".
    hearing: str = ""

    @property
    def office_name(self) -> str:
        return self.county.office_name

    @property
    def location_address(self) -> str:
        """The address of the packet's court location, when the profile gives one."""
        here = collapse(self.court_location)
        for name, address in self.county.locations:
            if collapse(name) == here:
                return address
        return ""

    def agencies(self) -> list[str]:
        """Every arresting agency of the packet, once each, in the motion's order."""
        return _distinct([line.conviction.arresting_agency for line in self.lines()])

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


@dataclass(frozen=True)
class Letter:
    """A notice letter: its number among the packet's letters, and its person."""

    number: int
    person: Person


@dataclass(frozen=True)
class Notice:
    """A letter and where it is in the packet's ``notices.pdf``."""

    letter: Letter
    first_page: int
    pages: int
