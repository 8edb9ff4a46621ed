"""Lists over time (issue 18): one conviction across every ISP list.

The scenario runs through a real worker on PostgreSQL with Redis, as the office runs it: a first
list is decided, partly batched, filed and ruled on; a second list repeats 40 % of it (some rows
corrected) and brings new rows; later a list brings back a conviction that was granted and
purged. Every expected count comes from how the lists were built, not from the identity code.
"""

from __future__ import annotations

import csv
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from demo.synthetic import HEADERS, generate_rows
from eligibility.models import Conviction, IspList
from eligibility.rules.dates import read_date
from filings import services as filing_services
from filings.models import Packet
from review.models import Batch
from review.selectors import batches as batch_selectors
from review.selectors import queue as queue_selectors
from review.services import batches as batch_services
from review.services.batches import BatchRefused
from tests.factories import BatchItemFactory

from .conftest import decide

AS_OF = "2026-11-25"


def identity_of(row: dict[str, str]) -> tuple[object, ...]:
    """What makes two written rows one conviction, read more strictly than the identity (the
    statute is left out): lists built with distinct keys hold distinct convictions."""
    sid = "".join(row["SID"].split()).upper()
    person = sid or (
        " ".join(row["LAST_NAME"].upper().split()),
        " ".join(row["FIRST_NAME"].upper().split()),
        read_date(row["DATE_OF_BIRTH"]) or row["DATE_OF_BIRTH"].strip().upper(),
    )
    case = "".join(ch for ch in row["COURT_CASE_NUMBER"].upper() if ch.isascii() and ch.isalnum())
    disposed = read_date(row["DISPOSITION_DATE"]) or row["DISPOSITION_DATE"].strip().upper()
    return (person, case, disposed)


def distinct_rows(n: int, seed: int) -> list[dict[str, str]]:
    rows, seen = [], set()
    for row in generate_rows(n, seed):
        if not any(row.values()):
            continue  # a blank row
        key = identity_of(row)
        if key not in seen:
            seen.add(key)
            rows.append(row)
    return rows


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for row in rows:
            writer.writerow(row[header] for header in HEADERS)
    return path


def import_list(path: Path, capsys) -> tuple[IspList, list[str]]:
    capsys.readouterr()  # what earlier commands printed
    call_command("import_list", str(path), "--wait", "--as-of", AS_OF, "--timeout", "300")
    lines = capsys.readouterr().out.strip().splitlines()
    isp_list = IspList.objects.get(filename=path.name)
    assert isp_list.status == IspList.Status.READY, isp_list.message
    return isp_list, lines


def corrected(row: dict[str, str]) -> dict[str, str]:
    """The row as the police send it again with its sentence corrected."""
    sentence = "2 YRS PROBATION" if "2 YRS" not in row["SENTENCE"] else "1 YR CONDITIONAL DISCHARGE"
    return {**row, "SENTENCE": sentence}


def wait_for_packet(packet: Packet) -> Packet:
    deadline = time.monotonic() + 120
    while True:
        packet.refresh_from_db()
        if packet.status != Packet.Status.GENERATING:
            assert packet.status == Packet.Status.READY, packet.message
            return packet
        assert time.monotonic() < deadline, "the worker made the packet"
        time.sleep(0.2)


