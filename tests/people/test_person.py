"""One person's page (issue 18, point 5): every conviction of the person on every list, with its
path; audited; the clerk sees the filing facts but not the attorneys' notes."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AuditEvent
from filings.models import CourtOutcome

from .conftest import (
    NOTE,
    QUELLWATER,
    ZORBALOFF_1,
    ZORBALOFF_2,
    ZORBALOFF_NEW,
    import_list,
    on,
    write,
)

pytestmark = pytest.mark.django_db


def open_person(client, user, conviction):
    client.force_login(user)
    response = client.get(f"/people/{conviction.pk}/")
    assert response.status_code == 200
    return response


def text_of(response) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return " ".join(text.split()).replace(" ,", ",")


def test_the_person_page_gathers_every_conviction_of_the_person_on_every_list(client, asa, lists):
    response = open_person(client, asa, on(lists.again, ZORBALOFF_NEW))
    person = response.context["person"]
    assert {path.row.case_key for path in person.paths} == {
        ZORBALOFF_1.case,
        ZORBALOFF_2.case,
        ZORBALOFF_NEW.case,
    }
    # newest disposition first; each conviction's rows on both lists, oldest list first
    assert person.paths[0].row.case_key == ZORBALOFF_NEW.case
    steps = {path.row.case_key: path.steps for path in person.paths}
    assert [s.row.isp_list_id for s in steps[ZORBALOFF_2.case]] == [
        lists.first.pk,
        lists.again.pk,
    ]
    assert [s.row.isp_list_id for s in steps[ZORBALOFF_NEW.case]] == [lists.again.pk]
    assert len(person.rows) == 5


def test_the_path_shows_lists_decision_carried_batch_packet_filing_and_ruling(client, asa, lists):
    response = open_person(client, asa, on(lists.first, ZORBALOFF_1))
    page = text_of(response)
    first, again = lists.first, lists.again
    assert f"list #{first.pk} first.csv, row 1" in page
    assert f"list #{again.pk} again.csv, row 1" in page
    # the decision made on the first list, and carried over to the second
    assert "confirmed by asa" in page
    assert f"carried over from list #{first.pk}: confirmed by asa" in page
    assert f"batch #{lists.batch.pk} (filed)" in page
    assert f"packet #{lists.packet.pk} filed on {lists.packet.filed_on:%b} " in page
    assert "Call 7" in page
    order = lists.packet.outcomes.get(ruling="granted").order_date
    assert f"Granted on {order:%b} {order.day}, {order.year}" in page
    assert "Denied on" in page
    assert NOTE in page, "an attorney sees the attorneys' notes"


def test_a_person_without_a_sid_is_gathered_by_names_and_date_of_birth(client, asa, lists):
    person = open_person(client, asa, on(lists.again, QUELLWATER)).context["person"]
    assert [path.row.case_key for path in person.paths] == [QUELLWATER.case]
    assert {s.row.isp_list_id for s in person.paths[0].steps} == {
        lists.first.pk,
        lists.again.pk,
    }
    assert person.births == ["02/29/1980"]


def test_the_clerk_sees_the_filing_facts_but_not_the_attorneys_notes(client, clerk, lists):
    for response in (
        open_person(client, clerk, on(lists.first, ZORBALOFF_1)),
        client.get("/search/", {"q": "zorbaloff"}),
    ):
        page = text_of(response)
        assert f"packet #{lists.packet.pk} filed on" in page
        assert "Granted on" in page and "confirmed by asa" in page
        assert NOTE not in page
        assert "Spoke with" not in response.content.decode()


def test_a_granted_conviction_purged_then_brought_back_shows_the_grant(
    client, asa, lists, tmp_path, django_capture_on_commit_callbacks
):
    outcome = CourtOutcome.objects.get(ruling="granted")
    CourtOutcome.objects.filter(pk=outcome.pk).update(
        order_date=timezone.localdate() - timedelta(days=200)
    )
    outcome.refresh_from_db()
    call_command("purge_expunged")
    assert not on_list_or_none(lists.again, ZORBALOFF_1), "the copy was purged too"
    back = import_list(
        write(tmp_path / "back.csv", [ZORBALOFF_1]), django_capture_on_commit_callbacks
    )
    returned = on(back, ZORBALOFF_1)
    page = text_of(open_person(client, asa, returned))
    assert f"Granted on {outcome.order_date:%b}" in page
    assert f"packet #{lists.packet.pk}" in page
    assert "personal data erased" in page
    # the tombstones name nobody: their own page is not found
    tombstone = lists.first.convictions.filter(purged_at__isnull=False).first()
    assert client.get(f"/people/{tombstone.pk}/").status_code == 404


def on_list_or_none(isp_list, row):
    return isp_list.convictions.filter(case_key=row.case, purged_at__isnull=True).first()


def test_a_person_view_is_audited_with_ids_only(client, asa, lists):
    conviction = on(lists.first, ZORBALOFF_1)
    open_person(client, asa, conviction)
    event = AuditEvent.objects.get(action="person.view")
    assert (event.actor, event.object_type, event.object_id) == (
        asa,
        "eligibility.conviction",
        str(conviction.pk),
    )
    assert event.detail["count"] == 5
    assert conviction.pk in event.detail["convictions"]
    assert "ZORBALOFF" not in str(event.detail)


@pytest.mark.parametrize("role", ["asa", "supervisor", "clerk"])
def test_the_search_box_is_on_every_page_for_those_who_may_search(client, request, role):
    client.force_login(request.getfixturevalue(role))
    page = client.get("/").content.decode()
    assert '<label for="site-search">Find a person</label>' in page
    assert 'action="/search/"' in page and 'method="get"' in page


def test_the_admin_has_no_search_box_and_may_not_search(client, admin, lists):
    client.force_login(admin)
    assert b"site-search" not in client.get("/").content
    assert client.get("/search/", {"q": "zorbaloff"}).status_code == 403
    assert client.get(f"/people/{on(lists.first, ZORBALOFF_1).pk}/").status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="person.").exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client, lists):
    for url in ("/search/?q=zorbaloff", f"/people/{on(lists.first, ZORBALOFF_1).pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_person_page_makes_as_many_queries_for_two_rows_as_for_twenty(
    client, asa, db, django_assert_max_num_queries
):
    from eligibility.models import Conviction
    from tests.factories import DecisionFactory
    from tests.review.conftest import make_list

    few, many = make_list(2, name="FEW"), make_list(20, name="MANY")
    for conviction in Conviction.objects.all():
        DecisionFactory(conviction=conviction)
    for isp_list in (few, many):
        Conviction.objects.filter(isp_list=isp_list).update(person_key=f"S|P{isp_list.pk}")
    client.force_login(asa)
    client.get(f"/people/{few.convictions.first().pk}/")
    with django_assert_max_num_queries(20) as small:
        client.get(f"/people/{few.convictions.first().pk}/")
    with django_assert_max_num_queries(len(small)) as large:
        response = client.get(f"/people/{many.convictions.first().pk}/")
    assert len(response.context["person"].paths) == 20
    assert len(large) == len(small)


def test_a_conviction_s_page_shows_where_it_stands_on_every_list(client, asa, admin, lists):
    """Issue 20: "A conviction's page does not show where it is in the process (batch, packet,
    filed, ruling)." The page loads the path from here (htmx), a link without JavaScript."""
    granted = on(lists.first, ZORBALOFF_1)
    client.force_login(asa)
    item = client.get(f"/review/{granted.pk}/").content.decode()
    assert f'hx-get="/people/path/{granted.pk}/"' in item
    fragment = text_of(client.get(f"/people/path/{granted.pk}/"))
    assert f"batch #{lists.batch.pk} (filed)" in fragment
    assert f"packet #{lists.packet.pk} filed on" in fragment and "Granted on" in fragment
    assert "<html" not in client.get(f"/people/path/{granted.pk}/").content.decode()
    client.force_login(admin)  # may open a conviction's page, not the person's path
    assert 'hx-get="/people/path/' not in client.get(f"/review/{granted.pk}/").content.decode()
