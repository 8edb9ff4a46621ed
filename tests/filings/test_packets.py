"""The court packet of a batch (issue 7): motion, orders, Exhibit A, notices, mailing list,
manifest, in one zip."""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
from datetime import date
from pathlib import Path

import billiard
import pytest
from openpyxl import load_workbook

from eligibility.models import Conviction
from filings.documents.data import PacketConviction, PacketError, shown_date
from filings.documents.pdfs import Press, RefusingFetcher, motion_pdf, notices_pdf, order_pdfs
from filings.packets import MANIFEST, PacketFile, build_packet, packet_filename
from tests.filings.conftest import (
    HARD_NAMES,
    BuiltPacket,
    conviction,
    packet_request,
    pdf_pages,
    pdf_text,
    squashed,
    zip_members,
)


def case_file(case_number: str) -> str:
    return "orders/order-" + re.sub(r"[^A-Z0-9]", "", case_number.upper()) + ".pdf"


def test_the_zip_holds_the_motion_an_order_per_case_the_exhibit_notices_and_manifest(
    packet: BuiltPacket,
) -> None:
    names = list(packet.members)

    assert names[0] == "motion.pdf"
    assert names[-1] == MANIFEST
    assert {"exhibit-a.xlsx", "notices.pdf", "mailing-list.csv"} <= set(names)
    # 8 convictions; 11-CR-0000777-01 and 11CR000077701 are one case
    assert sorted(n for n in names if n.startswith("orders/")) == sorted(
        {case_file(c.court_case_number) for c in HARD_NAMES}
    )
    assert packet.result.counts.cases == 7
    assert packet.result.counts.convictions == 8


def test_the_motion_lists_every_conviction_by_case_number_and_name(packet: BuiltPacket) -> None:
    text = pdf_text(packet.members["motion.pdf"])
    schedule = squashed(text)

    for c in HARD_NAMES:
        assert squashed(c.court_case_number) in schedule
        assert squashed(c.listed_name) in schedule
    assert "20 ILCS 2630/5.2(i)" in text
    assert "June 25, 2019" in text
    assert "Eileen O'Neill Burke" in text or "EILEEN O'NEILL BURKE" in text


def test_each_order_names_its_case_and_every_person_and_conviction_in_it(
    packet: BuiltPacket,
) -> None:
    for c in HARD_NAMES:
        text = pdf_text(packet.members[case_file(c.court_case_number)])
        assert c.court_case_number in text or c.case_key in text
        assert c.full_name in text
        assert "VACATED" in text
        assert "Illinois State Police" in text
        assert c.arresting_agency in text
        assert "Service list" in text


def test_one_order_vacates_every_conviction_of_its_case(packet: BuiltPacket) -> None:
    text = pdf_text(packet.members[case_file("11-CR-0000777-01")])

    assert "720 ILCS 550/4(c)" in text
    assert "56.5-704-C" in text
    assert "CONVICTIONS" in text  # the title says plural
    # the caption names the person once, then each conviction does
    assert text.count("JOSÉ DE LA CRUZ") == 3
    assert "case No. 11CR000077701 as recorded" in text


def test_names_with_apostrophes_spaces_and_accents_come_out_intact(packet: BuiltPacket) -> None:
    motion = pdf_text(packet.members["motion.pdf"])
    notices = pdf_text(packet.members["notices.pdf"])

    for name in ("O'BRIEN, SEÁN P", "DE LA CRUZ, JOSÉ", "MUÑOZ, ZOË Ü"):
        assert squashed(name) in squashed(motion)
    for name in ("SEÁN P O'BRIEN", "JOSÉ DE LA CRUZ", "ZOË Ü MUÑOZ"):
        assert name in notices
    assert "SEÁN P O'BRIEN" in pdf_text(packet.members[case_file(HARD_NAMES[0].court_case_number)])


def test_a_script_in_a_name_is_printed_as_text(packet: BuiltPacket) -> None:
    motion = squashed(pdf_text(packet.members["motion.pdf"]))
    assert "<script>alert(1)</script>,EVE" in motion
    assert "EVE <script>alert(1)</script>" in pdf_text(packet.members["notices.pdf"])


def test_the_exhibit_has_a_header_and_one_row_per_conviction_numbered_as_the_motion(
    packet: BuiltPacket,
) -> None:
    sheet = load_workbook(io.BytesIO(packet.members["exhibit-a.xlsx"]), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))

    assert rows[0][:6] == (
        "No.",
        "Last name",
        "First name",
        "Middle name",
        "Date of birth",
        "Court case number",
    )
    assert len(rows) == 1 + len(HARD_NAMES)
    assert [row[0] for row in rows[1:]] == list(range(1, len(HARD_NAMES) + 1))
    assert rows[1][1] == "O'BRIEN"
    assert rows[1][4] == "01/02/1980"
    assert rows[1][14].startswith("Cannabis Control Act Section 4")