@pytest.mark.worker
def test_a_list_sent_again_with_corrections_and_new_rows(
    celery_worker, tmp_path, capsys, asa, supervisor2, clerk
):
    assert connection.vendor == "postgresql", "run with DATABASE_URL set to PostgreSQL"
    first_rows = distinct_rows(400, seed=181)
    first, lines = import_list(write(tmp_path / "first.csv", first_rows), capsys)
    assert (
        lines[1] == "0 already on earlier lists (0 decided, 0 filed, 0 granted), 0 corrected, "
        f"{len(first_rows)} new"
    )
    by_number = {c.row_number: c for c in first.convictions.all()}
    assert sorted(by_number) == list(range(1, len(first_rows) + 1))

    # The first list's work: some rows decided; of those decided eligible in one court
    # location, a batch approved, filed and ruled on.
    repeated = [i for i in range(len(first_rows)) if i % 5 < 2]  # 40 % of the rows
    decided = [
        i for i in repeated if i % 3 == 0 and by_number[i + 1].determination != "NEEDS_REVIEW"
    ]
    for i in decided:
        decide(by_number[i + 1], asa)
    eligible = [i for i in decided if by_number[i + 1].determination == "ELIGIBLE"]
    assert len(eligible) >= 3
    location = by_number[eligible[0] + 1].court_location
    batch = batch_services.batch_create(court_location=location, user=asa)
    batch_services.batch_transition(batch=batch, action="submit", user=asa)
    batch_services.batch_transition(batch=batch, action="approve", user=supervisor2)
    packet = wait_for_packet(filing_services.packet_request(batch=batch, user=clerk))
    filing_services.packet_file(
        packet=packet, user=clerk, filed_on=date(2026, 11, 30), court_call="Call 7"
    )
    in_batch = sorted(batch.items.values_list("conviction__row_number", flat=True))
    granted_rows, denied_rows = in_batch[:-1], in_batch[-1:]
    rulings = {
        by_number[n].pk: ("granted" if n in granted_rows else "denied", date(2026, 12, 1))
        for n in in_batch
    }
    filing_services.outcomes_record(packet=packet, user=clerk, rulings=rulings)

    # The second list: 40 % of the first again, every fourth of them corrected, and new rows.
    fixes = {i for n, i in enumerate(repeated) if n % 4 == 0}
    new_rows = [
        {**row, "COURT_CASE_NUMBER": f"NEW{n:05d}"} for n, row in enumerate(distinct_rows(150, 182))
    ]
    second_rows = [corrected(first_rows[i]) if i in fixes else first_rows[i] for i in repeated]
    second_rows += new_rows
    second, lines = import_list(write(tmp_path / "second.csv", second_rows), capsys)

    known = len(repeated)
    decided_known = len(decided)
    filed_known = len(in_batch)
    assert lines == [
        lines[0],
        f"{known} already on earlier lists ({decided_known} decided, {filed_known} filed, "
        f"{len(granted_rows)} granted), {len(fixes)} corrected, {len(new_rows)} new",
    ]
    assert second.history["approved"] == filed_known
    assert second.history["denied"] == len(denied_rows)

    # Decisions carried: who, when, on which list; corrected rows flagged with what changed.
    copies = {c.row_number: c for c in second.convictions.select_related("review__decision")}
    for n, i in enumerate(repeated):
        copy = copies[n + 1]
        assert copy.copy_of.isp_list_id == first.pk and copy.copy_of.row_number == i + 1
        if i in fixes:
            assert set(copy.changes) == {"sentence"}, copy.changes
        else:
            assert copy.changes == {}
        if i not in decided:
            assert not hasattr(copy, "review") or copy.review.decision is None
            continue
        carried = copy.review.decision
        original = Conviction.objects.get(pk=by_number[i + 1].pk).review.decision
        assert carried.carried_from == original
        assert (carried.reviewer, carried.decided_at) == (asa, original.decided_at)
        assert carried.outcome == original.outcome
        flagged = copy.review.needs_another_look
        assert flagged == (i in fixes or copy.determination != original.machine_determination)
    for n in range(len(repeated), len(second_rows)):
        assert copies[n + 1].copy_of is None

    # The queue's default view: what needs a person (undecided, or flagged), on the new list.
    needing = set(
        Conviction.objects.filter(isp_list=second)
        .filter(queue_selectors.needs_person_q())
        .values_list("row_number", flat=True)
    )
    want = {n + 1 for n, i in enumerate(repeated) if i not in decided}
    want |= {
        n + 1
        for n, i in enumerate(repeated)
        if i in decided and copies[n + 1].review.needs_another_look
    }
    want |= set(range(len(repeated) + 1, len(second_rows) + 1))
    assert needing == want

    # Never batched twice: the copies of the filed batch's convictions are not offered, and a
    # batch given one of them refuses it, naming the earlier batch.
    batchable = set(batch_selectors.batchable_convictions().values_list("pk", flat=True))
    for n, i in enumerate(repeated):
        if i + 1 in in_batch:
            assert copies[n + 1].pk not in batchable
    twin = next(copies[n + 1] for n, i in enumerate(repeated) if i + 1 in in_batch)
    draft = Batch.objects.create(court_location=twin.court_location, created_by=asa)
    BatchItemFactory(batch=draft, conviction=twin, decision=twin.review.decision)
    with pytest.raises(BatchRefused, match=f"already in batch #{batch.pk} \\(filed\\)"):
        batch_services.batch_transition(batch=draft, action="submit", user=asa)


