"""Synthetic ISP lists for tests, demos and the benchmark: deterministic, invented, spec-valid.

``generate_rows(n, seed)`` yields ``n`` rows (dicts keyed by the canonical headers of
``isp-list-format.md``), person after person: each person has one or more court cases and each case
one or more charges. The mix covers what the rules engine has to handle: every statute form of
``eligibility.md`` section 4 (ILCS, Ill. Rev. Stat., inchoate wrappers, unrecognized text), all
class and disposition spellings, every accepted date format and some unreadable dates, charges
associated in one case (violent, conditional, Section 7, other offenses), exact duplicate rows,
persons without an SID, juveniles, out-of-county rows and blank rows.

Nothing is drawn from outside a seeded ``random.Random``: the same seed gives the same rows, and
``write_csv`` the same bytes. Every name, number and address is invented.
"""

from __future__ import annotations

import csv
import random
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Generic, TypeVar

from eligibility.listfiles import CANONICAL_HEADERS, DATE_FIELDS
from eligibility.rules.dispositions import DispositionKind, disposition_spellings
from eligibility.rules.records import Record

T = TypeVar("T")

HEADERS: tuple[str, ...] = tuple(CANONICAL_HEADERS.values())
DEFAULT_SEED = 2019

_LAST_NAMES = (
    "ABERNATHY",
    "BALDWIN",
    "CARRASCO",
    "DELACROIX",
    "ESPINOZA",
    "FAIRWEATHER",
    "GALLOWAY",
    "HOLLOWAY",
    "IBARRA",
    "JANKOWSKI",
    "KOWALCZYK",
    "LINDQUIST",
    "MACALUSO",
    "NAKAMURA",
    "OKONKWO",
    "PETRAKIS",
    "QUINTERO",
    "ROSENTHAL",
    "SANTANGELO",
    "TREMBLAY",
    "UMBERGER",
    "VILLANUEVA",
    "WASHINGTON",
    "YOUNGBLOOD",
    "ZIELINSKI",
    "ARCHULETA",
    "BRANNIGAN",
    "CHO",
    "DUBOIS",
    "ELLSWORTH",
    "FONTAINE",
    "GREENWOOD",
    "HAWTHORNE",
    "IVERSON",
    "JEFFERSON",
    "KEMPER",
    "LAFLEUR",
    "MONTGOMERY",
    "NWOSU",
    "ODELL",
    "PEMBERTON",
    "RAMIREZ-SOTO",
    "ST JAMES",
    "THORNBURY",
    "VANCE",
    "WHITAKER",
    "O'MALLEY",
    "DE LA CRUZ",
)
_FIRST_NAMES = (
    "ALVARO",
    "BERNADETTE",
    "CORNELIUS",
    "DESHAWN",
    "EVANGELINE",
    "FITZGERALD",
    "GWENDOLYN",
    "HORACE",
    "ISADORA",
    "JAMAL",
    "KATERINA",
    "LEANDRO",
    "MARISOL",
    "NATHANIEL",
    "OCTAVIA",
    "PRESTON",
    "QUENTIN",
    "ROSALIND",
    "SEBASTIAN",
    "TAMIKA",
    "ULYSSES",
    "VALENTINA",
    "WINSTON",
    "XIOMARA",
    "YOLANDA",
    "ZACHARIAH",
    "ANDRES",
    "BEATRIZ",
    "CALVIN",
    "DOLORES",
    "EZEKIEL",
    "FLORENCE",
    "GUSTAVO",
    "HARRIET",
    "IGNACIO",
    "JOSEPHINE",
    "KENDRICK",
    "LORRAINE",
    "MALCOLM",
    "NADIA",
)
_MIDDLE_NAMES = ("", "", "A", "J", "L", "M", "R", "T", "LEE", "MARIE", "ANN", "RAY", "JOSE")
_STREETS = (
    "HALSTED",
    "WESTERN",
    "PULASKI",
    "KEDZIE",
    "ASHLAND",
    "CICERO",
    "COTTAGE GROVE",
    "STONY ISLAND",
    "DAMEN",
    "CENTRAL PARK",
)
_CITIES = (("CHICAGO", "606"),) * 8 + (
    ("CICERO", "608"),
    ("EVANSTON", "602"),
    ("HARVEY", "604"),
    ("MAYWOOD", "601"),
    ("OAK PARK", "603"),
)
_AGENCIES = (
    ("CHICAGO POLICE DEPARTMENT", "IL0162000"),
    ("COOK COUNTY SHERIFF", "IL0160000"),
    ("ILLINOIS STATE POLICE", "ILISP0000"),
    ("CICERO POLICE DEPARTMENT", "IL0161600"),
    ("EVANSTON POLICE DEPARTMENT", "IL0162300"),
    ("HARVEY POLICE DEPARTMENT", "IL0162600"),
    ("MAYWOOD POLICE DEPARTMENT", "IL0163900"),
    ("OAK PARK POLICE DEPARTMENT", "IL0164700"),
)
_COURTS = ("CRIMINAL DIVISION", *tuple(f"MUNICIPAL DISTRICT {n}" for n in range(1, 7)))
_COOK = ("COOK", "Cook", "COOK COUNTY", "cook county", " COOK ")
_OTHER_COUNTIES = ("WILL", "KANE", "DUPAGE", "LAKE COUNTY", "Will County", "MCHENRY")