def test_the_exhibit_and_the_mailing_list_neutralise_formulas(packet: BuiltPacket) -> None:
    sheet = load_workbook(io.BytesIO(packet.members["exhibit-a.xlsx"])).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]

    assert all(cell.data_type != "f" for cell in cells)
    assert not any(text.startswith(("=", "+", "-", "@")) for text in texts)
    assert '\'=HYPERLINK("http://x")' in texts
    assert "'+ADAM" in texts
    assert "'-720 ILCS 550/4(c)" in texts

    mailing = packet.members["mailing-list.csv"].decode("utf-8-sig")
    for row in csv.reader(io.StringIO(mailing)):
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)
    assert "'@1 MAIN ST" in mailing


def test_every_hash_in_the_manifest_matches_its_file(packet: BuiltPacket) -> None:
    manifest = list(csv.DictReader(io.StringIO(packet.members[MANIFEST].decode())))

    assert [row["file"] for row in manifest] == list(packet.members)[:-1]
    for row in manifest:
        data = packet.members[row["file"]]
        assert row["sha256"] == hashlib.sha256(data).hexdigest()
        assert int(row["bytes"]) == len(data)
    zip_bytes = packet.result.zip_path.read_bytes()
    assert packet.result.sha256 == hashlib.sha256(zip_bytes).hexdigest()
    assert packet.result.size == len(zip_bytes)
    assert [f.name for f in packet.result.files] == list(packet.members)


def test_a_letter_goes_to_each_person_with_an_address_and_the_mailing_list_says_where(
    packet: BuiltPacket,
) -> None:
    mailing = list(
        csv.DictReader(io.StringIO(packet.members["mailing-list.csv"].decode("utf-8-sig")))
    )
    pages = pdf_pages(packet.members["notices.pdf"])

    # 8 convictions of 6 people; NOADDRESS has none
    assert packet.result.counts.people == 6
    assert packet.result.counts.notices == 5
    assert packet.result.counts.people_without_address == 1
    assert [row["notice"] for row in mailing] == ["1", "2", "3", "4", "5"]
    assert "PAT NOADDRESS" not in " ".join(pages)
    for row in mailing:
        first = pages[int(row["first_page"]) - 1]
        assert f"notice {row['notice']} of 5" in first
        assert row["address_line"].lstrip("'") in first
    zoe = next(row for row in mailing if row["name"] == "ZOË Ü MUÑOZ")
    letter = pages[int(zoe["first_page"]) - 1]
    assert "12-CR-55" in letter and "10-CR-1234504-01" in letter  # both of her cases


def test_a_letter_goes_to_the_address_of_the_latest_conviction() -> None:
    request = packet_request(
        [
            conviction(1, disposition_date="2015-03-01", address_line="9 NEW ST"),
            conviction(2, last_name="LINDQUIST001", disposition_date="2009-01-01"),
            conviction(3, last_name="LINDQUIST001", disposition_date="", address_line=""),
        ]
    )

    (letter,) = request.letters()

    assert len(letter.person.lines) == 3
    assert letter.person.address_lines == ("9 NEW ST", "CHICAGO, IL 60622")


def test_without_an_address_there_is_no_letter_and_an_empty_mailing_list(tmp_path: Path) -> None:
    request = packet_request([conviction(1, address_line="", city="", state="", zip="")])

    result = build_packet(request, tmp_path, processes=1)

    members = zip_members(result.zip_path)
    assert "notices.pdf" not in members
    assert members["mailing-list.csv"].decode("utf-8-sig").splitlines() == [
        "notice,name,address_line,city,state,zip,first_page,pages,batch"
    ]
    assert result.counts.people_without_address == 1


def test_lines_keep_the_numbers_they_are_given_in_the_motion_the_orders_and_the_exhibit(
    tmp_path: Path,
) -> None:
    # A packet rendered again after a purge: the lines left keep the numbers the court has.
    request = packet_request([conviction(2), conviction(5)], numbers=[2, 5])

    members = zip_members(build_packet(request, tmp_path, processes=1).zip_path)

    sheet = load_workbook(io.BytesIO(members["exhibit-a.xlsx"]), read_only=True).active
    assert [(row[0], row[1]) for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        (2, "LINDQUIST002"),
        (5, "LINDQUIST005"),
    ]
    motion = pdf_text(members["motion.pdf"])
    assert re.search(r"\b2 LINDQUIST002", motion) and re.search(r"\b5 LINDQUIST005", motion)
    assert "5. MARTA LINDQUIST005" in pdf_text(members[case_file("10-CR-1234505-01")])
    with pytest.raises(PacketError, match="1 line numbers for 2 convictions"):
        build_packet(packet_request([conviction(2), conviction(5)], numbers=[2]), tmp_path)


