"""After the retention period, no personal data of an expunged record remains anywhere."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import AuditEvent
from eligibility import services as eligibility_services
from eligibility.models import Conviction, IspList
from filings import services
from filings.models import Packet
from review.models import BatchItem
from review.selectors import batches as batch_selectors
from review.services import batches
from review.services import reviews as review_services
from tests.filings.conftest import squashed

pytestmark = pytest.mark.django_db

HEADER = (
    "SID,LAST_NAME,FIRST_NAME,DATE_OF_BIRTH,COUNTY,COURT_CASE_NUMBER,COURT_LOCATION,OFFENSE_DATE,"
    "STATUTE,OFFENSE_CLASS,DISPOSITION,DISPOSITION_DATE,SENTENCE,ADDRESS,CITY,STATE,ZIP"
)
PEOPLE = [
    ("7000001", "QUIXANTHOR", "ZELDABETH", "1961-03-17", "4411 W ZYZZYVA ST"),
    ("7000002", "VRBLOWSKI", "OCTAVIAN", "1958-11-29", "93 N PLUMQUOT AVE"),
]
BYSTANDER = ("7000003", "KEEPWELL", "HORTENSE", "1970-07-07", "1 MAIN ST")


def row(sid, last, first, born, street, case):
    return (
        f"{sid},{last},{first},{born},COOK,{case},MUNICIPAL DISTRICT 3,2010-01-01,"
        f"720 ILCS 550/4(b),B,GUILTY,2010-05-10,FINE $100,{street},CHICAGO,IL,60601"
    )


def media_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def readable_text(name: str, data: bytes) -> Iterator[tuple[str, str]]:
    """``(where, text)`` for one stored file and, recursively, for every member of a zip in it
    (``packet.zip!motion.pdf``): a PDF's text and its metadata, every cell of a workbook (and its
    parts, for what is not in a cell), any other file's bytes decoded. Raw bytes cannot see
    inside a compressed zip, nor read a PDF's text."""
    lower = name.lower()
    if lower.endswith(".pdf"):
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        metadata = [str(value) for value in (reader.metadata or {}).values()]
        yield name, "\n".join([*pages, *metadata])
        return
    if lower.endswith(".xlsx"):
        workbook = load_workbook(io.BytesIO(data), read_only=True)
        cells = [
            str(value)
            for sheet in workbook.worksheets
            for values in sheet.iter_rows(values_only=True)
            for value in values
            if value is not None
        ]
        workbook.close()
        yield name, "\n".join(cells)
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.namelist():
                yield from readable_text(f"{name}!{member}", archive.read(member))
    elif not lower.endswith(".xlsx"):
        yield name, data.decode("utf-8-sig", errors="replace")


def stored_files_text(root: Path) -> dict[str, str]:
    """What every file under ``root`` says, zip members and all: where -> text."""
    texts: dict[str, str] = {}
    for path in media_files(root):
        for where, text in readable_text(str(path.relative_to(root)), path.read_bytes()):
            texts[where] = texts.get(where, "") + "\n" + text
    return texts


def found_in(secret: str, texts: dict[str, str]) -> list[str]:
    """Where ``secret`` appears, in any case, wherever a line or a table cell wrapped it."""
    wanted = squashed(secret).casefold()
    return [where for where, text in texts.items() if wanted in squashed(text).casefold()]


def dates_of_birth(born: str) -> tuple[str, ...]:
    """A date of birth as the list writes it and as any document may print it."""
    day = date.fromisoformat(born)
    return (
        born,
        f"{day:%m/%d/%Y}",
        f"{day.month}/{day.day}/{day.year}",
        f"{day:%B} {day.day}, {day.year}",
    )


def secrets_of(person: tuple[str, str, str, str, str]) -> tuple[str, ...]:
    sid, last, first, born, street = person
    return (last, first, *dates_of_birth(born), sid, street)


def everything_stored() -> str:
    """Every text and JSON value of every row of every table, as one string."""
    chunks = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if f.get_internal_type() in {"CharField", "TextField", "JSONField", "FileField"}
        ]
        if fields:
            for values in model._base_manager.values_list(*fields):
                chunks.append(json.dumps(values, default=str))
    return "\n".join(chunks)