@pytest.mark.worker
def test_a_granted_purged_conviction_that_comes_back_is_recognised(
    celery_worker, tmp_path, capsys, asa, supervisor2, clerk
):
    rows = distinct_rows(60, seed=183)
    first, _ = import_list(write(tmp_path / "first.csv", rows), capsys)
    eligible = [
        c for c in first.convictions.order_by("row_number") if c.determination == "ELIGIBLE"
    ]
    for conviction in eligible:
        decide(conviction, asa)
    gone = eligible[0]
    batch = batch_services.batch_create(court_location=gone.court_location, user=asa)
    batch_services.batch_transition(batch=batch, action="submit", user=asa)
    batch_services.batch_transition(batch=batch, action="approve", user=supervisor2)
    packet = wait_for_packet(filing_services.packet_request(batch=batch, user=clerk))
    filing_services.packet_file(
        packet=packet, user=clerk, filed_on=date(2026, 1, 5), court_call="C"
    )
    long_ago = timezone.localdate() - timedelta(days=400)
    filing_services.outcomes_record(
        packet=packet,
        user=clerk,
        rulings={item.conviction_id: ("granted", long_ago) for item in batch.items.all()},
    )
    call_command("purge_expunged")
    gone.refresh_from_db()
    assert gone.purged_at is not None and gone.last_name == ""
    written = rows[gone.row_number - 1]

    # The police send the conviction again (their records are not yet updated).
    back, lines = import_list(write(tmp_path / "again.csv", [written]), capsys)
    assert (
        lines[1] == "1 already on earlier lists (1 decided, 1 filed, 1 granted), 0 corrected, 0 new"
    )
    returned = back.convictions.get()
    assert returned.copy_of is not None and returned.copy_of.purged_at is not None
    # Not reviewed again (its decision came with it) and never batched again.
    assert returned.review.decision.carried_from_id is not None
    assert not returned.review.needs_another_look
    assert not Conviction.objects.filter(pk=returned.pk).filter(queue_selectors.needs_person_q())
    assert returned.pk not in set(
        batch_selectors.batchable_convictions().values_list("pk", flat=True)
    )
    # The tombstone holds nothing of the person: of the rows of this conviction (the person's
    # other convictions are not expunged), only the new row has the name.
    name = written["LAST_NAME"]
    holders = Conviction.objects.filter(
        last_name=name, statute=written["STATUTE"], disposition_date=written["DISPOSITION_DATE"]
    )
    assert list(holders.values_list("pk", flat=True)) == [returned.pk]
    tombstone = Conviction.objects.filter(pk=gone.pk).values()[0]
    for value in tombstone.values():
        assert name not in str(value) and written["SID"] not in str(value)
    # The next purge erases the returned copy too: the court expunged it.
    call_command("purge_expunged")
    returned.refresh_from_db()
    assert returned.purged_at is not None and returned.last_name == ""


def test_a_decision_on_one_copy_carries_to_the_undecided_copies_on_other_lists(
    db, client, tmp_path, asa, asa2, settings, django_capture_on_commit_callbacks
):
    """Two lists both undecided when the second arrives: whichever copy an attorney decides,
    the other takes the decision, so the conviction is not reviewed twice."""
    from eligibility import services

    settings.MEDIA_ROOT = tmp_path / "media"
    rows = distinct_rows(30, seed=184)
    lists = []
    for name in ("one.csv", "two.csv"):
        with django_capture_on_commit_callbacks(execute=True):
            lists.append(
                services.list_store_file(
                    path=write(tmp_path / name, rows),
                    filename=name,
                    as_of=date(2026, 11, 25),
                    user=None,
                    confirm_reimport=True,
                )
            )
    one, two = lists
    target = one.convictions.exclude(determination="NEEDS_REVIEW").order_by("row_number").first()
    twin = two.convictions.get(row_number=target.row_number)
    assert twin.copy_of_id == target.pk
    before = Conviction.objects.filter(queue_selectors.needs_person_q()).count()

    decision = decide(target, asa)

    twin.refresh_from_db()
    carried = twin.review.decision
    assert carried.carried_from == decision and carried.reviewer == asa
    assert carried.outcome == decision.outcome and not twin.review.needs_another_look
    assert Conviction.objects.filter(queue_selectors.needs_person_q()).count() == before - 2
    # Its page says where the decision came from, lists the copy, and leads to the person.
    client.force_login(asa)
    page = client.get(f"/review/{twin.pk}/").content.decode()
    assert "Carried over from the same conviction on an earlier list" in page
    assert f'href="/review/{target.pk}/">row {target.row_number}</a>, decided by asa' in page
    assert 'id="copies"' in page and "one.csv" in page
    assert f'href="/people/{twin.pk}/"' in page
    # Deciding the other copy again is a new, attorney's own decision; the first keeps its own.
    again = decide(twin, asa2)
    assert again.carried_from is None
    target.refresh_from_db()
    assert target.review.decision == decision


def test_the_queue_opens_on_what_needs_a_person(client, asa, bulk_list):
    """Undecided, and decided but for another look; not what is decided and settled. Its next
    pages keep that view; "any" shows everything."""
    from .conftest import shown

    isp_list = bulk_list(30)
    rows = list(isp_list.convictions.order_by("row_number"))
    settled, flagged = rows[0], rows[1]
    decide(settled, asa)
    decide(flagged, asa)
    Conviction.objects.filter(pk=flagged.pk).update(reasons=["AMOUNT_UNKNOWN"])  # re-evaluated
    client.force_login(asa)
    first, second = client.get("/review/"), client.get("/review/?page=2")
    default = shown(first) + shown(second)
    assert flagged.pk in default and settled.pk not in default and len(default) == 29
    assert 'value="needs_person" selected' in first.content.decode()
    everything = shown(client.get("/review/?state=&per_page=50"))
    assert settled.pk in everything and len(everything) == 30