def test_dates_are_shown_as_mm_dd_yyyy_when_readable_and_as_written_otherwise() -> None:
    assert shown_date("1980-01-02") == "01/02/1980"
    assert shown_date("05-JUN-11") == "06/05/2011"
    assert shown_date("20110605") == "06/05/2011"
    assert shown_date(" SUMMER 1999 ") == "SUMMER 1999"
    assert shown_date("") == ""


def test_a_long_motion_numbers_its_pages_and_repeats_the_schedule_header() -> None:
    request = packet_request([conviction(n) for n in range(1, 61)])

    pages = pdf_pages(motion_pdf(request, Press()))

    assert len(pages) > 3
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    schedule = [squashed(page) for page in pages if "Dispositiondate" in squashed(page)]
    assert len(schedule) >= 2
    assert all("Casenumber" in page and "Arrestingagency" in page for page in schedule)
    text = squashed(" ".join(pages))
    for n in range(1, 61):
        assert f"LINDQUIST{n:03d},MARTA" in text


def test_an_order_is_numbered_page_x_of_y_on_its_own() -> None:
    long_case = [
        conviction(n, court_case_number="09-CR-1", statute=f"720 ILCS 550/4(c) count {n}")
        for n in range(1, 13)
    ]
    request = packet_request([*long_case, conviction(20)])

    orders = list(order_pdfs(request, request.cases()))

    long_pages = pdf_pages(orders[0][1])
    assert len(long_pages) >= 2
    for _, pdf in orders:
        pages = pdf_pages(pdf)
        for number, page in enumerate(pages, start=1):
            assert f"Page {number} of {len(pages)}" in page
    assert len(pdf_pages(orders[1][1])) < len(long_pages)
    assert "count 12" in " ".join(long_pages)


def test_a_packet_builds_from_unsaved_conviction_rows(tmp_path: Path) -> None:
    row = Conviction(
        row_number=3,
        last_name="O'MALLEY",
        first_name="NIAMH",
        date_of_birth="02-12-1990",
        dcn="10470549",
        court_case_number="12CR826425901",
        court_location="MUNICIPAL DISTRICT 1",
        arrest_date="03/04/2012",
        arresting_agency="MAYWOOD POLICE DEPARTMENT",
        statute="720-550/4C",
        offense_class="CLASS A",
        disposition="PLEA GUILTY",
        disposition_date="20120816",
        address_line="12 W MAPLE ST",
        city="MAYWOOD",
        state="IL",
        zip="60153",
        details={"basis": "Cannabis Control Act Section 4 (720 ILCS 550/4(c)); Class A"},
    )
    packet_conviction = PacketConviction.from_conviction(row)

    result = build_packet(packet_request([packet_conviction]), tmp_path, processes=1)

    assert packet_conviction.basis.startswith("Cannabis Control Act Section 4")
    assert packet_conviction.date_of_birth_shown == "02/12/1990"
    members = zip_members(result.zip_path)
    assert "O'MALLEY,NIAMH" in squashed(pdf_text(members["motion.pdf"]))
    assert "12CR826425901" in pdf_text(members["orders/order-12CR826425901.pdf"])
    assert "MAYWOOD, IL 60153" in pdf_text(members["notices.pdf"])
    assert result.zip_path == tmp_path / packet_filename("2026-014")


def test_it_refuses_a_conviction_without_a_case_number_or_from_another_court(
    tmp_path: Path,
) -> None:
    with pytest.raises(PacketError, match="has no case number"):
        build_packet(packet_request([conviction(1, court_case_number=" - ")]), tmp_path)
    with pytest.raises(
        PacketError, match=r"line 2 .* is in Municipal District 5, not MUNICIPAL DISTRICT 1"
    ):
        build_packet(
            packet_request([conviction(1), conviction(2, court_location="Municipal District 5")]),
            tmp_path,
        )
    with pytest.raises(PacketError, match="at least one conviction"):
        build_packet(packet_request([]), tmp_path)
    assert list(tmp_path.iterdir()) == []


def _build_with_two_processes(path: str) -> tuple[str, tuple[PacketFile, ...], bool]:
    result = build_packet(packet_request(HARD_NAMES), path, processes=2)
    return result.sha256, result.files, billiard.current_process().daemon


