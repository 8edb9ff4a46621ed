"""Convictions for the packet tests, built directly (no database), and a PDF reader."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from eligibility.counties import SHIPPED
from eligibility.models import CountyProfile
from filings.documents.data import PacketConviction, PacketCounty, PacketRequest
from filings.packets import PacketResult, build_packet

GENERATED_ON = date(2026, 11, 25)
LOCATION = "MUNICIPAL DISTRICT 1"


def conviction(number: int = 1, **fields: Any) -> PacketConviction:
    values: dict[str, Any] = {
        "last_name": f"LINDQUIST{number:03d}",
        "first_name": "MARTA",
        "middle_name": "",
        "date_of_birth": "1980-01-02",
        "dcn": f"{11_000_000 + number}",
        "court_case_number": f"10-CR-{1_234_500 + number:07d}-01",
        "court_location": LOCATION,
        "arrest_date": "3/4/2010",
        "arresting_agency": "CHICAGO POLICE DEPARTMENT",
        "statute": "720 ILCS 550/4(c)",
        "offense_class": "A",
        "disposition": "GUILTY",
        "disposition_date": "05-JUN-11",
        "offense_description": "POSS CANNABIS 10-30 GRAMS",
        "basis": "Cannabis Control Act Section 4 (720 ILCS 550/4(c)); Class A misdemeanor; "
        "more than 10 g, not more than 30 g",
        "address_line": f"{100 + number} N MILWAUKEE AVE",
        "city": "CHICAGO",
        "state": "IL",
        "zip": "60622",
    }
    values.update(fields)
    return PacketConviction(**values)


def shipped_county(county: str = "cook", **changes: Any) -> PacketCounty:
    """A shipped county profile as the papers take it (no database)."""
    profile = CountyProfile(county=county, version=1, **{**SHIPPED[county], **changes})
    return PacketCounty.from_profile(profile)


def packet_request(convictions: list[PacketConviction], **fields: Any) -> PacketRequest:
    values: dict[str, Any] = {
        "batch_reference": "2026-014",
        "court_location": LOCATION,
        "generated_on": GENERATED_ON,
        "convictions": convictions,
        "county": shipped_county(),
    }
    values.update(fields)
    return PacketRequest(**values)


def pdf_text(data: bytes) -> str:
    """The text of every page, whitespace collapsed (a table cell may wrap a name)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def squashed(text: str) -> str:
    """Text without any whitespace: what a narrow table cell shows, wherever it wrapped (a
    wrapped line reads back with a space that is not in the name)."""
    return "".join(text.split())


def pdf_pages(data: bytes) -> list[str]:
    return [
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages
    ]


# The batch of the shared packet: hard names, two convictions in one case written two ways,
# one person with two cases, a person without an address, and formula-looking cells.
HARD_NAMES = [
    conviction(1, last_name="O'BRIEN", first_name="SEÁN", middle_name="P"),
    conviction(2, last_name="DE LA CRUZ", first_name="JOSÉ", court_case_number="11-CR-0000777-01"),
    conviction(
        3,
        last_name="DE LA CRUZ",
        first_name="JOSÉ",
        court_case_number="11CR000077701",
        statute="56.5-704-C",
        dcn="11000002",
    ),
    conviction(4, last_name="MUÑOZ", first_name="ZOË", middle_name="Ü"),
    conviction(
        5, last_name="MUÑOZ", first_name="ZOË", middle_name="Ü", court_case_number="12-CR-55"
    ),
    conviction(6, last_name="<script>alert(1)</script>", first_name="EVE"),
    conviction(7, last_name="NOADDRESS", first_name="PAT", address_line="", city="", zip=""),
    conviction(
        8,
        last_name='=HYPERLINK("http://x")',
        first_name="+ADAM",
        statute="-720 ILCS 550/4(c)",
        address_line="@1 MAIN ST",
    ),
]


@dataclass(frozen=True)
class BuiltPacket:
    result: PacketResult
    members: dict[str, bytes]


@pytest.fixture(scope="module")
def packet(tmp_path_factory: pytest.TempPathFactory) -> BuiltPacket:
    """The packet of HARD_NAMES, built once for the module, in one process."""
    target = tmp_path_factory.mktemp("packet")
    result = build_packet(packet_request(HARD_NAMES), target, processes=1)
    with zipfile.ZipFile(result.zip_path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    return BuiltPacket(result, members)


def zip_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def approved_batch(asa: Any, approver: Any, *, court: str, name: str, rows: int = 4) -> Any:
    """A stored list of ``rows`` eligible convictions of ``court``, each confirmed by ``asa``,
    gathered in one batch that ``approver`` (another supervisor: four eyes) approved."""
    from review.services import batches
    from review.services import reviews as review_services
    from tests.review.conftest import make_list

    isp_list = make_list(rows, court=court, name=name)
    for conviction in isp_list.convictions.all():
        review_services.decision_record(
            conviction=conviction, reviewer=asa, kind="confirm", version=0
        )
    batch = batches.batch_create(court_location=court, user=asa)
    batches.batch_transition(batch=batch, action="submit", user=asa)
    return batches.batch_transition(batch=batch, action="approve", user=approver)