@dataclass(frozen=True)
class Place:
    """Where a synthetic list's people live and were arrested: the county as the list spells it
    (and the other counties of the rows that are not its), the court location column's values,
    the arresting agencies (with an invented ORI), the cities (with a ZIP prefix) and streets."""

    counties: tuple[str, ...]
    other_counties: tuple[str, ...]
    courts: tuple[str, ...]
    agencies: tuple[tuple[str, str], ...]
    cities: tuple[tuple[str, str], ...]
    streets: tuple[str, ...]


COOK = Place(_COOK, _OTHER_COUNTIES, _COURTS, _AGENCIES, _CITIES, _STREETS)
# A one-courthouse county: the list's court location column says little, and is not read.
WILL = Place(
    counties=("WILL", "Will", "WILL COUNTY", "will county", " WILL "),
    other_counties=("COOK", "KANE", "DUPAGE", "KENDALL", "Cook County", "GRUNDY"),
    courts=("JOLIET", "12TH JUDICIAL CIRCUIT", "", "CIRCUIT COURT"),
    agencies=(
        ("JOLIET POLICE DEPARTMENT", "IL0990300"),
        ("WILL COUNTY SHERIFF", "IL0990000"),
        ("ILLINOIS STATE POLICE", "ILISP0000"),
        ("BOLINGBROOK POLICE DEPARTMENT", "IL0990100"),
        ("ROMEOVILLE POLICE DEPARTMENT", "IL0991500"),
        ("PLAINFIELD POLICE DEPARTMENT", "IL0991300"),
        ("LOCKPORT POLICE DEPARTMENT", "IL0990700"),
        ("NEW LENOX POLICE DEPARTMENT", "IL0991100"),
    ),
    cities=(("JOLIET", "604"),) * 6
    + (("BOLINGBROOK", "604"), ("ROMEOVILLE", "604"), ("PLAINFIELD", "605"), ("LOCKPORT", "604")),
    streets=(
        "JEFFERSON",
        "COLLINS",
        "RACE",
        "LARKIN",
        "BROADWAY",
        "CASS",
        "RAYNOR",
        "ESSINGTON",
        "WEBER",
        "BRONK",
    ),
)
MCHENRY = Place(
    counties=("MCHENRY", "McHenry", "MCHENRY COUNTY", "mchenry county", " MCHENRY "),
    other_counties=("COOK", "LAKE", "KANE", "BOONE", "Lake County", "DEKALB"),
    courts=("WOODSTOCK", "22ND JUDICIAL CIRCUIT", "", "CIRCUIT COURT"),
    agencies=(
        ("MCHENRY COUNTY SHERIFF", "IL0630000"),
        ("CRYSTAL LAKE POLICE DEPARTMENT", "IL0630300"),
        ("ILLINOIS STATE POLICE", "ILISP0000"),
        ("WOODSTOCK POLICE DEPARTMENT", "IL0632100"),
        ("ALGONQUIN POLICE DEPARTMENT", "IL0630100"),
        ("HARVARD POLICE DEPARTMENT", "IL0630700"),
    ),
    cities=(("WOODSTOCK", "600"),) * 4
    + (("CRYSTAL LAKE", "600"), ("ALGONQUIN", "601"), ("HARVARD", "600"), ("MARENGO", "601")),
    streets=("SEMINARY", "MAIN", "LAKE", "DEAN", "JACKSON", "VIRGINIA", "PINGREE", "RANDALL"),
)
# The demo's place for each county of the shipped profiles (eligibility.counties.SHIPPED).
PLACES = {"cook": COOK, "will": WILL, "mchenry": MCHENRY}

