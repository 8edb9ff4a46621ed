"""The dashboard: what needs each role now, the office's counts per stage, and override rates per
reason code and per list, in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import dashboard, selectors
from review.models import Batch
from review.services import batches as batch_services
from review.services import reviews as review_services
from review.services import samples as sample_services
from tests.factories import BatchFactory
from tests.review.conftest import decide, login, make_list

pytestmark = pytest.mark.django_db
State = Batch.State


def test_an_asa_sees_their_claims_and_what_is_undecided(client, asa):
    make_list(30)
    review_services.review_claim_next(reviewer=asa, count=25)
    login(client, asa)
    response = client.get("/")
    content = response.content.decode()
    assert response.context["needs"]["held"] == 25
    assert 'href="/review/?mine=on&amp;state=undecided"' in content
    assert "<strong>25</strong> undecided conviction" in content
    assert response.context["counts"]["undecided"] == 30
    assert "to-approve" not in content and "to-file" not in content


def test_the_queue_link_of_my_claims_lists_exactly_my_claims(client, asa, asa2):
    make_list(10)
    review_services.review_claim_next(reviewer=asa, count=4)
    review_services.review_claim_next(reviewer=asa2, count=3)
    login(client, asa)
    queue = client.get("/review/?mine=on&state=undecided")
    assert len(queue.context["table"].page.object_list) == 4


def test_attorneys_see_the_samples_waiting_for_blind_review(client, asa, supervisor):
    sample = sample_services.sample_draw(isp_list=make_list(4), user=supervisor, size=4, seed=1)
    login(client, asa)
    content = client.get("/").content.decode()
    assert f'href="/review/samples/{sample.pk}/blind/"' in content
    assert "4 of 4 to go" in content
    for item in sample.items.all():
        sample_services.blind_decision_record(item=item, reviewer=asa, outcome="ELIGIBLE")
    assert f"/review/samples/{sample.pk}/blind/" not in client.get("/").content.decode()


def test_a_supervisor_sees_submitted_batches_except_those_they_reviewed_in(client, asa, supervisor):
    theirs = make_list(2, court="MUNICIPAL DISTRICT 1")
    mine = make_list(2, court="MUNICIPAL DISTRICT 2", name="OTHER")
    for conviction in theirs.convictions.all():
        decide(conviction, asa)
    for conviction in mine.convictions.all():
        decide(conviction, supervisor)
    waiting = batch_services.batch_create(court_location="MUNICIPAL DISTRICT 1", user=asa)
    blocked = batch_services.batch_create(court_location="MUNICIPAL DISTRICT 2", user=asa)
    draft = make_list(1, court="MUNICIPAL DISTRICT 3", name="DRAFT")
    decide(draft.convictions.get(), asa)
    batch_services.batch_create(court_location="MUNICIPAL DISTRICT 3", user=asa)
    for batch in (waiting, blocked):
        batch_services.batch_transition(batch=batch, action="submit", user=asa)

    login(client, supervisor)
    response = client.get("/")
    assert response.context["needs"]["to_approve"] == [waiting]
    content = response.content.decode()
    assert f'href="/batches/{waiting.pk}/"' in content
    assert f'href="/batches/{blocked.pk}/"' not in content


def test_a_supervisor_with_nothing_to_approve_is_told_why(client, supervisor):
    decide(make_list(1).convictions.get(), supervisor)
    batch = batch_services.batch_create(court_location="MUNICIPAL DISTRICT 1", user=supervisor)
    batch_services.batch_transition(batch=batch, action="submit", user=supervisor)
    login(client, supervisor)
    content = client.get("/").content.decode()
    assert "No submitted batch waits for your approval" in content
    assert "another supervisor approves them" in content


def test_a_clerk_sees_batches_waiting_for_a_packet_and_packets_to_file(client, clerk, asa):
    for state, count in ((State.APPROVED, 2), (State.PACKET_GENERATED, 3), (State.FILED, 1)):
        for _ in range(count):
            BatchFactory(created_by=asa, state=state)
    login(client, clerk)
    response = client.get("/")
    needs = response.context["needs"]
    assert (needs["to_generate"], needs["to_file"]) == (2, 3)
    content = response.content.decode()
    assert "<strong>2</strong> approved batches without a packet" in content
    assert "<strong>3</strong> packets to file" in content
    assert "held" not in needs and "to_approve" not in needs
    assert "by_reason" not in response.context, "override rates are for reviewers and reports"


def test_the_office_counts_per_stage(client, asa, supervisor, clerk):
    eligible = make_list(6)
    make_list(3, determination="NEEDS_REVIEW", reasons=["AMOUNT_UNKNOWN"], name="NR")
    make_list(2, determination="NOT_ELIGIBLE", reasons=["OUT_OF_COUNTY"], name="NE")
    unevaluated = make_list(1, name="NEW")
    unevaluated.convictions.update(determination="")
    rows = list(eligible.convictions.order_by("row_number"))
    for conviction in rows[:5]:
        decide(conviction, asa)
    decide(rows[5], asa, outcome="NOT_ELIGIBLE")
    batch = batch_services.batch_create(court_location="MUNICIPAL DISTRICT 1", user=asa, limit=3)
    batch_services.batch_transition(batch=batch, action="submit", user=asa)
    batch_services.batch_create(court_location="MUNICIPAL DISTRICT 1", user=asa)

    counts = dashboard.office_counts()
    assert {k: counts[k] for k in ("received", "evaluated", "eligible", "needs_review")} == {
        "received": 12,
        "evaluated": 11,
        "eligible": 6,
        "needs_review": 3,
    }
    assert (counts["not_eligible"], counts["decided"], counts["overridden"]) == (2, 6, 1)
    assert counts["undecided"] == 5
    assert counts["batches"][State.SUBMITTED] == {
        "state": State.SUBMITTED,
        "label": "Submitted for approval",
        "batches": 1,
        "convictions": 3,
    }
    assert counts["batches"][State.DRAFT]["convictions"] == 2
    assert counts["batches"][State.FILED]["batches"] == 0 and counts["filed"] == 0

    for user in (asa, supervisor, clerk):
        login(client, user)
        content = client.get("/").content.decode()
        assert 'id="stages"' in content
        assert "3 convictions in 1 batch" in content


def test_override_rates_per_reason_code_and_per_list_count_current_decisions(asa, supervisor):
    two_codes = make_list(
        4, determination="NOT_ELIGIBLE", reasons=["OUT_OF_COUNTY", "SECTION_7_ENHANCEMENT"]
    )
    plain = make_list(2, name="PLAIN")
    sent = make_list(2, determination="NEEDS_REVIEW", reasons=["AMOUNT_UNKNOWN"], name="NR")
    make_list(3, name="UNDECIDED")
    a, b, c, d = two_codes.convictions.order_by("row_number")
    decide(a, asa, outcome="ELIGIBLE")
    decide(b, asa)
    decide(c, asa)
    # A change of mind: the first decision overrode, the current one confirms.
    decide(d, asa, outcome="ELIGIBLE")
    decide(d, supervisor, outcome="NOT_ELIGIBLE")
    e, f = plain.convictions.order_by("row_number")
    decide(e, asa)
    decide(f, asa, outcome="NOT_ELIGIBLE")
    for conviction in sent.convictions.all():
        decide(conviction, asa, outcome="ELIGIBLE")

    by_reason = {r.key: r for r in selectors.override_rates_by_reason()}
    assert set(by_reason) == {"OUT_OF_COUNTY", "SECTION_7_ENHANCEMENT", "AMOUNT_UNKNOWN", ""}
    for code in ("OUT_OF_COUNTY", "SECTION_7_ENHANCEMENT"):
        assert (by_reason[code].called, by_reason[code].overridden) == (4, 1)
        assert by_reason[code].rate == pytest.approx(0.25)
    unknown = by_reason["AMOUNT_UNKNOWN"]
    assert (unknown.called, unknown.overridden, unknown.resolved, unknown.rate) == (0, 0, 2, None)
    assert (by_reason[""].called, by_reason[""].overridden, by_reason[""].rate) == (2, 1, 0.5)

    in_one_list = selectors.override_rates_by_reason(selectors.Scope(isp_list=two_codes))
    assert {r.key: (r.called, r.overridden) for r in in_one_list} == {
        "OUT_OF_COUNTY": (4, 1),
        "SECTION_7_ENHANCEMENT": (4, 1),
    }

    by_list = {r.key: r for r in selectors.override_rates_by_list()}
    assert set(by_list) == {two_codes.pk, plain.pk, sent.pk}
    assert (by_list[two_codes.pk].called, by_list[two_codes.pk].overridden) == (4, 1)
    assert (by_list[plain.pk].called, by_list[plain.pk].overridden) == (2, 1)
    assert (by_list[sent.pk].resolved, by_list[sent.pk].rate) == (2, None)


def test_the_override_rates_are_on_the_dashboard_of_reviewers(client, asa):
    isp_list = make_list(4, determination="NOT_ELIGIBLE", reasons=["OUT_OF_COUNTY"])
    first, *others = isp_list.convictions.order_by("row_number")
    decide(first, asa, outcome="ELIGIBLE")
    for conviction in others:
        decide(conviction, asa)
    login(client, asa)
    content = client.get("/").content.decode()
    table = content.split('id="override-by-reason"')[1].split("</table>")[0]
    assert "OUT_OF_COUNTY" in table and "<td>4</td><td>1</td><td>25 %</td>" in table
    assert f"?isp_list={isp_list.pk}&amp;state=decided" in content


def query_count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_the_dashboard_takes_the_same_few_queries_however_much_there_is(client, asa, supervisor):
    def grow(n: int, tag: str) -> None:
        for determination, reasons in (
            ("ELIGIBLE", []),
            ("NOT_ELIGIBLE", ["OUT_OF_COUNTY"]),
            ("NEEDS_REVIEW", ["AMOUNT_UNKNOWN", "CLASS_UNKNOWN"]),
        ):
            isp_list = make_list(
                n, determination=determination, reasons=reasons, name=f"{tag}{determination}"
            )
            for conviction in isp_list.convictions.all():
                decide(conviction, asa, outcome="ELIGIBLE")
        decide(make_list(1, name=f"{tag}B").convictions.get(), asa)
        batch = batch_services.batch_create(court_location="MUNICIPAL DISTRICT 1", user=asa)
        batch_services.batch_transition(batch=batch, action="submit", user=asa)
        sample_services.sample_draw(isp_list=make_list(n, name=f"{tag}S"), user=supervisor, seed=1)

    grow(2, "A")
    login(client, supervisor)
    few = query_count(client)
    grow(12, "B")
    assert query_count(client) == few
    # The session, the user, permissions and groups, and ten of the dashboard's own.
    assert few <= 20


def test_a_user_without_a_role_sees_no_counts(client, django_user_model):
    make_list(3)
    client.force_login(django_user_model.objects.create_user("nobody", password="x" * 12))
    response = client.get("/")
    assert response.status_code == 200
    assert "counts" not in response.context
    assert "Your account has no role yet" in response.content.decode()


@pytest.fixture
def busy_office(asa, supervisor):
    """Something at every stage: decisions with reason codes, a submitted and a returned batch,
    a sample to review blind, batches waiting for a packet or a filing."""
    isp_list = make_list(4, determination="NOT_ELIGIBLE", reasons=["OUT_OF_COUNTY"])
    first, *others = isp_list.convictions.order_by("row_number")
    decide(first, asa, outcome="ELIGIBLE")
    for conviction in others:
        decide(conviction, asa)
    make_list(3, name="UNDECIDED")
    sample_services.sample_draw(isp_list=make_list(3, name="S"), user=supervisor, seed=1)
    batch = batch_services.batch_create(court_location="MUNICIPAL DISTRICT 1", user=asa)
    batch_services.batch_transition(batch=batch, action="submit", user=asa)
    for state in (State.RETURNED, State.APPROVED, State.PACKET_GENERATED):
        BatchFactory(created_by=asa, state=state)
    return isp_list


def dashboard_links(client) -> set[str]:
    import html
    import re

    content = client.get("/").content.decode()
    main = content.split("<main", 1)[1]
    return {html.unescape(href) for href in re.findall(r'<a[^>]* href="(/[^"]*)"', main)}


@pytest.mark.parametrize("role", ["asa", "supervisor", "clerk", "admin"])
def test_every_link_on_a_roles_dashboard_opens_for_that_role(client, request, busy_office, role):
    """Issue 20: the reason-code links led an administrator to "Not allowed"."""
    user = request.getfixturevalue(role)
    login(client, user)
    links = dashboard_links(client)
    assert links, "the dashboard offers something to follow"
    for href in sorted(links):
        assert client.get(href).status_code == 200, href


def test_an_administrator_is_told_what_needs_them(
    client, admin, busy_office, django_user_model, settings
):
    from tests.factories import UserFactory

    UserFactory(username="newcomer")
    locked = UserFactory(username="forgetful", role="Clerk")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": locked.username, "password": "wrong"})
    login(client, admin)
    response = client.get("/")
    assert response.context["needs"]["accounts"] == {"locked": 1, "no_role": 1}
    content = response.content.decode()
    section = content.split('id="needs-me"')[1].split("</section>")[0]
    assert "<strong>1</strong> account locked out" in section
    assert "<strong>1</strong> active account without a role" in section
    assert 'href="/users/add/"' in section and 'href="/lists/"' in section
    table = content.split('id="override-by-reason"')[1].split("</table>")[0]
    assert "/review/" not in table and "<code>OUT_OF_COUNTY</code>" in table
    assert f'href="/lists/{busy_office.pk}/"' in content
