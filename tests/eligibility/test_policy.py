"""The office policy: versions with a comment, a preview that stores nothing, re-evaluation."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from accounts.models import AuditEvent
from eligibility import services
from eligibility.models import Conviction, IspList, OfficePolicy

from .conftest import EXAMPLES

pytestmark = pytest.mark.django_db

CURRENT = {
    "county": "COOK",
    "max_grams": "30",
    "section5_misdemeanor": "review",
    "violent_association": "not_eligible",
    "recent_sentence_days": "1095",
}


@pytest.fixture
def sample(media, django_capture_on_commit_callbacks) -> IspList:
    with django_capture_on_commit_callbacks(execute=True):
        isp_list = services.list_store_file(
            path=EXAMPLES / "sample-2000.csv",
            filename="sample-2000.csv",
            as_of=date(2026, 11, 25),
            user=None,
        )
    isp_list.refresh_from_db()
    return isp_list


def with_reason(code: str) -> list[Conviction]:
    return [c for c in Conviction.objects.order_by("row_number") if code in c.reasons]


def snapshot() -> list[tuple]:
    return list(
        Conviction.objects.order_by("id").values_list(
            "id", "determination", "reasons", "policy_version", "evaluation_run"
        )
    )


def test_the_policy_page_explains_each_switch_and_shows_the_history(client, supervisor):
    client.force_login(supervisor)
    page = client.get("/policy/").content.decode()
    assert "Program amount cap (grams)" in page and "Minor Cannabis Offense" in page
    assert "725 ILCS 120/3(c)" in page
    assert "v1" in page


def test_the_preview_shows_the_rows_that_become_eligible_and_stores_nothing(
    client, supervisor, sample
):
    client.force_login(supervisor)
    before, versions, events = snapshot(), OfficePolicy.objects.count(), AuditEvent.objects.count()
    response = client.post(
        "/policy/",
        {**CURRENT, "max_grams": "", "preview_list": sample.pk, "action": "preview"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    over = with_reason("OVER_PROGRAM_AMOUNT")
    assert over
    assert "Nothing was stored" in page
    assert "<code>OVER_PROGRAM_AMOUNT</code>" in page  # a reason code lost by every such row
    moved_to_eligible = next(c for c in over if c.reasons == ["OVER_PROGRAM_AMOUNT"])
    assert f'href="/review/{moved_to_eligible.pk}/"' in page
    assert snapshot() == before
    assert OfficePolicy.objects.count() == versions
    assert AuditEvent.objects.count() == events


def test_adopting_needs_a_comment(client, supervisor):
    client.force_login(supervisor)
    response = client.post("/policy/", {**CURRENT, "max_grams": "", "action": "adopt"})
    assert "A comment saying why the policy changes is required." in response.content.decode()
    assert OfficePolicy.objects.count() == 1


def test_adopting_creates_a_version_and_a_rerun_list_shows_it(
    client, supervisor, sample, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)
    old = snapshot()
    response = client.post(
        "/policy/",
        {**CURRENT, "max_grams": "", "action": "adopt", "comment": "Cover the full statute."},
    )
    assert response.status_code == 302
    policy = OfficePolicy.objects.get(version=2)
    assert policy.max_grams is None and policy.changed_by == supervisor
    assert policy.note == "Cover the full statute."
    assert OfficePolicy.objects.get(version=1).max_grams == 30, "the old version is untouched"
    assert snapshot() == old, "a new version never changes an old determination"
    event = AuditEvent.objects.get(action="policy.change")
    assert event.detail["to"]["max_grams"] is None and event.actor == supervisor

    page = client.get("/policy/").content.decode()
    assert f'name="lists" value="{sample.pk}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/policy/reevaluate/", {"lists": [sample.pk]})
    sample.refresh_from_db()
    assert sample.policy == policy and sample.status == IspList.Status.READY
    assert not with_reason("OVER_PROGRAM_AMOUNT")
    assert set(Conviction.objects.values_list("policy_version", flat=True)) == {2}
    assert "version 2" in client.get(f"/lists/{sample.pk}/").content.decode()


def test_compare_policy_prints_the_moves_from_the_shell(sample, capsys):
    call_command("compare_policy", str(sample.pk), "--set", "max_grams=none")
    out = capsys.readouterr().out
    assert out.startswith(f"list #{sample.pk}: 2000 rows, ")
    assert "lost OVER_PROGRAM_AMOUNT: " in out
    assert with_reason("OVER_PROGRAM_AMOUNT"), "the comparison stored nothing"


@pytest.mark.parametrize("role", ["asa", "clerk"])
def test_asas_and_clerks_may_not_see_or_change_the_policy(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/policy/").status_code == 403
    assert (
        client.post("/policy/", {**CURRENT, "action": "adopt", "comment": "x"}).status_code == 403
    )
    assert client.post("/policy/reevaluate/", {"lists": [1]}).status_code == 403
    assert OfficePolicy.objects.count() == 1


def test_the_policy_page_speaks_in_words_not_stored_values(client, supervisor):
    """Issue 20: "review", "not_eligible" and "Section5 misdemeanor" read as the code does."""
    client.force_login(supervisor)
    page = client.get("/policy/").content.decode()
    in_force = page.split('id="policy-in-force"')[1].split("</table>")[0]
    assert "<strong>Send to review</strong>" in in_force
    assert "<strong>Not eligible</strong>" in in_force
    assert ">review<" not in in_force and "not_eligible<" not in in_force
    assert "Section5" not in page
    assert '<label for="id_section5_misdemeanor">Section 5 misdemeanors</label>' in page