# Amount descriptions per subsection: Section 4 before 2016-07-29, after, and Section 5.
_GRAMS_OLD = (
    "LESS THAN 2.5 GRAMS",
    "2.5-10 GRAMS",
    "10-30 GRAMS",
    "30-500 GRAMS",
    "500-2000 GRAMS",
    "2000-5000 GRAMS",
    "MORE THAN 5000 GRAMS",
)
_GRAMS_NEW = ("10 GRAMS OR LESS", "10-30 GRAMS", "30-100 GRAMS", "100-500 GRAMS", *_GRAMS_OLD[4:])
# Class per subsection a-g: Section 4 before / after 2016-07-29 (first, subsequent), Section 5.
_CLASS_S4_OLD = (("C", "C"), ("B", "B"), ("A", "4"), ("4", "3"), ("3", "3"), ("2", "2"), ("1", "1"))
_CLASS_S4_NEW = (("CIVIL", "CIVIL"), ("B", "B"), ("A", "4"), ("4", "3"), *_CLASS_S4_OLD[4:])
_CLASS_S5 = ("B", "A", "4", "3", "2", "1", "X")
_SUBSECTIONS = "abcdefg"
_NEW_TABLE_FROM = date(2016, 7, 29)
_BORN_FROM = date(1936, 1, 1)
_BORN_TO = date(2000, 12, 31)
_LAST_OFFENSE = date(2024, 12, 31)
_CRTA = date(2019, 6, 25)
_ILCS_FROM = date(1993, 1, 1)

# The disposition spellings are the rules' own (spec 5.2); a few are written here as the ISP
# writes them (another case, a dash), which the reader must read the same.
_AS_WRITTEN = {
    "GUILTY": ("GUILTY", "Guilty"),
    "PLEA OF GUILTY": ("PLEA OF GUILTY", "Plea of Guilty"),
    "BENCH TRIAL GUILTY": ("BENCH TRIAL - GUILTY",),
    "NOLLE PROSEQUI": ("NOLLE PROSEQUI", "Nolle Prosequi"),
}


def _as_written(kind: DispositionKind) -> tuple[str, ...]:
    return tuple(
        written
        for spelling in disposition_spellings(kind)
        for written in _AS_WRITTEN.get(spelling, (spelling,))
    )


_CONVICTIONS = _as_written("conviction")
_SUPERVISIONS = _as_written("supervision")
_NO_CONVICTIONS = _as_written("no_conviction")
_RELIEVED = _as_written("relieved")
_UNKNOWN_DISPOSITIONS = (
    "",
    "TRANSFERRED",
    "CONTINUANCE",
    "DISP PENDING",
    "BFW",
    "GUILTY - SEE NOTES",
)

_TERMS = (
    "{n} MOS PROBATION",
    "{n} MONTHS PROBATION",
    "PROBATION {n} MONTHS",
    "CD {n} MOS",
    "{n} MOS CONDITIONAL DISCHARGE",
    "{n} MOS SUPERVISION",
    "IDOC {n} MOS",
)
_YEAR_TERMS = (
    "{n} YRS PROBATION",
    "{n} YR CONDITIONAL DISCHARGE",
    "{n} YRS IDOC",
    "{n} YEARS IDOC",
)
_DAY_TERMS = (
    "{n} DAYS CCDOC",
    "{n} DAYS JAIL",
    "{n} DAYS COUNTY JAIL",
    "{n} D PERIODIC IMPRISONMENT",
)
_DONE = ("TIME SERVED", "CREDIT TIME SERVED", "CTS", "TIME CONSIDERED SERVED")
_FINANCIAL = ("FINE $100", "FINE $2,500", "COSTS", "FINES AND COSTS", "FEES", "RESTITUTION $350")
_UNREADABLE_SENTENCES = ("BOOT CAMP", "SEE FILE", "DRUG SCHOOL", "PROB", "12 MO PROB", "TASC")