@pytest.fixture
def granted(settings, tmp_path, asa, supervisor2, clerk, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "list.csv"
    lines = [HEADER] + [row(*p, case=f"10C{i}") for i, p in enumerate([*PEOPLE, BYSTANDER])]
    path.write_text("\n".join(lines) + "\n")
    with django_capture_on_commit_callbacks(execute=True):
        isp_list = eligibility_services.list_store_file(
            path=path, filename="list.csv", as_of=timezone.localdate(), user=None
        )
    for conviction in Conviction.objects.all():
        review_services.decision_record(
            conviction=conviction,
            reviewer=asa,
            kind="confirm",
            version=0,
            note=f"Spoke with {conviction.first_name} {conviction.last_name}",
        )
    batch = batches.batch_create(court_location="MUNICIPAL DISTRICT 3", user=asa)
    batches.batch_transition(batch=batch, action="submit", user=asa)
    batches.batch_transition(batch=batch, action="approve", user=supervisor2)
    with django_capture_on_commit_callbacks(execute=True):
        packet = services.packet_request(batch=batch, user=clerk)
    packet.refresh_from_db()
    services.packet_file(
        packet=packet, user=clerk, filed_on=timezone.localdate(), court_call="Call 1"
    )
    long_ago = timezone.localdate() - timedelta(days=90)
    rulings = {
        c.pk: ("granted" if c.sid != BYSTANDER[0] else "denied", long_ago)
        for c in Conviction.objects.all()
    }
    services.outcomes_record(packet=packet, user=clerk, rulings=rulings)
    IspList.objects.filter(pk=isp_list.pk).update(uploaded_at=timezone.now() - timedelta(days=45))
    return packet


@pytest.fixture
def resent(granted, tmp_path, asa, django_capture_on_commit_callbacks):
    """The first granted person and the denied bystander again, on a list sent again a month
    later (uploaded just now): the same convictions on a second list, which no ruling names.
    An attorney's note on the copy names the person."""
    path = tmp_path / "resent.csv"
    lines = [HEADER, row(*BYSTANDER, case="10C2"), row(*PEOPLE[0], case="10C0")]
    path.write_text("\n".join(lines) + "\n")
    with django_capture_on_commit_callbacks(execute=True):
        isp_list = eligibility_services.list_store_file(
            path=path, filename="resent.csv", as_of=timezone.localdate(), user=None
        )
    copy = isp_list.convictions.get(sid=PEOPLE[0][0])
    # The first list's decision came over with the copy (issue 18); the attorney decides again.
    assert copy.review.decision.carried_from is not None
    review_services.decision_record(
        conviction=copy,
        reviewer=asa,
        kind="confirm",
        version=copy.review.version,
        note=f"Same as before: {copy.first_name} {copy.last_name}",
    )
    return isp_list


def test_a_purge_leaves_no_name_or_date_of_birth_of_the_expunged_anywhere(
    granted, resent, settings, capsys
):
    root = Path(settings.MEDIA_ROOT)
    assert PEOPLE[0][1] in everything_stored()
    assert media_files(root), "the list file and the packet are on disk before the purge"
    # The search reads inside the packet: everyone is in every kind of document before.
    before = stored_files_text(root)
    packet_zip = Path(Packet.objects.get().file.name).name
    for _sid, last, _first, born, street in [*PEOPLE, BYSTANDER]:
        for member in ("motion.pdf", "exhibit-a.xlsx", "notices.pdf", "mailing-list.csv"):
            assert any(w.endswith(f"{packet_zip}!{member}") for w in found_in(last, before)), (
                last,
                member,
            )
        assert any("!orders/" in where for where in found_in(last, before)), last
        shown = dates_of_birth(born)[1]
        assert any(w.endswith("!motion.pdf") for w in found_in(shown, before)), shown
        assert any(w.endswith("!exhibit-a.xlsx") for w in found_in(shown, before)), shown
        assert any(w.endswith("!notices.pdf") for w in found_in(street, before)), street

    call_command("purge_expunged")
    assert (
        "2 convictions purged (and 1 other copy), 0 packet files deleted (1 re-rendered without "
        "purged people), 1 uploaded list files deleted (and 1 holding a purged person)"
    ) in capsys.readouterr().out

    stored = everything_stored()
    texts = stored_files_text(root)
    for person in PEOPLE:
        for secret in secrets_of(person):
            assert secret not in stored, secret
            assert not found_in(secret, texts), (secret, found_in(secret, texts))
            for path in media_files(root):
                assert secret.encode() not in path.read_bytes(), (secret, path)
    assert BYSTANDER[1] in stored, "a denied conviction keeps its data"
    assert resent.convictions.get(sid=BYSTANDER[0]).last_name == BYSTANDER[1]
    # ...and stays in the packet, which the search finds inside its documents.
    bystander = found_in(BYSTANDER[1], texts)
    for member in ("motion.pdf", "exhibit-a.xlsx", "notices.pdf", "mailing-list.csv"):
        assert any(where.endswith(f"!{member}") for where in bystander), (member, bystander)
    assert any("!orders/" in where for where in bystander), bystander
    assert any(w.endswith("!exhibit-a.xlsx") for w in found_in("07/07/1970", texts))
    assert any(w.endswith("!notices.pdf") for w in found_in(BYSTANDER[4], texts))
    purged = Conviction.objects.filter(purged_at__isnull=False)
    # The date of birth as read (a date, for finding a person by it) goes with its text.
    assert not purged.filter(born_on__isnull=False).exists()
    assert purged.filter(court_outcome__ruling="granted").count() == 2
    assert purged.filter(isp_list=resent).count() == 1, "the copy on the list sent again"
    assert purged.count() == 3
    kept = purged.first()
    assert kept.court_location == "MUNICIPAL DISTRICT 3" and kept.determination == "ELIGIBLE"
    assert kept.disposition_date == "2010-05-10" and kept.statute == "720 ILCS 550/4(b)"
    assert AuditEvent.objects.filter(action="purge.convictions").count() == 1


def test_the_packet_file_goes_once_every_conviction_in_it_is_purged(granted, settings):
    from filings.models import CourtOutcome

    CourtOutcome.objects.update(ruling="granted")
    call_command("purge_expunged")
    packet = Packet.objects.get()
    assert packet.purged_at is not None and not packet.file
    assert not media_files(Path(settings.MEDIA_ROOT))
    call_command("purge_expunged")  # idempotent
    assert AuditEvent.objects.filter(action="purge.packet").count() == 1


def test_nothing_is_purged_before_the_retention_period(granted, settings):
    settings.RETENTION_DAYS = 120
    settings.SOURCE_RETENTION_DAYS = 60
    call_command("purge_expunged")
    assert not Conviction.objects.filter(purged_at__isnull=False).exists()
    assert IspList.objects.get().file


def test_nobody_downloads_a_purged_packet(granted, client, clerk):
    from filings.models import CourtOutcome

    CourtOutcome.objects.update(ruling="granted")
    call_command("purge_expunged")
    client.force_login(clerk)
    assert client.get(f"/filings/{granted.pk}/download/").status_code == 404


# A packet with a purged person in it (issue 15) ------------------------------------------------


def downloaded(client, packet) -> dict[str, str]:
    response = client.get(f"/filings/{packet.pk}/download/")
    assert response.status_code == 200
    return dict(readable_text("packet.zip", b"".join(response.streaming_content)))


def test_a_packet_with_a_denied_conviction_is_re_rendered_without_the_purged(
    granted, client, clerk
):
    filed = Packet.objects.get()
    granted_ids = sorted(Conviction.objects.exclude(sid=BYSTANDER[0]).values_list("pk", flat=True))
    call_command("purge_expunged")

    packet = Packet.objects.get()
    # What was filed stays on record: its hash, its manifest, its counts and its lines.
    assert (packet.sha256, packet.files, packet.counts) == (filed.sha256, filed.files, filed.counts)
    assert packet.exhibit_lines == filed.exhibit_lines
    assert packet.file and packet.file.name != filed.file.name
    assert packet.purged_at is None and packet.reissued_at is not None
    assert sorted(packet.removed_convictions) == granted_ids
    assert not Path(filed.file.path).exists(), "the file that named them is gone"

    client.force_login(clerk)
    texts = downloaded(client, packet)
    for person in PEOPLE:
        for secret in secrets_of(person):
            assert not found_in(secret, texts), secret
    # The bystander keeps the line number the court has (Exhibit A is uploaded back by it).
    exhibit = texts["packet.zip!exhibit-a.xlsx"].split("\n")
    assert exhibit[exhibit.index(BYSTANDER[1]) - 1] == "3"
    assert len(found_in(BYSTANDER[1], texts)) >= 5

    page = client.get(f"/filings/{packet.pk}/").content.decode()
    assert filed.sha256 in page and filed.files[0]["sha256"] in page
    assert BYSTANDER[1] in page and "expunged" in page
    for person in PEOPLE:
        assert person[1] not in page

    call_command("purge_expunged")  # idempotent: nothing more to take out
    assert Packet.objects.get().file.name == packet.file.name
    events = AuditEvent.objects.filter(action="purge.packet_reissue")
    assert events.count() == 1
    assert events.get().detail["removed"] == granted_ids


def test_a_packet_that_cannot_be_re_rendered_is_deleted(granted, monkeypatch, settings):
    def broken(*args, **kwargs):
        raise RuntimeError("no fonts today")

    monkeypatch.setattr("filings.services.build_packet", broken)
    call_command("purge_expunged")
    packet = Packet.objects.get()
    assert not packet.file and packet.purged_at is not None
    assert not [p for p in media_files(Path(settings.MEDIA_ROOT)) if "packets" in p.parts]
    assert AuditEvent.objects.filter(action="purge.packet").count() == 1


def test_nobody_downloads_a_packet_file_that_still_holds_a_purged_conviction(
    granted, client, clerk
):
    # As if the purge stopped between the convictions and their packet.
    Conviction.objects.filter(sid=PEOPLE[0][0]).update(purged_at=timezone.now())
    client.force_login(clerk)
    assert client.get(f"/filings/{granted.pk}/download/").status_code == 404
    assert "Download the packet" not in client.get(f"/filings/{granted.pk}/").content.decode()


# The same conviction on other lists (issue 15) -------------------------------------------------


def test_the_same_conviction_on_a_list_sent_again_is_purged_with_its_file(
    granted, resent, settings
):
    copy = resent.convictions.get(sid=PEOPLE[0][0])
    kept = resent.convictions.get(sid=BYSTANDER[0])
    call_command("purge_expunged")

    copy.refresh_from_db()
    assert copy.purged_at is not None
    assert (copy.sid, copy.last_name, copy.first_name, copy.date_of_birth) == ("", "", "", "")
    assert (copy.address_line, copy.court_case_number, copy.raw) == ("", "", {})
    assert copy.person_key.startswith("T|")
    assert not copy.decisions.exclude(note="").exists()
    kept.refresh_from_db()
    assert kept.purged_at is None and kept.last_name == BYSTANDER[1]
    assert kept.person_key == f"S|{BYSTANDER[0]}"
    resent.refresh_from_db()
    assert not resent.file and resent.file_purged_at is not None, "it held a purged person"
    event = AuditEvent.objects.get(action="purge.convictions")
    assert event.detail["copies"] == [copy.pk]


def test_a_copy_is_the_same_person_case_statute_and_disposition_date(
    granted, tmp_path, django_capture_on_commit_callbacks
):
    sid, last, first, born, street = PEOPLE[1]
    other = [
        row(sid, last, first, born, street, case="10C9"),  # another case
        row(sid, last, first, born, street, case="10C1").replace("2010-05-10", "2011-05-10"),
        row(sid, last, first, born, street, case="10C1").replace("550/4(b)", "550/5(b)"),
        row("", last, first, born, street, case="10C1"),  # no SID: another person key
        row(sid, last, first, born, street, case="10-C-1"),  # the same case, written otherwise
    ]
    path = tmp_path / "other.csv"
    path.write_text("\n".join([HEADER, *other]) + "\n")
    with django_capture_on_commit_callbacks(execute=True):
        isp_list = eligibility_services.list_store_file(
            path=path, filename="other.csv", as_of=timezone.localdate(), user=None
        )
    call_command("purge_expunged")
    purged = set(isp_list.convictions.filter(purged_at__isnull=False).values_list("row_number"))
    assert purged == {(5,)}
    assert isp_list.convictions.get(row_number=1).last_name == last


def test_a_superseded_packet_holding_a_purged_person_loses_its_file(
    settings, tmp_path, asa, supervisor2, clerk, django_capture_on_commit_callbacks
):
    """A batch sent back after its packet was made, one conviction taken out, approved again:
    the old packet (never downloaded again) still holds that conviction, which later goes to
    court in another batch and is purged. The old packet's file must not keep it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "list.csv"
    lines = [HEADER, row(*PEOPLE[0], case="10C0"), row(*BYSTANDER, case="10C1")]
    path.write_text("\n".join(lines) + "\n")
    with django_capture_on_commit_callbacks(execute=True):
        eligibility_services.list_store_file(
            path=path, filename="list.csv", as_of=timezone.localdate(), user=None
        )
    gone, kept = Conviction.objects.get(sid=PEOPLE[0][0]), Conviction.objects.get(sid=BYSTANDER[0])
    for conviction in (gone, kept):
        review_services.decision_record(
            conviction=conviction, reviewer=asa, kind="confirm", version=0
        )

    def approved_packet(batch):
        batches.batch_transition(batch=batch, action="submit", user=asa)
        batches.batch_transition(batch=batch, action="approve", user=supervisor2)
        with django_capture_on_commit_callbacks(execute=True):
            packet = services.packet_request(batch=batch, user=clerk)
        packet.refresh_from_db()
        return packet

    first = batches.batch_create(court_location="MUNICIPAL DISTRICT 3", user=asa)
    old = approved_packet(first)
    batches.batch_transition(batch=first, action="send_back", user=supervisor2, comment="Redo")
    batches.batch_transition(batch=first, action="reopen", user=asa)
    batches.batch_remove_items(batch=first, conviction_ids=[gone.pk], user=asa)
    approved_packet(first)
    second = batches.batch_create(court_location="MUNICIPAL DISTRICT 3", user=asa)
    filed = approved_packet(second)
    services.packet_file(packet=filed, user=clerk, filed_on=timezone.localdate(), court_call="C")
    long_ago = timezone.localdate() - timedelta(days=90)
    services.outcomes_record(packet=filed, user=clerk, rulings={gone.pk: ("granted", long_ago)})
    old.refresh_from_db()
    assert old.is_superseded and old.file and old.exhibit_lines == [gone.pk, kept.pk]
    assert found_in(PEOPLE[0][1], stored_files_text(Path(settings.MEDIA_ROOT)))

    call_command("purge_expunged")

    old.refresh_from_db()
    assert not old.file and old.purged_at is not None
    texts = stored_files_text(Path(settings.MEDIA_ROOT))
    for secret in secrets_of(PEOPLE[0]):
        assert found_in(secret, texts) == [], secret


def test_a_purged_copy_is_never_claimed_batched_or_decided_again(
    granted, resent, tmp_path, asa, django_capture_on_commit_callbacks
):
    path = tmp_path / "third.csv"
    newcomer = ("7000009", "NEWLYCOME", "ARABELLA", "1975-01-02", "2 MAIN ST")
    lines = [HEADER, row(*PEOPLE[0], case="10C0"), row(*newcomer, case="11C9")]
    path.write_text("\n".join(lines) + "\n")
    with django_capture_on_commit_callbacks(execute=True):
        third = eligibility_services.list_store_file(
            path=path, filename="third.csv", as_of=timezone.localdate(), user=None
        )
    undecided = third.convictions.get(sid=PEOPLE[0][0])
    decided = resent.convictions.get(sid=PEOPLE[0][0])
    # Decided eligible, but its first list's copy was filed and ruled on: a conviction goes to
    # court once (issue 18), so even before the purge it is not offered for a batch.
    assert decided.review.decision.outcome == "ELIGIBLE"
    assert not BatchItem.objects.filter(conviction=decided).exists()
    assert decided.pk not in set(
        batch_selectors.batchable_convictions().values_list("pk", flat=True)
    )

    call_command("purge_expunged")

    undecided.refresh_from_db()
    assert undecided.purged_at is not None
    claimed = review_services.review_claim_next(reviewer=asa, count=100)
    # The bystander's copy carries its decision from the first list: only the newcomer is left.
    assert claimed == [third.convictions.get(sid=newcomer[0]).pk]
    assert decided.pk not in set(
        batch_selectors.batchable_convictions().values_list("pk", flat=True)
    )
    with pytest.raises(review_services.ReviewRefused, match="expunged"):
        review_services.decision_record(
            conviction=undecided, reviewer=asa, kind="confirm", version=1
        )
