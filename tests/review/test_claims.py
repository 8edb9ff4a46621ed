"""Claims: "Take the next 25" by compare-and-set, expiry, release, and reassignment."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import AuditEvent
from eligibility.models import Conviction
from review.models import Review
from review.selectors import queue as queue_selectors
from review.services import reviews as review_services

from .conftest import make_list, row

pytestmark = pytest.mark.django_db


def newest_first(isp_list, n: int | None = None) -> list[int]:
    ids = list(
        Conviction.objects.filter(isp_list=isp_list)
        .order_by("-disposition_on", "id")
        .values_list("pk", flat=True)
    )
    return ids if n is None else ids[:n]


def holders() -> dict[int, str]:
    return dict(
        Review.objects.filter(claimed_by__isnull=False).values_list("pk", "claimed_by__username")
    )


def test_take_the_next_25_holds_the_25_newest_undecided_convictions(client, asa, bulk_list):
    isp_list = bulk_list(40)
    client.force_login(asa)
    response = client.post("/review/claim/")
    assert response.status_code == 302
    assert response["Location"] == "/review/?mine=on&state=undecided"
    assert sorted(holders()) == sorted(newest_first(isp_list, 25))
    assert set(holders().values()) == {"asa"}
    assert queue_selectors.held_count(reviewer=asa) == 25
    event = AuditEvent.objects.get(action="review.claim")
    assert event.actor == asa and event.detail["count"] == 25
    page = client.get(response["Location"])
    assert "You now hold 25 more convictions" in page.content.decode()
    assert len(page.context["table"].page.object_list) == 25


def test_a_second_attorney_takes_the_next_ones_and_never_the_same(asa, asa2, bulk_list):
    isp_list = bulk_list(60)
    first = review_services.review_claim_next(reviewer=asa)
    second = review_services.review_claim_next(reviewer=asa2)
    assert first == newest_first(isp_list)[:25]
    assert second == newest_first(isp_list)[25:50]
    assert review_services.review_claim_next(reviewer=asa) == newest_first(isp_list)[50:]
    assert review_services.review_claim_next(reviewer=asa2) == []


def test_a_claim_skips_decided_and_held_rows_and_takes_expired_claims(asa, asa2, bulk_list):
    isp_list = bulk_list(6)
    newest = newest_first(isp_list)
    review_services.decision_record(
        conviction=Conviction.objects.get(pk=newest[0]), reviewer=asa2, kind="confirm", version=0
    )
    review_services.review_claim(conviction=Conviction.objects.get(pk=newest[1]), reviewer=asa2)
    review_services.review_claim(conviction=Conviction.objects.get(pk=newest[2]), reviewer=asa2)
    Review.objects.filter(pk=newest[2]).update(
        claimed_at=timezone.now() - timedelta(hours=8, minutes=1)
    )
    assert review_services.review_claim_next(reviewer=asa, count=2) == [newest[2], newest[3]]
    assert holders()[newest[1]] == "asa2"


def test_when_two_attorneys_race_for_the_same_rows_the_loser_takes_others(
    asa, asa2, bulk_list, monkeypatch
):
    """The compare-and-set UPDATE: rows taken between the choice and the update are left to
    whoever took them, and the claim tops up with the following rows."""
    isp_list = bulk_list(30)
    newest = newest_first(isp_list)
    ensure = review_services._reviews_ensure
    raced = []

    def ensure_then_lose_the_race(ids):
        ensure(ids)
        if not raced:
            raced.extend(list(ids)[:3])
            Review.objects.filter(pk__in=raced).update(claimed_by=asa2, claimed_at=timezone.now())

    monkeypatch.setattr(review_services, "_reviews_ensure", ensure_then_lose_the_race)
    claimed = review_services.review_claim_next(reviewer=asa, count=10)
    assert claimed == newest[3:13]
    assert {pk: holders()[pk] for pk in raced} == dict.fromkeys(raced, "asa2")


def test_take_the_next_25_keeps_to_the_queue_filters(client, asa, bulk_list):
    bulk_list(10, determination="NOT_ELIGIBLE", reasons=["OUT_OF_COUNTY"])
    eligible = bulk_list(5, first_day=date(1990, 1, 1))
    client.force_login(asa)
    client.post("/review/claim/?determination=ELIGIBLE&state=undecided")
    assert sorted(holders()) == sorted(newest_first(eligible))


def test_nothing_left_to_take_says_so(client, asa, bulk_list):
    bulk_list(2)
    client.force_login(asa)
    client.post("/review/claim/")
    response = client.post("/review/claim/", {"next": "/review/?determination=ELIGIBLE"})
    assert response["Location"] == "/review/?determination=ELIGIBLE"
    assert "Nothing is left to take" in client.get(response["Location"]).content.decode()


def test_claims_expire_after_the_configured_hours(asa, bulk_list, settings):
    settings.REVIEW_CLAIM_HOURS = 1
    isp_list = bulk_list(1)
    review_services.review_claim_next(reviewer=asa)
    assert queue_selectors.held_count(reviewer=asa) == 1
    Review.objects.update(claimed_at=timezone.now() - timedelta(minutes=61))
    assert queue_selectors.held_count(reviewer=asa) == 0
    assert Conviction.objects.filter(queue_selectors.claimable_q()).get().isp_list == isp_list


def test_an_attorney_releases_selected_claims_or_all_of_them(client, asa, asa2, bulk_list):
    isp_list = bulk_list(30)
    newest = newest_first(isp_list)
    review_services.review_claim_next(reviewer=asa, count=5)
    review_services.review_claim_next(reviewer=asa2, count=5)
    client.force_login(asa)
    response = client.post(
        "/review/release/", {"select": [f"{newest[0]}:1", f"{newest[5]}:1"], "next": "/review/"}
    )
    assert response["Location"] == "/review/"
    assert newest[0] not in holders()
    assert holders()[newest[5]] == "asa2", "another attorney's claim is not released"
    client.post("/review/release/", {"scope": "all"})
    assert set(holders().values()) == {"asa2"}
    assert AuditEvent.objects.filter(action="review.release", actor=asa).count() == 2
    assert (
        "Select the rows"
        in client.get(client.post("/review/release/", {})["Location"]).content.decode()
    )


def test_a_supervisor_reassigns_a_claim_to_another_attorney(
    client, asa, asa2, supervisor, bulk_list
):
    isp_list = bulk_list(3)
    newest = newest_first(isp_list)
    review_services.review_claim_next(reviewer=asa, count=2)
    client.force_login(supervisor)
    response = client.post(
        "/review/reassign/",
        {"select": [f"{newest[0]}:1", f"{newest[2]}:0"], "to": asa2.pk, "next": "/review/"},
    )
    assert response["Location"] == "/review/"
    assert holders() == {newest[0]: "asa2", newest[1]: "asa", newest[2]: "asa2"}
    event = AuditEvent.objects.get(action="review.reassign")
    assert event.actor == supervisor
    assert event.detail["to"] == "asa2" and event.detail["from"][str(newest[0])] == "asa"
    client.post("/review/reassign/", {"select": [f"{newest[0]}:2"], "to": ""})
    assert newest[0] not in holders(), "handing to nobody releases"


def test_only_a_supervisor_reassigns_and_only_to_an_attorney(
    client, asa, asa2, clerk, supervisor, bulk_list
):
    isp_list = bulk_list(1)
    (only,) = newest_first(isp_list)
    review_services.review_claim_next(reviewer=asa)
    client.force_login(asa2)
    assert (
        client.post("/review/reassign/", {"select": [f"{only}:1"], "to": asa2.pk}).status_code
        == 403
    )
    with pytest.raises(review_services.ReviewRefused):
        review_services.review_reassign(conviction_ids=[only], to=asa2, by=asa)
    client.force_login(supervisor)
    client.post("/review/reassign/", {"select": [f"{only}:1"], "to": clerk.pk})
    assert holders() == {only: "asa"}
    with pytest.raises(review_services.ReviewRefused):
        review_services.review_reassign(conviction_ids=[only], to=clerk, by=supervisor)


def test_a_decided_conviction_is_not_reassigned(asa, asa2, supervisor, worked):
    eligible = row(worked, 1)
    review_services.decision_record(conviction=eligible, reviewer=asa, kind="confirm", version=0)
    assert (
        review_services.review_reassign(conviction_ids=[eligible.pk], to=asa2, by=supervisor) == 0
    )
    assert holders() == {}


def test_an_attorney_holds_one_conviction_from_its_page_unless_another_holds_it(
    client, asa, asa2, worked
):
    eligible = row(worked, 1)
    client.force_login(asa)
    page = client.get(f"/review/{eligible.pk}/").content.decode()
    assert "Nobody holds this conviction" in page and "Hold it" in page
    response = client.post(f"/review/{eligible.pk}/claim/")
    page = client.get(response["Location"]).content.decode()
    assert "You hold this conviction" in page and "Release it" in page
    client.force_login(asa2)
    response = client.post(f"/review/{eligible.pk}/claim/")
    assert "asa holds this conviction" in client.get(response["Location"]).content.decode()
    assert holders() == {eligible.pk: "asa"}


def test_a_supervisor_sees_the_holder_and_can_reassign_from_the_page(
    client, asa, supervisor, worked
):
    eligible = row(worked, 1)
    review_services.review_claim(conviction=eligible, reviewer=asa)
    client.force_login(supervisor)
    page = client.get(f"/review/{eligible.pk}/").content.decode()
    assert "asa</strong> holds this conviction" in page
    assert 'id="reassign-form"' in page and "reassign it to decide it yourself" in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (concurrent transactions)"
)
def test_attorneys_taking_claims_at_the_same_moment_never_share_an_item(
    django_user_model, asa, asa2, supervisor, supervisor2
):
    make_list(400)
    attorneys = [asa, asa2, supervisor, supervisor2]
    rounds = 3
    barrier = threading.Barrier(len(attorneys))
    taken: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def work(attorney):
        try:
            mine: list[int] = []
            for _ in range(rounds):
                barrier.wait(timeout=30)
                mine += review_services.review_claim_next(reviewer=attorney)
            taken[attorney.username] = mine
        except BaseException as error:  # reported in the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(a,)) for a in attorneys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    every = [pk for ids in taken.values() for pk in ids]
    assert len(every) == len(set(every)) == len(attorneys) * rounds * 25
    stored = holders()
    for username, ids in taken.items():
        assert {stored[pk] for pk in ids} == {username}


def test_the_filters_hold_through_take_the_next_25_and_the_next_after_a_decision(
    client, asa, worked
):
    """Issue 20: "Take the next 25" and "next" used to drop the attorney's filters."""
    from review.models import Review

    client.force_login(asa)
    response = client.post("/review/claim/?determination=NOT_ELIGIBLE&page=2")
    assert response.status_code == 302
    location = response["Location"]
    assert "determination=NOT_ELIGIBLE" in location and "mine=on" in location
    assert "state=undecided" in location and "page=" not in location
    held = set(Review.objects.filter(claimed_by=asa).values_list("pk", flat=True))
    not_eligible = set(
        worked.convictions.filter(determination="NOT_ELIGIBLE").values_list("pk", flat=True)
    )
    assert held == not_eligible
    # Then everything else too, without a filter; the attorney goes back to their filter.
    client.post("/review/claim/?state=")
    assert Review.objects.filter(claimed_by=asa).count() == 15
    client.get("/review/?determination=NOT_ELIGIBLE")
    first = worked.convictions.filter(determination="NOT_ELIGIBLE").order_by(
        "-disposition_on", "id"
    )[0]
    version = Review.objects.get(pk=first.pk).version
    response = client.post(f"/review/{first.pk}/decide/", {"kind": "confirm", "version": version})
    following = Conviction.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))
    assert following.determination == "NOT_ELIGIBLE" and following.pk != first.pk
