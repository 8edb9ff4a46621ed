"""The papers of each county (issue 21): a per-case Cook packet and an omnibus Will packet,
opened with pypdf: the caption names the county's court and circuit, every conviction appears,
the omnibus order grants every line of its Exhibit A, and no other county is named anywhere in
the zip."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from filings.documents.data import PacketConviction
from filings.packets import build_packet
from tests.filings.conftest import (
    conviction,
    packet_request,
    pdf_pages,
    pdf_text,
    shipped_county,
    squashed,
)

# What names each county; none may appear in another county's packet.
COUNTY_WORDS = {
    "cook": ("cook",),
    "will": ("will county", "twelfth"),
    "mchenry": ("mchenry", "twenty-second"),
}


def other_counties(county: str) -> list[str]:
    return [word for key, words in COUNTY_WORDS.items() if key != county for word in words]


def cook_convictions() -> list[PacketConviction]:
    return [
        conviction(1),
        conviction(2, court_case_number="11-CR-0000777-01"),
        conviction(3, court_case_number="11-CR-0000777-01", statute="720 ILCS 550/4(b)"),
        conviction(4, last_name="O'BRIEN", first_name="SEÁN"),
    ]


def will_convictions(count: int = 12) -> list[PacketConviction]:
    made = [
        conviction(
            number,
            arresting_agency="JOLIET POLICE DEPARTMENT" if number % 2 else "WILL COUNTY SHERIFF",
            court_location="Will County Courthouse",
            court_case_number=f"12CM{4_000 + number}",
            city="JOLIET",
            zip="60432",
        )
        for number in range(1, count + 1)
    ]
    # two convictions of one case: still one order for the whole batch
    made.append(conviction(99, court_case_number="12CM4001", court_location=made[0].court_location))
    return made


@dataclass(frozen=True)
class Opened:
    members: dict[str, bytes]
    convictions: list[PacketConviction]

    def text_of_everything(self) -> str:
        """Every word of every file of the zip: PDF pages and metadata, the exhibit's cells,
        the CSVs."""
        texts = []
        for name, data in self.members.items():
            if name.endswith(".pdf"):
                reader = PdfReader(io.BytesIO(data))
                texts.append(pdf_text(data))
                texts.extend(str(value) for value in (reader.metadata or {}).values())
            elif name.endswith(".xlsx"):
                workbook = load_workbook(io.BytesIO(data), read_only=True)
                for sheet in workbook.worksheets:
                    for row in sheet.iter_rows(values_only=True):
                        texts.extend(str(cell) for cell in row if cell is not None)
            else:
                texts.append(data.decode("utf-8-sig"))
        return "\n".join(texts)


def build(tmp_path: Path, convictions: list[PacketConviction], county: str, **fields) -> Opened:
    request = packet_request(
        convictions, county=shipped_county(county), numbers=fields.pop("numbers", ()), **fields
    )
    result = build_packet(request, tmp_path, processes=1)
    with zipfile.ZipFile(result.zip_path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    return Opened(members, convictions)


@pytest.fixture(scope="module")
def cook(tmp_path_factory: pytest.TempPathFactory) -> Opened:
    return build(tmp_path_factory.mktemp("cook"), cook_convictions(), "cook")


@pytest.fixture(scope="module")
def will(tmp_path_factory: pytest.TempPathFactory) -> Opened:
    return build(
        tmp_path_factory.mktemp("will"),
        will_convictions(),
        "will",
        court_location="Will County Courthouse",
    )


def test_a_cook_packet_has_one_order_per_case_captioned_for_the_circuit_court_of_cook_county(
    cook: Opened,
) -> None:
    orders = sorted(name for name in cook.members if name.startswith("orders/"))
    assert len(orders) == 3  # four convictions, two of them in one case
    assert "order.pdf" not in cook.members
    for name in ["motion.pdf", *orders]:
        first_page = pdf_pages(cook.members[name])[0]
        assert first_page.startswith("IN THE CIRCUIT COURT OF COOK COUNTY, ILLINOIS")
    for name in orders:
        assert "Judge, Circuit Court of Cook County" in pdf_text(cook.members[name])
    assert "Clerk of the Circuit Court of Cook County, Richard J. Daley Center" in pdf_text(
        cook.members[orders[0]]
    )


def test_every_cook_conviction_is_in_the_motion_and_in_its_cases_order(cook: Opened) -> None:
    motion = squashed(pdf_text(cook.members["motion.pdf"]))
    orders = {
        name: pdf_text(data) for name, data in cook.members.items() if name.startswith("orders/")
    }
    for c in cook.convictions:
        assert squashed(c.listed_name) in motion and squashed(c.court_case_number) in motion
        assert any(c.full_name in text and c.statute in text for text in orders.values())


def test_a_will_packet_is_one_motion_and_one_order_captioned_for_the_twelfth_circuit(
    will: Opened,
) -> None:
    names = list(will.members)
    assert names[:3] == ["motion.pdf", "order.pdf", "exhibit-a.xlsx"]
    assert not [name for name in names if name.startswith("orders/")]
    caption = "IN THE CIRCUIT COURT OF THE TWELFTH JUDICIAL CIRCUIT, WILL COUNTY, ILLINOIS"
    for name in ("motion.pdf", "order.pdf"):
        assert pdf_pages(will.members[name])[0].startswith(caption)
    order = pdf_text(will.members["order.pdf"])
    assert "Judge, Twelfth Judicial Circuit" in order
    assert "Circuit Court of the Twelfth Judicial Circuit, Will County" in order
    assert "Will County Circuit Clerk, Will County Courthouse, 100 W. Jefferson Street" in order
    motion = pdf_text(will.members["motion.pdf"])
    assert "One proposed order accompanies this motion" in motion
    assert "James W. Glasgow" in motion or "JAMES W. GLASGOW" in motion


def test_the_omnibus_order_grants_every_line_of_its_exhibit_a_by_number(will: Opened) -> None:
    pages = pdf_pages(will.members["order.pdf"])
    order = " ".join(pages)
    count = len(will.convictions)
    assert f"on lines 1 to {count}" in order
    assert "is VACATED" in order and "struck by the Court" in order
    exhibit = squashed(order.split("EXHIBIT A TO THE ORDER", 1)[1])
    for number, c in enumerate(will.convictions, start=1):
        assert squashed(f"{number}{c.listed_name}") in exhibit, number
        assert squashed(c.court_case_number) in exhibit
    # each agency once on the service list
    assert order.count("JOLIET POLICE DEPARTMENT (arresting agency)") == 1
    workbook = load_workbook(io.BytesIO(will.members["exhibit-a.xlsx"]), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == list(range(1, count + 1)), "the same numbers"


def test_every_will_conviction_is_in_the_motion_and_the_letters(will: Opened) -> None:
    motion = squashed(pdf_text(will.members["motion.pdf"]))
    notices = pdf_text(will.members["notices.pdf"])
    for c in will.convictions:
        assert squashed(c.listed_name) in motion
        assert c.court_case_number in notices
    assert "legal aid organizations in Will County give free help" in notices
    assert "has asked the Circuit Court of the Twelfth Judicial Circuit, Will County" in notices


@pytest.mark.parametrize("county", ["cook", "will"])
def test_no_other_county_is_named_anywhere_in_the_packet(county: str, cook, will) -> None:
    opened = {"cook": cook, "will": will}[county]
    everything = opened.text_of_everything().lower()
    for word in other_counties(county):
        assert word not in everything, (county, word)


def test_an_omnibus_order_keeps_the_line_numbers_it_is_given(tmp_path: Path) -> None:
    """A packet rendered again after a purge: the order grants the lines left, by their
    numbers."""
    convictions = will_convictions(3)[:3]
    opened = build(
        tmp_path,
        convictions,
        "will",
        numbers=[2, 5, 9],
        court_location="Will County Courthouse",
    )
    order = pdf_text(opened.members["order.pdf"])
    assert "on lines 2 to 9" in order
    exhibit = squashed(order.split("EXHIBIT A TO THE ORDER", 1)[1])
    for number, c in zip([2, 5, 9], convictions, strict=True):
        assert squashed(f"{number}{c.listed_name}") in exhibit
    assert not re.search(r"\b1 LINDQUIST", order)


def test_the_help_line_is_in_the_letters_when_the_profile_gives_one(tmp_path: Path) -> None:
    request = packet_request(
        [conviction(1)], county=shipped_county("cook", help_line="(312) 555-0100")
    )
    result = build_packet(request, tmp_path, processes=1)
    with zipfile.ZipFile(result.zip_path) as archive:
        notices = pdf_text(archive.read("notices.pdf"))
    assert "call us at (312) 555-0100 or write to us" in notices
