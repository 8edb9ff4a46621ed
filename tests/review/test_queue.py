"""The queue page: order, filters, server-side pagination, query counts, escaping, keys."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eligibility.models import Conviction
from review.models import Review
from review.services import reviews as review_services

from .conftest import make_list, row, shown

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent


def newest_first(*lists) -> list[int]:
    return list(
        Conviction.objects.filter(isp_list__in=lists)
        .order_by("-disposition_on", "id")
        .values_list("pk", flat=True)
    )


def test_the_queue_shows_the_newest_disposition_first_25_a_page(client, asa, bulk_list):
    isp_list = bulk_list(60)
    client.force_login(asa)
    response = client.get("/review/")
    assert response.status_code == 200
    assert shown(response) == newest_first(isp_list)[:25]
    page = response.content.decode()
    assert "page 1" in page and 'rel="next"' in page and 'rel="prev"' not in page
    third = client.get("/review/?page=3")
    assert shown(third) == newest_first(isp_list)[50:]
    assert 'rel="next"' not in third.content.decode()


def test_rows_without_a_readable_disposition_date_are_in_their_own_view(client, asa, worked):
    """Issue 20: "newest disposition first" put them first, so a new attorney's first claim was
    all rows whose date could not be read. They have their own view, and the queue says so."""
    undated = row(worked, 1)
    Conviction.objects.filter(pk=undated.pk).update(disposition_on=None)
    client.force_login(asa)
    response = client.get("/review/")
    ids = shown(response)
    assert undated.pk not in ids and len(ids) == 14
    dates = [Conviction.objects.get(pk=pk).disposition_on for pk in ids]
    assert dates == sorted(dates, reverse=True)
    assert 'href="/review/?dated=unreadable">their own view</a>' in response.content.decode()
    assert shown(client.get("/review/?dated=unreadable")) == [undated.pk]
    assert undated.pk in shown(client.get("/review/?dated=any"))
    claimed = client.post("/review/claim/")
    assert claimed.status_code == 302
    assert not Conviction.objects.filter(pk=undated.pk, review__claimed_by=asa).exists()


def test_the_oldest_first_order_is_offered_on_the_disposition_column(client, asa, bulk_list):
    isp_list = bulk_list(30)
    client.force_login(asa)
    response = client.get("/review/?sort=disposition")
    assert shown(response) == list(reversed(newest_first(isp_list)))[:25]


def test_a_page_holds_at_most_100_rows(client, asa, bulk_list):
    bulk_list(120)
    client.force_login(asa)
    assert len(shown(client.get("/review/?per_page=50"))) == 50
    assert len(shown(client.get("/review/?per_page=100000"))) == 100


def test_rows_not_yet_evaluated_are_not_in_the_queue(client, asa, bulk_list):
    isp_list = bulk_list(3)
    Conviction.objects.filter(isp_list=isp_list, row_number=1).update(determination="")
    client.force_login(asa)
    assert len(shown(client.get("/review/"))) == 2


@pytest.mark.parametrize(
    ("query", "rows"),
    [
        ("determination=NEEDS_REVIEW", [6, 7, 15]),
        ("reason=OVER_PROGRAM_AMOUNT", [3, 5, 13]),
        ("reason=none", [1, 2, 4]),
        ("reason=NOT_A_CONVICTION&determination=NOT_ELIGIBLE", [10, 11]),
        ("year=2011", [4, 5]),
    ],
)
def test_the_filters_narrow_the_queue(client, asa, worked, query, rows):
    client.force_login(asa)
    response = client.get(f"/review/?{query}")
    assert sorted(Conviction.objects.get(pk=pk).row_number for pk in shown(response)) == rows


def test_the_list_and_court_filters(client, asa, bulk_list):
    first = bulk_list(3, court="MUNICIPAL DISTRICT 1")
    second = bulk_list(4, court="CRIMINAL DIVISION")
    client.force_login(asa)
    assert sorted(shown(client.get(f"/review/?isp_list={first.pk}"))) == sorted(newest_first(first))
    response = client.get("/review/?court=CRIMINAL+DIVISION")
    assert sorted(shown(response)) == sorted(newest_first(second))
    page = response.content.decode()
    assert '<option value="MUNICIPAL DISTRICT 1">' in page
    assert '<option value="CRIMINAL DIVISION" selected>' in page


def test_the_review_state_filters(client, asa, asa2, bulk_list):
    isp_list = bulk_list(6)
    newest = newest_first(isp_list)
    review_services.decision_record(
        conviction=Conviction.objects.get(pk=newest[0]), reviewer=asa2, kind="confirm", version=0
    )
    review_services.review_claim(conviction=Conviction.objects.get(pk=newest[1]), reviewer=asa)
    review_services.review_claim(conviction=Conviction.objects.get(pk=newest[2]), reviewer=asa2)
    review_services.review_claim(conviction=Conviction.objects.get(pk=newest[3]), reviewer=asa)
    Review.objects.filter(pk=newest[3]).update(claimed_at=timezone.now() - timedelta(hours=9))
    client.force_login(asa)
    assert shown(client.get("/review/?state=decided")) == [newest[0]]
    assert shown(client.get("/review/?state=undecided")) == newest[1:]
    assert shown(client.get("/review/?state=held")) == newest[1:3]
    assert shown(client.get("/review/?mine=on")) == [newest[1]], "an expired claim is not held"
    page = client.get("/review/").content.decode()
    assert '<span class="claim mine">you</span>' in page
    assert '<span class="claim">asa2</span>' in page


def test_the_queue_page_makes_the_same_number_of_queries_for_10_or_100_rows(
    client, asa, asa2, supervisor
):
    def queries(n: int) -> int:
        isp_list = make_list(n, name=f"L{n}-")
        ids = newest_first(isp_list)
        # every row with a claim or a decision, so that each joined table is read
        for pk in ids[: n // 2]:
            review_services.decision_record(
                conviction=Conviction.objects.get(pk=pk), reviewer=asa2, kind="confirm", version=0
            )
        review_services.review_claim_next(
            reviewer=asa, count=n, within=Conviction.objects.filter(isp_list=isp_list)
        )
        with CaptureQueriesContext(connection) as captured:
            # state= (any): the decided rows too (the queue opens on what needs a person)
            response = client.get(f"/review/?isp_list={isp_list.pk}&state=&per_page=100")
        assert len(shown(response)) == n
        return len(captured)

    client.force_login(supervisor)
    assert queries(10) == queries(100)


def test_names_and_cells_with_html_are_shown_escaped(client, asa, worked):
    eligible = row(worked, 1)
    Conviction.objects.filter(pk=eligible.pk).update(
        last_name='<script>alert("x")</script>',
        statute="<b>550/4</b>",
        raw={"LAST_NAME": "<img src=x onerror=alert(1)>"},
    )
    client.force_login(asa)
    queue = client.get("/review/").content.decode()
    assert "<script>alert" not in queue and "&lt;script&gt;alert" in queue
    assert "<b>550/4</b>" not in queue
    detail = client.get(f"/review/{eligible.pk}/").content.decode()
    assert "<script>alert" not in detail and "&lt;script&gt;alert" in detail
    assert "<img src=x" not in detail and "&lt;img src=x onerror=alert(1)&gt;" in detail


def test_rows_carry_what_the_keyboard_needs_and_pages_have_no_inline_script(client, asa, worked):
    client.force_login(asa)
    page = client.get("/review/").content.decode()
    eligible = row(worked, 1)
    assert f'data-href="/review/{eligible.pk}/"' in page
    assert f'formaction="/review/{eligible.pk}/decide/"' in page and 'data-action="confirm"' in page
    assert '<script src="/static/js/review.js" defer></script>' in page
    detail = client.get(f"/review/{eligible.pk}/").content.decode()
    assert 'data-key="c"' in detail and 'data-key="o"' in detail
    for html in (page, detail):
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "no inline script"
        assert not re.search(r"\son[a-z]+\s*=", html), "no on* attributes"
        assert not re.search(r'\sstyle\s*=\s*"', html), "no inline style"
    script = (ROOT / "static" / "js" / "review.js").read_text()
    for key in ('"j"', '"k"', '"c"', '"o"', '"Enter"'):
        assert key in script


def test_a_needs_review_row_has_no_confirm_button_in_the_queue(client, asa, worked):
    client.force_login(asa)
    page = client.get("/review/?determination=NEEDS_REVIEW").content.decode()
    assert 'data-action="confirm"' not in page


def test_a_row_confirmed_from_the_queue_comes_back_to_the_same_page(client, asa, worked):
    client.force_login(asa)
    eligible = row(worked, 1)
    response = client.post(
        f"/review/{eligible.pk}/decide/",
        {"kind": "confirm", "version": 0, "next": "/review/?determination=ELIGIBLE"},
    )
    assert response["Location"] == f"/review/?determination=ELIGIBLE#row-{eligible.pk}"
    assert Review.objects.get(pk=eligible.pk).decision.outcome == "ELIGIBLE"


def test_a_redirect_never_leaves_the_site(client, asa, worked):
    client.force_login(asa)
    response = client.post(
        f"/review/{row(worked, 1).pk}/decide/",
        {"kind": "confirm", "version": 0, "next": "https://evil.example/"},
    )
    assert response["Location"].startswith("/review/")


def test_the_decisions_page_shows_a_supervisor_everyones_and_an_attorney_their_own(
    client, asa, asa2, supervisor, worked
):
    review_services.decision_record(
        conviction=row(worked, 1), reviewer=asa, kind="confirm", version=0
    )
    review_services.decision_record(
        conviction=row(worked, 2), reviewer=asa2, kind="confirm", version=0
    )
    client.force_login(asa)
    assert len(shown(client.get("/review/decisions/"))) == 1
    client.force_login(supervisor)
    assert len(shown(client.get("/review/decisions/"))) == 2
    only_asa2 = client.get(f"/review/decisions/?reviewer={asa2.pk}")
    assert len(shown(only_asa2)) == 1 and "Every decision" in only_asa2.content.decode()


def test_the_disposition_year_filter_reads_the_date_range(client, asa, bulk_list):
    isp_list = bulk_list(3, first_day=date(2009, 12, 30))  # 2009-12-31, 2010-01-01, 2010-01-02
    client.force_login(asa)
    assert sorted(shown(client.get("/review/?year=2010"))) == sorted(newest_first(isp_list)[:2])


def test_the_queue_says_how_many_match_and_where_the_page_is(client, asa, bulk_list):
    """Issue 20: "page 1 · next →" said neither. The count comes after the page (htmx), so a
    count over a million rows never holds the page up; it stops at 10,000 ("more than")."""
    bulk_list(60)
    client.force_login(asa)
    page = client.get("/review/?page=2").content.decode()
    assert "page 2 · rows 26\u201350 of" in page  # an en dash
    assert 'hx-get="/review/count/?page=2"' in page
    assert client.get("/review/count/?page=2").content.decode() == "60"
    assert client.get("/review/count/?determination=NEEDS_REVIEW").content.decode() == "0"


def test_the_count_stops_at_its_limit(client, asa, bulk_list, monkeypatch):
    from review import views

    monkeypatch.setattr(views, "COUNT_LIMIT", 40)
    bulk_list(60)
    client.force_login(asa)
    assert client.get("/review/count/").content.decode() == "more than 40"
