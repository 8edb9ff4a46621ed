"""Impact, equity and agreement reports, the findings export and the referral list (issue 11).

One list with known counts, built row by row:

* race B, sex M: 20 people with one cannabis row in a filed batch (18 granted long ago, 2
  denied); of the granted, 5 also have a non-cannabis conviction and 1 an arrest that was not a
  conviction (a referral); 5 more people with a cannabis row not eligible (class).
* race W, sex F: 7 people with a cannabis row the machine found eligible, not yet decided.
* race H, sex F: 12 people decided eligible (10 confirmed, 2 overridden from AMOUNT_UNKNOWN),
  and 3 people with only an arrest (referrals).
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AuditEvent
from eligibility.models import Conviction
from eligibility.selectors import list_referral_count
from eligibility.services import bucket_of
from filings.models import CourtOutcome, Packet
from filings.purge import purge_expunged
from reports import selectors
from review.models import Batch
from tests.factories import (
    BatchFactory,
    BatchItemFactory,
    ConvictionFactory,
    DecisionFactory,
    IspListFactory,
)

pytestmark = pytest.mark.django_db

CANNABIS = {"statute": {"chapter": 720, "act": 550, "section": "4", "subsection": "b"}}
BATTERY = {"statute": {"chapter": 720, "act": 5, "section": "12-3", "subsection": None}}
CPD = "CHICAGO POLICE DEPARTMENT"
EVANSTON = "EVANSTON POLICE DEPARTMENT"
COURT = "MUNICIPAL DISTRICT 1"
NAMES: list[str] = []
BIRTHS: list[str] = []


class ListBuilder:
    def __init__(self, user):
        self.user = user
        self.isp_list = IspListFactory(filename="known-counts.csv")
        self.row_number = 0
        self.person_number = 0
        self.batch = BatchFactory(court_location=COURT, created_by=user, state=Batch.State.FILED)
        self.packet = Packet.objects.create(
            batch=self.batch,
            generated_by=user,
            status=Packet.Status.FILED,
            filed_on=timezone.localdate() - timedelta(days=120),
        )

    def person(self, race: str, sex: str) -> dict[str, str]:
        self.person_number += 1
        n = self.person_number
        last = f"QUORVANDELL{n:03d}"
        born = f"19{40 + n % 50:02d}-{1 + n % 12:02d}-{1 + n % 27:02d}"
        NAMES.append(last)
        BIRTHS.append(born)
        key = f"S|98{n:05d}"
        return {
            "race": race,
            "sex": sex,
            "person_key": key,
            "bucket": bucket_of(key),
            "sid": f"98{n:05d}",
            "last_name": last,
            "first_name": "ZEPHYRINE",
            "date_of_birth": born,
            "court_case_number": f"99-CR-{n:07d}",
        }

    def row(
        self,
        who,
        *,
        determination,
        reasons=(),
        details=CANNABIS,
        disposed=date(1998, 5, 1),
        agency=CPD,
    ):
        self.row_number += 1
        return ConvictionFactory(
            isp_list=self.isp_list,
            row_number=self.row_number,
            determination=determination,
            reasons=list(reasons),
            details=details,
            disposition_on=disposed,
            court_location=COURT,
            arresting_agency=agency,
            **who,
        )

    def decide(self, conviction, *, kind="confirm", outcome="ELIGIBLE"):
        return DecisionFactory(
            conviction=conviction, reviewer=self.user, kind=kind, outcome=outcome
        )

    def file(self, conviction, decision, ruling):
        BatchItemFactory(batch=self.batch, decision=decision)
        CourtOutcome.objects.create(
            packet=self.packet,
            conviction=conviction,
            ruling=ruling,
            order_date=timezone.localdate() - timedelta(days=90),
            recorded_by=self.user,
        )


@pytest.fixture
def known(supervisor):
    NAMES.clear()
    BIRTHS.clear()
    build = ListBuilder(supervisor)
    for n in range(20):
        who = build.person("B", "M")
        row = build.row(who, determination="ELIGIBLE", disposed=date(1995 + n % 10, 3, 1))
        build.file(row, build.decide(row), "granted" if n < 18 else "denied")
        if n < 5:
            build.row(
                who,
                determination="NOT_ELIGIBLE",
                reasons=["NOT_CANNABIS_CONTROL_ACT"],
                details=BATTERY,
            )
        if n == 5:
            build.row(who, determination="NOT_ELIGIBLE", reasons=["NOT_A_CONVICTION"])
    for _ in range(5):
        build.row(
            build.person("B", "M"), determination="NOT_ELIGIBLE", reasons=["CLASS_NOT_ELIGIBLE"]
        )
    for _ in range(7):
        build.row(build.person("W", "F"), determination="ELIGIBLE", disposed=date(2012, 1, 1))
    for n in range(12):
        if n < 10:
            build.decide(build.row(build.person("H", "F"), determination="ELIGIBLE"))
        else:
            row = build.row(
                build.person("H", "F"), determination="NEEDS_REVIEW", reasons=["AMOUNT_UNKNOWN"]
            )
            build.decide(row, kind="override")
    for agency in (CPD, CPD, EVANSTON):
        build.row(
            build.person("H", "F"),
            determination="NOT_ELIGIBLE",
            reasons=["NOT_A_CONVICTION"],
            agency=agency,
        )
    # Not a referral: NOT_A_CONVICTION is not its only reason.
    build.row(
        build.person("H", "F"),
        determination="NOT_ELIGIBLE",
        reasons=["NOT_A_CONVICTION", "OUT_OF_COUNTY"],
        agency=EVANSTON,
    )
    keys = Conviction.objects.values_list("isp_list", "bucket", "sex", "race").distinct()
    assert keys.count() == build.person_number, "no two people share a tombstone key"
    return build.isp_list


def table(tables, key):
    return next(t for t in tables if t.key == key)


def whole_office(isp_list):
    return selectors.report_tables(selectors.Scope(isp_list=isp_list))


def test_the_funnel_counts_every_stage_with_its_percentage(known):
    rows = {row[0]: row[1:] for row in table(whole_office(known), "funnel").rows}
    received = 20 + 5 + 1 + 5 + 7 + 12 + 4
    assert rows["Rows received"] == [received, 100.0]
    assert rows["Determined eligible"][0] == 20 + 7 + 10
    assert rows["Determined needs review"][0] == 2
    assert rows["Determined not eligible"][0] == 5 + 1 + 5 + 4
    assert rows["Attorney decisions"][0] == 32
    assert rows["… confirmed"][0] == 30
    assert rows["… overridden"] == [2, round(200 / received, 1)]
    assert rows["In approved batches"][0] == 20
    assert rows["Filed in court"][0] == 20
    assert rows["Granted"][0] == 18
    assert rows["Denied"][0] == 2
    assert rows["Purged after retention"][0] == 0


def test_a_cell_of_7_is_suppressed_with_its_complement_and_the_totals_are_shown(known):
    race = table(whole_office(known), "equity_race")
    assert race.header[1:] == [
        "People on the list(s)",
        "People helped",
        "No cannabis conviction left",
        "No conviction left",
    ]
    assert race.rows == [
        # B: 25 people, 18 helped (granted), 5 keep a battery conviction.
        ["B", 25, 18, 18, 13],
        # H: 16 people (12 decided eligible, 4 arrests only): the next smallest, suppressed
        # so that W's 7 cannot be recovered from the totals.
        ["H", "<10", "<10", "<10", "<10"],
        ["W", "<10", "<10", "<10", "<10"],
        ["All", 48, 37, 37, 32],
    ]
    sex = table(whole_office(known), "equity_sex")
    assert sex.rows == [["F", 23, 19, 19, 19], ["M", 25, 18, 18, 13], ["All", 48, 37, 37, 32]]


def test_suppression_hides_every_cell_under_10_and_a_second_cell_of_its_row_and_column():
    hidden, totals = selectors.suppression([[7, 20], [30, 40], [12, 15]], [49, 75])
    assert hidden == [[True, True], [False, False], [True, True]]
    assert totals == [False, False]
    hidden, totals = selectors.suppression([[3]], [3])
    assert hidden == [[True]] and totals == [True]
    hidden, totals = selectors.suppression([[0, 12], [15, 11]], [15, 23])
    assert hidden == [[False, False], [False, False]], "zeros disclose no one"


def test_impact_counts_people_with_no_cannabis_and_no_conviction_left(known):
    tables = whole_office(known)
    assert table(tables, "impact").rows == [[48, 37, 37, 32]]
    decades = {row[0]: row[1:] for row in table(tables, "impact_decade").rows}
    assert decades == {"1990s": [22, 22, 17], "2000s": [8, 8, 8], "2010s": [7, 7, 7]}
    assert table(tables, "impact_court").rows == [[COURT, 37, 37, 32]]


def test_override_rates_are_given_by_reason_code(known):
    rows = table(whole_office(known), "agreement").rows
    # The two AMOUNT_UNKNOWN rows were NEEDS_REVIEW: resolved by an attorney, not overridden.
    assert rows == [
        [selectors.NO_REASON, 30, 30, 0, 0.0, 0],
        ["AMOUNT_UNKNOWN", 2, 0, 0, None, 2],
    ]


def test_the_dashboard_and_the_reports_page_give_the_same_override_rates(known, client, supervisor):
    client.force_login(supervisor)
    on_dashboard = {
        rate.label: (rate.decided, rate.called, rate.overridden, rate.resolved)
        for rate in client.get("/").context["by_reason"]
    }
    report = client.get("/reports/", {"isp_list": known.pk}).context["tables"]
    on_reports = {
        row[0]: (row[1], row[2], row[3], row[5]) for row in table(report, "agreement").rows
    }
    assert on_dashboard == on_reports
    assert on_dashboard["AMOUNT_UNKNOWN"] == (2, 0, 0, 2)


def test_the_counts_are_the_same_after_a_purge(known):
    before = [(t.key, t.rows) for t in whole_office(known)]
    purged = purge_expunged()
    assert len(purged.convictions) == 18
    purged_keys = Conviction.objects.filter(purged_at__isnull=False).values_list(
        "person_key", flat=True
    )
    assert all(key.startswith("T|") for key in purged_keys), "a random token, no personal data"
    after = [(t.key, t.rows) for t in whole_office(known)]
    funnel_before, funnel_after = before.pop(0), after.pop(0)
    assert after == before
    changed = [a for a, b in zip(funnel_after[1], funnel_before[1], strict=True) if a != b]
    assert changed == [["Purged after retention", 18, round(1800 / 54, 1)]]


def test_the_referral_list_groups_rows_not_a_conviction_by_agency(client, supervisor, known):
    assert list_referral_count(isp_list=known) == 4
    by_agency = table(whole_office(known), "referrals").rows
    assert by_agency == [[CPD, 3], [EVANSTON, 1]]
    client.force_login(supervisor)
    response = client.get(f"/reports/lists/{known.pk}/referrals.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Arresting agency", "Agency ORI", "List row")
    agencies = [(row[0], row[1] == "Subtotal") for row in rows[1:]]
    assert agencies == [
        (CPD, False),
        (CPD, False),
        (CPD, False),
        (CPD, True),
        (EVANSTON, False),
        (EVANSTON, True),
    ]
    assert [row[2] for row in rows[1:] if row[1] == "Subtotal"] == [3, 1]
    assert all(row[4].startswith("QUORVANDELL") for row in rows[1:] if row[1] != "Subtotal")
    # Names, dates of birth, SIDs and case numbers: the download is audited like every export.
    event = AuditEvent.objects.get(action="list.referrals_export")
    assert (event.actor, event.object_id, event.detail) == (supervisor, str(known.pk), {"rows": 4})


def test_the_list_page_shows_the_referral_count_with_its_link(client, supervisor, known):
    client.force_login(supervisor)
    page = client.get(f"/lists/{known.pk}/").content.decode()
    assert "4 rows to refer to ISP and the arresting agencies" in page
    assert f"/reports/lists/{known.pk}/referrals.xlsx" in page


def workbook_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(archive.read(name).decode() for name in archive.namelist())


def assert_no_personal_data(text: str) -> None:
    assert NAMES and BIRTHS
    for secret in [*NAMES, *BIRTHS, "ZEPHYRINE", "99-CR-"]:
        assert secret not in text, secret


@pytest.mark.parametrize(
    "scope", ["", "?isp_list={list}", "?date_from=2000-01-01&date_to=2100-01-01"]
)
def test_the_report_page_and_its_downloads_hold_no_personal_data(client, supervisor, known, scope):
    client.force_login(supervisor)
    query = scope.format(list=known.pk)
    page = client.get(f"/reports/{query}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "&lt;10" in html
    assert_no_personal_data(html)
    assert "/referrals.xlsx" in html if "isp_list" in query else "/referrals.xlsx" not in html
    for key in ["", "funnel", "equity_race", "equity_sex", "agreement", "impact_court"]:
        joiner = "&" if query else "?"
        url = (
            f"/reports/export.xlsx{query}{joiner}table={key}"
            if key
            else f"/reports/export.xlsx{query}"
        )
        response = client.get(url)
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        assert_no_personal_data(workbook_text(content))


def test_the_report_xlsx_holds_the_suppressed_cells_as_on_the_page(client, supervisor, known):
    client.force_login(supervisor)
    response = client.get("/reports/export.xlsx?table=equity_race")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert ("W", "<10", "<10", "<10", "<10") in rows
    assert ("H", "<10", "<10", "<10", "<10") in rows
    assert ("All", 48, 37, 37, 32) in rows


def test_export_findings_writes_the_aggregates_and_policy_versions_without_personal_data(
    known, tmp_path
):
    out = tmp_path / "findings.xlsx"
    today = timezone.localdate().isoformat()
    call_command("export_findings", "--from", "2000-01-01", "--to", today, str(out))
    content = out.read_bytes()
    assert_no_personal_data(workbook_text(content))
    book = openpyxl.load_workbook(out)
    sheets = {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}
    assert "Funnel" in sheets and "Definitions" in sheets
    race = sheets["Equity - by race"]
    assert ("W", "<10", "<10", "<10", "<10") in race
    assert ("B", 25, 18, 18, 13) in race
    assert ("All", 48, 37, 37, 32) in race
    policies = [row[0] for row in sheets["Policy and rules versions used"] if row and row[0]]
    assert f"policy v{known.policy.version}" in policies
    assert not any("Referral" in title for title in sheets)


def test_export_findings_counts_only_the_lists_uploaded_in_the_range(known, tmp_path):
    out = tmp_path / "findings.xlsx"
    call_command("export_findings", "--from", "2000-01-01", "--to", "2000-12-31", str(out))
    book = openpyxl.load_workbook(out)
    funnel = list(book["Funnel"].iter_rows(values_only=True))
    assert ("Rows received", 0, None) in funnel


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("asa", False),
        ("clerk", False),
        ("supervisor", True),
        ("admin", True),
    ],
)
def test_only_supervisors_and_admins_see_reports_and_referrals(
    client, request, known, role, allowed
):
    client.force_login(request.getfixturevalue(role))
    for url in ("/reports/", "/reports/export.xlsx", f"/reports/lists/{known.pk}/referrals.xlsx"):
        assert client.get(url).status_code == (200 if allowed else 403), url


def test_numbers_have_separators_and_race_codes_a_legend(client, supervisor, known, monkeypatch):
    """Issue 20: "3800" printed without a separator, race codes without saying what they are."""
    from reports import selectors

    client.force_login(supervisor)
    page = client.get("/reports/").content.decode()
    assert "Codes as ISP records them: A Asian or Pacific Islander, B Black" in page
    real = selectors.report_tables

    def with_a_big_number(scope):
        tables = real(scope)
        tables[0].rows.append(["Many", 3800])
        return tables

    monkeypatch.setattr(selectors, "report_tables", with_a_big_number)
    assert "<td>3,800</td>" in client.get("/reports/").content.decode()