def test_the_same_request_gives_the_same_zip_in_one_process_or_in_a_pool_from_a_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # small parts, so that orders and letters are spread over the pool and merged back
    monkeypatch.setattr("filings.packets.ORDERS_PER_PART", 2)
    monkeypatch.setattr("filings.packets.LETTERS_PER_PART", 2)
    alone = build_packet(packet_request(HARD_NAMES), tmp_path / "alone.zip", processes=1)

    # a prefork Celery worker runs its tasks in a daemonic billiard process
    with billiard.get_context("fork").Pool(1) as worker:
        sha256, files, daemonic = worker.apply(
            _build_with_two_processes, (str(tmp_path / "pooled.zip"),)
        )

    assert daemonic
    assert (sha256, files) == (alone.sha256, alone.files)
    members = zip_members(tmp_path / "pooled.zip")
    mailing = csv.DictReader(io.StringIO(members["mailing-list.csv"].decode("utf-8-sig")))
    letters = [(int(row["first_page"]), int(row["pages"])) for row in mailing]
    assert len(letters) == 5
    assert letters[-1][0] + letters[-1][1] - 1 == len(pdf_pages(members["notices.pdf"]))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alone.zip", "pooled.zip"]


def test_building_again_replaces_the_zip_whole_and_leaves_no_scratch_files(
    tmp_path: Path,
) -> None:
    first = build_packet(packet_request([conviction(1)]), tmp_path, processes=1)
    second = build_packet(packet_request([conviction(1), conviction(2)]), tmp_path, processes=1)

    assert first.zip_path == second.zip_path
    assert second.counts.convictions == 2
    assert [p.name for p in tmp_path.iterdir()] == [first.zip_path.name]


def test_the_templates_render_without_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    # WeasyPrint warns, and goes on, when a rule of the motion's template is wrong or a URL is
    # refused; the orders' and letters' layout refuses what it does not know (PaperError)
    request = packet_request(HARD_NAMES)

    with caplog.at_level(logging.WARNING):
        motion_pdf(request, Press())
        list(order_pdfs(request, request.cases()))
        notices_pdf(request, request.letters(), len(request.letters()))

    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == []


def test_an_order_of_two_convictions_is_one_page_and_so_is_a_letter() -> None:
    request = packet_request(
        [
            conviction(1, court_case_number="11-CR-7"),
            conviction(2, court_case_number="11CR7", last_name="LINDQUIST001"),
        ]
    )

    ((case, order),) = order_pdfs(request, request.cases())
    _, letter_pages = notices_pdf(request, request.letters(), len(request.letters()))

    assert len(case.lines) == 2
    assert len(pdf_pages(order)) == 1
    assert letter_pages == [1] * len(request.letters())


def test_the_renderer_fetches_nothing() -> None:
    fetcher = RefusingFetcher()

    for url in ("http://127.0.0.1:9/x.css", "https://example.org/font.woff", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="load nothing"):
            fetcher.fetch(url)


def test_the_letter_tells_the_hearing_when_there_is_one(tmp_path: Path) -> None:
    request = packet_request(
        [conviction(1)],
        hearing="March 3, 2027, 9:30 a.m., Courtroom 101",
        generated_on=date(2027, 1, 5),
    )

    members = zip_members(build_packet(request, tmp_path, processes=1).zip_path)

    letter = pdf_text(members["notices.pdf"])
    assert "March 3, 2027, 9:30 a.m., Courtroom 101" in letter
    assert "January 5, 2027" in letter


def test_the_papers_print_classes_in_words_and_dates_in_one_format() -> None:
    """Issue 20: a letter to a member of the public said "class MB"; ISP's date spellings
    (``12-DEC-74``, ``4/4/1969 12:00:00 AM``, ``19640914``) went to court as received."""
    request = packet_request(
        [
            conviction(
                1,
                offense_class="MB",
                date_of_birth="12-DEC-74",
                disposition_date="4/4/1999 12:00:00 AM",
            ),
            conviction(2, offense_class="4 FEL", disposition_date="19990914"),
        ]
    )
    motion = squashed(pdf_text(motion_pdf(request, Press())))
    orders = squashed(" ".join(pdf_text(pdf) for _, pdf in order_pdfs(request, request.cases())))
    letters = request.letters()
    notices = squashed(pdf_text(notices_pdf(request, letters, len(letters))[0]))
    for text in (motion, orders, notices):
        assert squashed("Class B misdemeanor") in text, text[:400]
        assert "classMB" not in text
    assert squashed("Class 4 felony") in motion and squashed("Class 4 felony") in orders
    assert "04/04/1999" in motion and "09/14/1999" in motion and "12/12/1974" in motion
    assert "12:00:00" not in motion and "19990914" not in motion and "12-DEC-74" not in motion
    assert squashed("Batch No. 2026-014") in motion  # the reference as the office writes it


@pytest.mark.django_db
def test_a_batch_is_named_by_its_year_and_number_not_batch_twice(asa):
    """Issue 20: "Batch No. batch-4" said batch twice."""
    from django.utils import timezone

    from filings.services import batch_reference
    from tests.factories import BatchFactory

    batch = BatchFactory(created_by=asa)
    year = timezone.localdate(batch.created_at).year
    assert batch_reference(batch) == f"{year}-{batch.pk:03d}"