# Statutes that come with a cannabis charge in one case: (text ILCS, text before 1993 or "").
_VIOLENT = (
    ("720-5/12-3.2", "38-12-3.2"),
    ("720 ILCS 5/12-3.05(a)(1)", ""),
    ("720-5/18-1", "38-18-1"),
    ("720-5/12-7.3", "38-12-7.3"),
    ("720-5/24-1.2", "38-24-1.2"),
    ("720 ILCS 5/12-4(a)", "38-12-4(A)"),
    ("720-5/33A-2", "38-33A-2"),
)
_CONDITIONAL = (
    ("720-5/12-3", "38-12-3"),
    ("720-5/19-3", "38-19-3"),
    ("720 ILCS 5/12-1", "38-12-1"),
    ("625 ILCS 5/11-501(A)(2)", "95.5-11-501"),
    ("720-5/24-1.5", ""),
)
_OTHER_OFFENSES = (
    ("POSS CONTROLLED SUBSTANCE", "720 ILCS 570/402(c)", "56.5-1402(B)", "4"),
    ("DRIVING ON SUSPENDED LICENSE", "625-5/6-303(a)", "95 1/2-6-303", "A"),
    ("RETAIL THEFT", "720-5/16-25(a)(1)", "38-16A-3", "A"),
    ("POSS DRUG PARAPHERNALIA", "720-600/3.5", "", "A"),
    ("UUW BY FELON", "720-5/24-1.1(a)", "38-24-1.1", "3"),
    ("RESIST/OBSTRUCT PEACE OFFICER", "720-5/31-1", "38-31-1", "A"),
    ("CRIMINAL TRESPASS TO LAND", "720 ILCS 5/21-3(a)", "38-21-3", "B"),
    ("POSS CANNABIS", "750-550/5(b)", "", "A"),  # a typing slip: chapter 750, not the Act
)
# Other sections of the Cannabis Control Act: (section, description, class).
_OTHER_SECTIONS = (
    ("5.1", "CANNABIS TRAFFICKING", "1"),
    ("5.2", "DEL CANNABIS ON SCHOOL GROUNDS", "2"),
    ("8", "MANUFACTURE CANNABIS PLANTS", "3"),
    ("9", "CALCULATED CRIMINAL CANNABIS CONSPIRACY", "3"),
)
_UNRECOGNIZED = (
    "POSS CANNABIS",
    "SEE FILE",
    "",
    "CANNABIS",
    "550/4C",
    "720 ILCS 5/8-4(a)",  # a wrapper with nothing inside
    "720-5/8-4(720-5/8-2(720-550/4(c)))",  # a wrapper in a wrapper
    "720-5/8-4(POSS CANNABIS)",
)
_UNREADABLE_DATES = ("N/A", "UNKNOWN", "00/00/0000", "1975-02-30", "13/45/1990", "PENDING")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


class _Weighted(Generic[T]):
    """A fixed weighted choice, drawn with one ``random()`` (``Random.choices`` is slow here)."""

    def __init__(self, *pairs: tuple[T, int]) -> None:
        self.options = tuple(option for option, _ in pairs)
        self.cumulative = tuple(accumulate(weight for _, weight in pairs))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        return self.options[bisect(self.cumulative, rng.random() * self.total)]


def _pick(rng: random.Random, options: Sequence[T]) -> T:
    """``rng.choice`` with one ``random()`` call: a third of the cost, just as deterministic."""
    return options[int(rng.random() * len(options))]


def _below(rng: random.Random, stop: int) -> int:
    return int(rng.random() * stop)


