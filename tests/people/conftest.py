"""Two lists of the same people, imported by the real pipeline: the first decided, batched,
filed and ruled on; the second sends part of it again (decisions carry over) with a new row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from eligibility import services as eligibility_services
from eligibility.models import Conviction, IspList
from filings.models import CourtOutcome, Packet
from review.models import Batch
from review.services import batches
from review.services import reviews as review_services

HEADER = (
    "SID,LAST_NAME,FIRST_NAME,DATE_OF_BIRTH,DCN,COUNTY,COURT_CASE_NUMBER,COURT_LOCATION,"
    "OFFENSE_DATE,STATUTE,OFFENSE_CLASS,DISPOSITION,DISPOSITION_DATE,SENTENCE,CITY,STATE"
)
COURT = "MUNICIPAL DISTRICT 3"
NOTE = "Spoke with the caller's sister about the fine"


@dataclass(frozen=True)
class Row:
    sid: str
    last: str
    first: str
    born: str
    dcn: str
    case: str
    disposed: str = "2010-05-10"

    def line(self) -> str:
        return (
            f"{self.sid},{self.last},{self.first},{self.born},{self.dcn},COOK,{self.case},{COURT},"
            f"2010-01-01,720 ILCS 550/4(b),B,GUILTY,{self.disposed},FINE $100,CHICAGO,IL"
        )


# Zorbaloff has a SID and two convictions; Quellwater has no SID (her person key is her names and
# date of birth); De La Rosa's last name is three words; a bystander shares Zorbaloff's birthday.
ZORBALOFF_1 = Row("7100001", "ZORBALOFF", "MAXIMILIAN", "1975-04-12", "88001", "2010CR000123")
ZORBALOFF_2 = Row(
    "7100001", "ZORBALOFF", "MAXIMILIAN", "1975-04-12", "88002", "2012CR000456", "2012-03-01"
)
ZORBALOFF_NEW = Row(
    "7100001", "ZORBALOFF", "MAXIMILIAN", "1975-04-12", "88009", "2015CR000999", "2015-06-01"
)
QUELLWATER = Row("", "QUELLWATER", "BERNADINE", "02/29/1980", "88003", "2011CR000789")
DE_LA_ROSA = Row("7100004", "DE LA ROSA", "PILAR", "1969-12-01", "88004", "2011CR000790")
BYSTANDER = Row("7100005", "ABERNETHY", "MAXINE", "1975-04-12", "88005", "2011CR000791")


def write(path: Path, rows: list[Row]) -> Path:
    path.write_text("\n".join([HEADER, *(row.line() for row in rows)]) + "\n")
    return path


def import_list(path: Path, capture) -> IspList:
    with capture(execute=True):
        isp_list = eligibility_services.list_store_file(
            path=path, filename=path.name, as_of=date(2026, 11, 25), user=None
        )
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.READY, isp_list.message
    return isp_list


def on(isp_list: IspList, row: Row) -> Conviction:
    return isp_list.convictions.get(case_key=row.case)


@dataclass
class Lists:
    first: IspList
    again: IspList
    batch: Batch
    packet: Packet


@pytest.fixture
def lists(db, settings, tmp_path, asa, supervisor2, clerk, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_lists(tmp_path, asa, supervisor2, clerk, django_capture_on_commit_callbacks)


def build_lists(tmp_path: Path, asa, supervisor2, clerk, capture) -> Lists:
    everyone = [ZORBALOFF_1, ZORBALOFF_2, QUELLWATER, DE_LA_ROSA, BYSTANDER]
    first = import_list(write(tmp_path / "first.csv", everyone), capture)
    for row in (ZORBALOFF_1, ZORBALOFF_2):
        review_services.decision_record(
            conviction=on(first, row), reviewer=asa, kind="confirm", version=0, note=NOTE
        )
    batch = batches.batch_create(court_location=COURT, user=asa)
    batches.batch_transition(batch=batch, action="submit", user=asa)
    batches.batch_transition(batch=batch, action="approve", user=supervisor2)
    filed_on = timezone.localdate() - timedelta(days=100)
    packet = Packet.objects.create(
        batch=batch,
        status=Packet.Status.FILED,
        generated_by=clerk,
        filed_by=clerk,
        filed_on=filed_on,
        court_call="Call 7",
    )
    Batch.objects.filter(pk=batch.pk).update(state=Batch.State.FILED)
    CourtOutcome.objects.create(
        packet=packet,
        conviction=on(first, ZORBALOFF_1),
        ruling="granted",
        order_date=filed_on + timedelta(days=10),
        recorded_by=clerk,
    )
    CourtOutcome.objects.create(
        packet=packet,
        conviction=on(first, ZORBALOFF_2),
        ruling="denied",
        order_date=filed_on + timedelta(days=10),
        recorded_by=clerk,
    )
    again = import_list(
        write(tmp_path / "again.csv", [ZORBALOFF_1, ZORBALOFF_2, ZORBALOFF_NEW, QUELLWATER]),
        capture,
    )
    batch.refresh_from_db()
    return Lists(first=first, again=again, batch=batch, packet=packet)
