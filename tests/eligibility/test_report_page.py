"""The import report reads as people read it (issue 20): its reason codes open the queue on
their rows, its duration is in seconds or minutes, its row numbers say where they are in a
spreadsheet."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from eligibility.models import IspList

from .conftest import EXAMPLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(media, django_capture_on_commit_callbacks) -> IspList:
    from eligibility import services

    with django_capture_on_commit_callbacks(execute=True):
        isp_list = services.list_store_file(
            path=EXAMPLES / "worked-examples.csv",
            filename="worked-examples.csv",
            as_of=timezone.localdate(),
            user=None,
        )
    isp_list.refresh_from_db()
    return isp_list


def test_each_reason_code_opens_the_queue_on_its_rows(client, supervisor, report):
    client.force_login(supervisor)
    page = client.get(f"/lists/{report.pk}/").content.decode()
    links = re.findall(r'href="(/review/\?isp_list=\d+&amp;reason=([A-Z_]+)&amp;state=)"', page)
    codes = {code for _, code in links}
    assert "OVER_PROGRAM_AMOUNT" in codes and len(codes) > 5
    for href, code in links:
        queue = client.get(href.replace("&amp;", "&")).content.decode()
        shown = set(re.findall(r'<tr id="row-(\d+)"', queue))
        want = {
            str(pk)
            for pk, reasons in report.convictions.values_list("pk", "reasons")
            if code in reasons
        }
        assert shown == want, code


def test_an_attorney_less_role_sees_the_codes_without_links(client, admin, report):
    client.force_login(admin)
    page = client.get(f"/lists/{report.pk}/").content.decode()
    assert "<code>OVER_PROGRAM_AMOUNT</code>" in page and "reason=OVER_PROGRAM_AMOUNT" not in page


@pytest.mark.parametrize(
    ("seconds", "said"), [(3.24, "3.2 s"), (41, "41 s"), (312, "5 min 12 s"), (7300, "2 h 1 min")]
)
def test_the_duration_is_in_seconds_or_minutes(client, supervisor, report, seconds, said):
    start = timezone.now() - timedelta(hours=3)
    IspList.objects.filter(pk=report.pk).update(
        parse_started_at=start, evaluate_finished_at=start + timedelta(seconds=seconds)
    )
    client.force_login(supervisor)
    assert f"read and evaluated in {said}" in client.get(f"/lists/{report.pk}/").content.decode()


def test_an_unreadable_field_s_row_says_its_spreadsheet_row(client, supervisor, report):
    report.convictions.filter(row_number=9).update(
        unreadable=["disposition_date"], disposition_date="SOMETIME IN 1999"
    )
    client.force_login(supervisor)
    page = client.get(f"/lists/{report.pk}/").content.decode()
    assert re.findall(r"row (\d+)</a> \(spreadsheet row (\d+)\)", page) == [("9", "10")]