def _between(rng: random.Random, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high``, both included."""
    return low + int(rng.random() * (high - low + 1))


_PRIMARY_KINDS = _Weighted(
    ("s4", 62),
    ("s5", 20),
    ("inchoate", 2),
    ("other_section", 5),
    ("other_offense", 8),
    ("unrecognized", 3),
)
_ASSOCIATED_KINDS = _Weighted(
    ("violent", 3), ("conditional", 3), ("section7", 2), ("other", 5), ("cannabis", 4)
)
_SUBSECTION_INDEX = _Weighted((0, 18), (1, 24), (2, 26), (3, 14), (4, 8), (5, 5), (6, 5))
_DISPOSITION_KINDS = _Weighted(
    ("conviction", 80), ("supervision", 7), ("none", 8), ("relieved", 2), ("unknown", 3)
)
_SENTENCE_KINDS = _Weighted(
    ("term", 22),
    ("years", 10),
    ("days", 8),
    ("done", 12),
    ("financial", 12),
    ("mixed", 10),
    ("unreadable", 6),
    ("empty", 20),
)
_DATE_STYLES = _Weighted(
    ("us", 40),
    ("us_short", 8),
    ("us_time", 6),
    ("iso", 14),
    ("iso_time", 4),
    ("dash", 5),
    ("compact", 5),
    ("mon_yy", 12),
    ("mon_yyyy", 6),
)


def generate_rows(
    n: int, seed: int = DEFAULT_SEED, place: Place = COOK
) -> Iterator[dict[str, str]]:
    """Yield exactly ``n`` rows of an invented ISP list (a blank row is a dict of empty cells),
    of people of ``place`` (Cook County unless told)."""
    rng = random.Random(seed)
    produced = 0
    person = 0
    while produced < n:
        rows = _person_rows(rng, person, place)
        if rng.random() < 0.004:
            rows.append(dict.fromkeys(HEADERS, ""))
        for row in rows:
            if produced == n:
                return
            yield row
            produced += 1
        person += 1


_RECORD_COLUMNS = tuple(
    (field, CANONICAL_HEADERS[field])
    for field in Record.__dataclass_fields__
    if field in CANONICAL_HEADERS
)


def synthetic_records(n: int, seed: int = DEFAULT_SEED) -> Iterator[Record]:
    """The non-blank rows of ``generate_rows(n, seed)`` as the engine's records (as read)."""
    for number, row in enumerate(generate_rows(n, seed), start=1):
        values = {field: row[header].strip() for field, header in _RECORD_COLUMNS}
        if any(values.values()):
            yield Record(row=number, **values)


def write_csv(path: Path | str, n: int, seed: int = DEFAULT_SEED, place: Place = COOK) -> Path:
    """Write ``n`` synthetic rows as a UTF-8 CSV file (RFC 4180, CRLF); same seed, same bytes."""
    path = Path(path)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADERS)
        for row in generate_rows(n, seed, place):
            writer.writerow(row.values())
    return path


def write_xlsx(path: Path | str, n: int, seed: int = DEFAULT_SEED) -> Path:
    """Write ``n`` synthetic rows as an .xlsx workbook, cells typed as Excel would type them.

    ISO dates become real date cells and digit-only SIDs, DCNs, case numbers and ZIP codes become
    numbers, so that reading the workbook gives the same text as reading ``write_csv``'s file.
    """
    from openpyxl import Workbook  # only the writer needs it

    path = Path(path)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("ISP list")
    sheet.append(HEADERS)
    date_headers = {CANONICAL_HEADERS[field] for field in DATE_FIELDS}
    number_headers = {"SID", "DCN", "COURT_CASE_NUMBER", "ZIP"}
    for row in generate_rows(n, seed):
        cells: list[object] = []
        for header, text in row.items():
            if header in date_headers and (day := _iso_date(text)) is not None:
                cells.append(day)
            elif header in number_headers and text.isdigit() and not text.startswith("0"):
                cells.append(int(text))
            else:
                cells.append(text or None)
        sheet.append(cells)
    workbook.save(path)
    return path


def _iso_date(text: str) -> date | None:
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:  # "1975-02-30" is an unreadable date: it stays text
        return None


# People, cases, charges -------------------------------------------------------------------------


def _person_rows(rng: random.Random, person: int, place: Place) -> list[dict[str, str]]:
    sid = str(1_100_000 + person * 3 + _below(rng, 3)) if rng.random() < 0.86 else ""
    last = _pick(rng, _LAST_NAMES)
    first = _pick(rng, _FIRST_NAMES)
    middle = _pick(rng, _MIDDLE_NAMES)
    born = _BORN_FROM + timedelta(days=_below(rng, (_BORN_TO - _BORN_FROM).days))
    city, zip_prefix = _pick(rng, place.cities)
    has_address = rng.random() < 0.9
    person_cells = {
        "SID": sid,
        "LAST_NAME": last,
        "FIRST_NAME": first if rng.random() < 0.97 else first.title(),
        "MIDDLE_NAME": middle,
        "DATE_OF_BIRTH": _date_text(rng, born),
        "SEX": _pick(rng, "MMMMF"),
        "RACE": _pick(rng, "BBBWWHHAU"),
        "ADDRESS": (
            f"{_between(rng, 100, 12999)} {_pick(rng, 'NSEW')} {_pick(rng, place.streets)} "
            f"{_pick(rng, ('ST', 'AVE', 'BLVD', 'RD'))}"
            if has_address
            else ""
        ),
        "CITY": city if has_address else "",
        "STATE": "IL" if has_address else "",
        "ZIP": f"{zip_prefix}{_below(rng, 100):02d}" if has_address else "",
    }
    rows: list[dict[str, str]] = []
    cases = 1 + min(int(rng.expovariate(1.1)), 5)
    for _ in range(cases):
        for charge in _case_charges(rng, born, place):
            row = dict.fromkeys(HEADERS, "")
            row.update(person_cells)
            row.update(charge)
            rows.append(row)
            if rng.random() < 0.015:  # the same charge sent twice by ISP (R20)
                rows.append(dict(row))
    return rows


