"""The acceptance journey of issue 5, through the pages an attorney uses, on the demo list."""

from __future__ import annotations

import re

import pytest

from demo.services import DEMO_LIST_ROWS, DEMO_SEED
from demo.synthetic import write_csv
from eligibility import services as eligibility_services
from eligibility.models import Conviction
from review.models import Decision, Review

from .conftest import AS_OF

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_list(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_csv(tmp_path / "demo.csv", DEMO_LIST_ROWS, seed=DEMO_SEED)
    with django_capture_on_commit_callbacks(execute=True):
        return eligibility_services.list_store_file(
            path=path, filename="demo.csv", as_of=AS_OF, user=None
        )


def hx(client, url, data):
    return client.post(url, data, headers={"HX-Request": "true"})


def item_of(html: str) -> Conviction:
    return Conviction.objects.get(pk=int(re.search(r'data-conviction="(\d+)"', html).group(1)))


def version_of(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def test_an_attorney_works_through_a_claim_of_the_demo_list(client, asa, demo_list):
    client.force_login(asa)
    assert client.get("/review/").status_code == 200

    # Take a claim: 25 undecided convictions, newest first, listed as "held by me".
    response = client.post("/review/claim/", {"next": "/review/"})
    mine = client.get(response["Location"])
    assert "You now hold 25 more convictions" in mine.content.decode()
    first_url = re.search(r'href="(/review/\d+/)">Open the next one', mine.content.decode())[1]

    # Work through it: each decision opens the next held item (htmx).
    page = client.get(first_url).content.decode()
    decided = {"confirm": 0, "override": 0}
    refused_once = False
    while 'id="decide-form"' in page and sum(decided.values()) < 6:
        conviction = item_of(page)
        url = f"/review/{conviction.pk}/decide/"
        if not refused_once:
            refused = hx(
                client,
                url,
                {
                    "kind": "override",
                    "version": version_of(page),
                    "outcome": "ELIGIBLE"
                    if conviction.determination != "ELIGIBLE"
                    else "NOT_ELIGIBLE",
                },
            )
            assert "An override needs a reason" in refused.content.decode()
            assert item_of(refused.content.decode()) == conviction, "the same item, again"
            refused_once = True
        if conviction.determination in {"ELIGIBLE", "NOT_ELIGIBLE"} and decided["confirm"] < 3:
            response = hx(client, url, {"kind": "confirm", "version": version_of(page)})
            decided["confirm"] += 1
        else:
            target = "NOT_ELIGIBLE" if conviction.determination == "ELIGIBLE" else "ELIGIBLE"
            response = hx(
                client,
                url,
                {
                    "kind": "override",
                    "version": version_of(page),
                    "outcome": target,
                    "reason": "court_file",
                    "note": "Checked the court file.",
                },
            )
            decided["override"] += 1
        assert response.status_code == 200
        page = response.content.decode()
        assert response["HX-Push-Url"] == f"/review/{item_of(page).pk}/"
    assert decided["confirm"] and decided["override"]
    assert Decision.objects.filter(reviewer=asa, bulk=False).count() == sum(decided.values())
    assert (
        Decision.objects.filter(kind="override").exclude(reason="").count() == decided["override"]
    )

    # Bulk-confirm clean eligible rows: take a claim within that filter, select, confirm.
    clean = "determination=ELIGIBLE&reason=none"
    client.post(f"/review/claim/?{clean}")
    filtered = client.get(f"/review/?mine=on&{clean}").content.decode()
    picked = re.findall(r'name="select" value="(\d+:\d+)"', filtered)
    assert len(picked) == 25
    response = client.post("/review/bulk-confirm/", {"select": picked, "next": "/review/?mine=on"})
    assert (
        f"Confirmed {len(picked)} eligible conviction(s)"
        in client.get(response["Location"]).content.decode()
    )
    bulk = Decision.objects.filter(reviewer=asa, bulk=True)
    assert bulk.count() == len(picked)
    assert not Review.objects.filter(
        pk__in=[int(p.split(":")[0]) for p in picked], decision=None
    ).exists()