def _case_charges(rng: random.Random, born: date, place: Place) -> list[dict[str, str]]:
    oldest = min(65, (_LAST_OFFENSE - born).days * 100 // 36525)
    roll = rng.random()
    if roll < 0.04:
        age = _between(rng, 14, 17)
    elif roll < 0.64:
        age = _between(rng, 18, min(30, oldest))
    else:
        age = _between(rng, min(31, oldest), oldest)
    offense = min(born + timedelta(days=age * 365 + _below(rng, 365)), _LAST_OFFENSE)
    if offense > _CRTA and rng.random() < 0.75:
        # most of a list is older than the Act (an adult stays an adult)
        earlier = offense - timedelta(days=365 * _between(rng, 1, 15))
        if earlier > born + timedelta(days=(14 if age < 18 else 18) * 366):
            offense = earlier
    disposed = offense + timedelta(days=_between(rng, 15, 420))
    arrested = offense + timedelta(days=_pick(rng, (0, 0, 0, 1)))
    agency, ori = _pick(rng, place.agencies)
    county = _pick(rng, place.counties) if rng.random() < 0.93 else _pick(rng, place.other_counties)
    case = {
        "DCN": str(_between(rng, 10_000_000, 12_999_999)) if rng.random() < 0.85 else "",
        "ARREST_DATE": _date_text(rng, arrested) if rng.random() < 0.9 else "",
        "ARRESTING_AGENCY": agency,
        "ARREST_ORI": ori,
        "COUNTY": county,
        "COURT_CASE_NUMBER": _case_number(rng, disposed) if rng.random() < 0.995 else "",
        "COURT_LOCATION": _pick(rng, place.courts),
        "OFFENSE_DATE": _date_text(rng, offense) if rng.random() < 0.85 else "",
    }
    disposition_date = _date_text(rng, disposed) if rng.random() < 0.99 else ""
    charges = [_primary_charge(rng, offense, disposed)]
    while len(charges) < 4 and rng.random() < 0.22:
        charges.append(_associated_charge(rng, offense, disposed))
    rng.shuffle(charges)
    return [{**case, **charge, "DISPOSITION_DATE": disposition_date} for charge in charges]


def _primary_charge(rng: random.Random, offense: date, disposed: date) -> dict[str, str]:
    kind = _PRIMARY_KINDS.pick(rng)
    if kind in ("s4", "s5", "inchoate"):
        section = "4" if kind == "s4" or (kind == "inchoate" and rng.random() < 0.6) else "5"
        return _cannabis_charge(rng, section, offense, disposed, inchoate=kind == "inchoate")
    if kind == "other_section":
        section, description, klass = _pick(rng, _OTHER_SECTIONS)
        sub = _pick(rng, "abcd")
        return _charge(
            rng,
            _cca_statute(rng, section, sub, offense),
            description,
            _class_text(rng, klass),
            disposed,
        )
    if kind == "other_offense":
        return _other_offense(rng, offense, disposed)
    description = _pick(rng, ("POSSESSION OF CANNABIS", "POSS CANNABIS 2.5-10 GRAMS", ""))
    return _charge(rng, _pick(rng, _UNRECOGNIZED), description, _class_text(rng, "B"), disposed)


def _associated_charge(rng: random.Random, offense: date, disposed: date) -> dict[str, str]:
    kind = _ASSOCIATED_KINDS.pick(rng)
    if kind == "violent":
        modern, old = _pick(rng, _VIOLENT)
        statute = old if old and offense < _ILCS_FROM else modern
        return _charge(rng, statute, "AGG BATTERY", _class_text(rng, "3"), disposed)
    if kind == "conditional":
        modern, old = _pick(rng, _CONDITIONAL)
        statute = old if old and offense < _ILCS_FROM else modern
        return _charge(rng, statute, "BATTERY", _class_text(rng, "A"), disposed)
    if kind == "section7":
        statute = _cca_statute(rng, "7", "", offense)
        return _charge(
            rng, statute, "CANNABIS - DELIVERY TO MINOR (ENHANCED)", _class_text(rng, "2"), disposed
        )
    if kind == "other":
        return _other_offense(rng, offense, disposed)
    return _cannabis_charge(rng, _pick(rng, "445"), offense, disposed, inchoate=False)


def _other_offense(rng: random.Random, offense: date, disposed: date) -> dict[str, str]:
    description, modern, old, klass = _pick(rng, _OTHER_OFFENSES)
    statute = old if old and offense < _ILCS_FROM else modern
    return _charge(rng, statute, description, _class_text(rng, klass), disposed)


def _cannabis_charge(
    rng: random.Random, section: str, offense: date, disposed: date, *, inchoate: bool
) -> dict[str, str]:
    index = _SUBSECTION_INDEX.pick(rng)
    sub = _SUBSECTIONS[index]
    new_table = section == "4" and offense >= _NEW_TABLE_FROM
    if section == "4":
        table = _CLASS_S4_NEW if new_table else _CLASS_S4_OLD
        first, subsequent = table[index]
        klass = subsequent if rng.random() < 0.2 else first
        grams = (_GRAMS_NEW if new_table else _GRAMS_OLD)[index]
        description = f"POSS CANNABIS {grams}"
    else:
        klass = _CLASS_S5[index]
        description = f"MFG/DEL CANNABIS {_GRAMS_OLD[index]}"
    if rng.random() < 0.08:
        sub = ""  # no subsection: amount from the description, class as recorded
    if rng.random() < 0.06:
        description = "POSSESSION OF CANNABIS" if section == "4" else "MANUFACTURE/DELIVER CANNABIS"
    roll = rng.random()
    if roll < 0.12:
        class_text = ""
    elif roll < 0.15:
        class_text = _pick(rng, ("U", "UNK", "MISD", "FEL", "F", "MISDEMEANOR"))
    elif roll < 0.18:
        class_text = _class_text(rng, _pick(rng, "ABC1234X"))  # a class that may conflict
    else:
        class_text = _class_text(rng, klass)
    statute = _cca_statute(rng, section, sub, offense)
    if inchoate:
        statute = _inchoate(rng, statute, offense)
    return _charge(rng, statute, description, class_text, disposed)


def _charge(
    rng: random.Random, statute: str, description: str, class_text: str, disposed: date
) -> dict[str, str]:
    kind = _DISPOSITION_KINDS.pick(rng)
    if kind == "conviction":
        disposition = _pick(rng, _CONVICTIONS)
        sentence = _sentence(rng)
    elif kind == "supervision":
        disposition = _pick(rng, _SUPERVISIONS)
        sentence = _pick(rng, ("", "12 MOS SUPERVISION", "FINE $100", "6 MOS SUPERVISION"))
    elif kind == "none":
        disposition = _pick(rng, _NO_CONVICTIONS)
        sentence = ""
    elif kind == "relieved":
        disposition = _pick(rng, _RELIEVED)
        sentence = ""
    else:
        disposition = _pick(rng, _UNKNOWN_DISPOSITIONS)
        sentence = _pick(rng, ("", "SEE FILE"))
    return {
        "STATUTE": statute,
        "OFFENSE_DESCRIPTION": description,
        "OFFENSE_CLASS": class_text,
        "DISPOSITION": disposition,
        "SENTENCE": sentence,
    }


def _sentence(rng: random.Random) -> str:
    kind = _SENTENCE_KINDS.pick(rng)
    if kind == "term":
        return _pick(rng, _TERMS).format(n=_pick(rng, (6, 12, 18, 24, 30)))
    if kind == "years":
        return _pick(rng, _YEAR_TERMS).format(n=_between(rng, 1, 4))
    if kind == "days":
        return _pick(rng, _DAY_TERMS).format(n=_pick(rng, (1, 10, 30, 90)))
    if kind == "done":
        return _pick(rng, _DONE)
    if kind == "financial":
        return _pick(rng, _FINANCIAL)
    if kind == "mixed":
        term = _pick(rng, _TERMS).format(n=_pick(rng, (12, 24)))
        return f"{term}{_pick(rng, ('; ', ', ', ' / '))}{_pick(rng, _FINANCIAL)}"
    if kind == "unreadable":
        return _pick(rng, (*_UNREADABLE_SENTENCES, "12 MOS PROBATION;", "2 YRS PROBATION, TASC"))
    return ""


# Statutes ---------------------------------------------------------------------------------------


def _cca_statute(rng: random.Random, section: str, sub: str, offense: date) -> str:
    """Section ``section`` of the Cannabis Control Act in one of the spellings of spec 4.1/4.2."""
    if offense < _ILCS_FROM and rng.random() < 0.85:
        paragraph = _paragraph(section)
        forms: tuple[str, ...] = (
            "56.5-{p}-{S}",
            "56 1/2-{p}({s})",
            "56-1/2-{p}({s})",
            "56½-{p}({s})",
            "CH 56.5 PAR {p}({S})",
            "ILL REV STAT CH 56 1/2 PAR {p} {S}",
            "56.5/{p}({s})",
        )
        text = _pick(rng, forms).format(p=paragraph, s=sub, S=sub.upper())
    else:
        forms = (
            "720 ILCS 550/{n}({s})",
            "720 ILCS 550.0/{n}-{S}",
            "720-550/{n}({S})",
            "720-550.0/{n}-{S}",
            "720 550/{n}({S})",
            "720 550/{n} {S}",
            "720ILCS550/{n}({s})(1)",
            "720-550/{n}{S}",
            "720 ILCS 550/{n} {S}",
            "720  ILCS 550\\{n}({s})",
        )
        text = _pick(rng, forms).format(n=section, s=sub, S=sub.upper())
    if not sub:
        text = text.replace("()", "").replace("(1)", "").rstrip(" -")
    return text


def _paragraph(section: str) -> str:
    whole, _, decimal = section.partition(".")
    return f"{700 + int(whole)}{'.' + decimal if decimal else ''}"


def _inchoate(rng: random.Random, inner: str, offense: date) -> str:
    if rng.random() < 0.3:
        return f"{_pick(rng, ('ATTEMPT', 'ATT'))} {inner}"
    section = _pick(rng, ("8-4", "8-4", "8-2", "8-1"))
    if offense < _ILCS_FROM and rng.random() < 0.5:
        return f"38-{section}/{inner}"
    outer = _pick(rng, (f"720-5/{section}", f"720 ILCS 5/{section} "))
    return f"{outer}({inner})"


# Dates and numbers ------------------------------------------------------------------------------


def _date_text(rng: random.Random, day: date) -> str:
    if rng.random() < 0.006:
        return _pick(rng, _UNREADABLE_DATES)
    style = _DATE_STYLES.pick(rng)
    if style == "mon_yy" and not 1930 <= day.year <= 2029:
        style = "mon_yyyy"  # a two-digit year outside 1930-2029 would be read in another century
    y, m, d = day.year, day.month, day.day
    if style == "us":
        return f"{m:02d}/{d:02d}/{y}"
    if style == "us_short":
        return f"{m}/{d}/{y}"
    if style == "us_time":
        return f"{m}/{d}/{y} 12:00:00 AM"
    if style == "iso":
        return f"{y}-{m:02d}-{d:02d}"
    if style == "iso_time":
        return f"{y}-{m:02d}-{d:02d} 00:00:00"
    if style == "dash":
        return f"{m:02d}-{d:02d}-{y}"
    if style == "compact":
        return f"{y}{m:02d}{d:02d}"
    month = _MONTHS[m - 1] if rng.random() < 0.9 else _MONTHS[m - 1].title()
    if style == "mon_yy":
        return f"{d:02d}-{month}-{y % 100:02d}"
    return f"{d}-{month}-{y}"


def _case_number(rng: random.Random, disposed: date) -> str:
    year = disposed.year
    serial = _below(rng, 10_000_000)
    form = _below(rng, 5)
    if form == 0:
        return f"{year % 100:02d}CR{serial:07d}01"
    if form == 1:
        return f"{year % 100:02d}-CR-{serial:07d}-01"
    if form == 2:
        return f"{year}-{serial:07d}"
    if form == 3:
        return f"{year}{_between(rng, 1, 6)}{serial:06d}"[:12]
    return f"{year % 100:02d}C{_between(rng, 1, 6)}{serial:06d}"


def _class_text(rng: random.Random, klass: str) -> str:
    """A class (X, 1-4, A-C, CIVIL) in one of the spellings of spec 5.1."""
    if klass == "CIVIL":
        return _pick(rng, ("CIVIL", "CIVIL LAW VIOLATION", "CLV", "P", "PETTY", "ORDINANCE"))
    if klass in "ABC":
        forms = (
            "{k}",
            "CLASS {k}",
            "M{k}",
            "MISD {k}",
            "Class {k} Misdemeanor",
            "CL {k}",
            "{k} MISD",
        )
    else:
        forms = (
            "{k}",
            "CLASS {k}",
            "F{k}",
            "FEL {k}",
            "Class {k} Felony",
            "{k} FELONY",
            "FELONY {k}",
            "{k} FEL",
        )
    return _pick(rng, forms).format(k=klass)
