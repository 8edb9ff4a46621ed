"""A list evaluated under the previous rule set, re-evaluated from its page under rule set
2026.12.1 (issue 16): the rows take the new determinations, attorneys' decisions are kept, and
those whose machine determination or reasons changed are flagged for another look."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from eligibility import services
from eligibility.models import Conviction, IspList
from eligibility.rules import RULESET_VERSION
from review.models import Decision, Review
from review.services import reviews as review_services

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 25)
OLD_RULESET = "2026.11.1"
HEADER = (
    "SID,LAST_NAME,FIRST_NAME,DATE_OF_BIRTH,COUNTY,COURT_CASE_NUMBER,COURT_LOCATION,"
    "OFFENSE_DATE,STATUTE,OFFENSE_CLASS,DISPOSITION,DISPOSITION_DATE,SENTENCE"
)
PLACE = "COOK,{case},MUNICIPAL DISTRICT 1"
LIST = [
    # Case 10C100: possession written 550/04(c), a dismissed domestic battery written 012-3.2.
    f"301,DOE,JANE,1970-01-01,{PLACE.format(case='10C100')},2010-01-01,720 ILCS 550/04(c),A,"
    "GUILTY,2010-04-01,12 MOS PROBATION",
    f"301,DOE,JANE,1970-01-01,{PLACE.format(case='10C100')},2010-01-01,720-5/012-3.2,A,"
    "DISMISSED,2010-04-01,",
    # Case 11C200: possession 550/4(c), again beside a dismissed 012-3.2.
    f"301,DOE,JANE,1970-01-01,{PLACE.format(case='11C200')},2011-01-01,720 ILCS 550/4(c),A,"
    "GUILTY,2011-04-01,CTS",
    f"301,DOE,JANE,1970-01-01,{PLACE.format(case='11C200')},2011-01-01,720-5/012-3.2,A,"
    "DISMISSED,2011-04-01,",
    # Another person: an unremarkable possession, the same under both rule sets.
    f"302,ROE,JOHN,1971-01-01,{PLACE.format(case='12C300')},2012-01-01,720 ILCS 550/4(b),B,"
    "GUILTY,2012-05-10,FINE $100",
]
# What rule set 2026.11.1 (main before issue 16) gave these rows: the output of its
# `manage.py evaluate_list --as-of 2026-11-25` on this list. It read 04 as a section other than
# 4, and 012-3.2 as a section that is not domestic battery (12-3.2).
OLD_RESULTS = {
    1: ("NOT_ELIGIBLE", ["SECTION_NOT_ELIGIBLE"]),
    2: ("NOT_ELIGIBLE", ["NOT_A_CONVICTION", "NOT_CANNABIS_CONTROL_ACT"]),
    3: ("ELIGIBLE", []),
    4: ("NOT_ELIGIBLE", ["NOT_A_CONVICTION", "NOT_CANNABIS_CONTROL_ACT"]),
    5: ("ELIGIBLE", []),
}
NEW_RESULTS = {
    1: ("NOT_ELIGIBLE", ["VIOLENT_OFFENSE_ASSOCIATED"]),
    2: ("NOT_ELIGIBLE", ["NOT_A_CONVICTION", "NOT_CANNABIS_CONTROL_ACT"]),
    3: ("NOT_ELIGIBLE", ["VIOLENT_OFFENSE_ASSOCIATED"]),
    4: ("NOT_ELIGIBLE", ["NOT_A_CONVICTION", "NOT_CANNABIS_CONTROL_ACT"]),
    5: ("ELIGIBLE", []),
}


@pytest.fixture
def store(settings, tmp_path, django_capture_on_commit_callbacks):
    """Import a list through the real pipeline, then put on its rows what the previous rule set
    gave them, as if it had been evaluated before this rule set existed."""
    settings.MEDIA_ROOT = tmp_path / "media"

    def stored_under_old_rules(lines: list[str], old: dict[int, tuple[str, list[str]]]) -> IspList:
        path = Path(tmp_path) / "list.csv"
        path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
        with django_capture_on_commit_callbacks(execute=True):
            isp_list = services.list_store_file(
                path=path, filename="list.csv", as_of=AS_OF, user=None
            )
        isp_list.refresh_from_db()
        assert isp_list.status == IspList.Status.READY
        for number, (determination, reasons) in old.items():
            isp_list.convictions.filter(row_number=number).update(
                determination=determination,
                reasons=reasons,
                details={},
                ruleset_version=OLD_RULESET,
            )
        IspList.objects.filter(pk=isp_list.pk).update(ruleset_version=OLD_RULESET)
        isp_list.refresh_from_db()
        return isp_list

    return stored_under_old_rules


def results(isp_list: IspList) -> dict[int, tuple[str, list[str]]]:
    return {
        number: (determination, sorted(reasons))
        for number, determination, reasons in isp_list.convictions.values_list(
            "row_number", "determination", "reasons"
        )
    }


def row(isp_list: IspList, number: int) -> Conviction:
    return isp_list.convictions.get(row_number=number)


def flagged(client) -> list[int]:
    response = client.get("/review/?state=another_look")
    return sorted(bound.record.pk for bound in response.context["table"].page.object_list)


def reevaluate(client, isp_list: IspList, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/lists/{isp_list.pk}/reevaluate/",
            {"as_of": AS_OF.isoformat(), "policy": isp_list.policy_id},
        )
    assert response.status_code == 302
    isp_list.refresh_from_db()
    return isp_list


def test_re_evaluating_under_the_new_rule_set_flags_the_decisions_whose_machine_view_changed(
    client, asa, supervisor, store, django_capture_on_commit_callbacks
):
    isp_list = store(LIST, OLD_RESULTS)
    assert results(isp_list) == OLD_RESULTS
    client.force_login(supervisor)
    page = client.get(f"/lists/{isp_list.pk}/").content.decode()
    assert OLD_RULESET in page, "the list shows the rule set it was evaluated under"

    # The attorney decides on the machine's view of the old rule set.
    eligible_then, refused_then, unchanged = row(isp_list, 3), row(isp_list, 1), row(isp_list, 5)
    for conviction in (eligible_then, refused_then, unchanged):
        review_services.decision_record(
            conviction=conviction, reviewer=asa, kind="confirm", version=0
        )
    client.force_login(asa)
    assert flagged(client) == []

    client.force_login(supervisor)
    isp_list = reevaluate(client, isp_list, django_capture_on_commit_callbacks)

    assert isp_list.status == IspList.Status.READY
    assert isp_list.ruleset_version == RULESET_VERSION != OLD_RULESET
    assert isp_list.evaluation_run == 2
    assert results(isp_list) == NEW_RESULTS
    assert set(isp_list.convictions.values_list("ruleset_version", flat=True)) == {RULESET_VERSION}
    # Decisions are kept as they were; the two whose machine view changed are flagged.
    assert Decision.objects.count() == 3
    decision = Review.objects.get(pk=eligible_then.pk).decision
    assert (decision.outcome, decision.machine_determination, decision.machine_reasons) == (
        "ELIGIBLE",
        "ELIGIBLE",
        [],
    )
    assert [
        Review.objects.get(pk=c.pk).needs_another_look
        for c in (eligible_then, refused_then, unchanged)
    ] == [True, True, False]
    client.force_login(asa)
    assert flagged(client) == sorted([eligible_then.pk, refused_then.pk])
    # The attorney is shown what changed: what the machine said when they decided, and now.
    page = client.get(f"/review/{eligible_then.pk}/").content.decode()
    assert "another look" in page
    assert "it was Eligible" in page
    assert "VIOLENT_OFFENSE_ASSOCIATED" in page
    page = client.get(f"/review/{refused_then.pk}/").content.decode()
    assert "it was Not eligible: SECTION_NOT_ELIGIBLE" in page
    assert "VIOLENT_OFFENSE_ASSOCIATED" in page


def test_re_evaluating_reads_the_stored_person_keys_again_so_a_person_is_judged_whole(
    client, supervisor, store, settings, django_capture_on_commit_callbacks
):
    # Rule set 2026.11.1 stored SID a301 and SID A301 as two people, in two buckets: evaluated
    # one bucket per chunk, the violent co-charge of the same case was never seen.
    settings.EVALUATION_CHUNK_ROWS = 1
    lines = [
        f"a301,DOE,JANE,1970-01-01,{PLACE.format(case='10C100')},2010-01-01,720 ILCS 550/4(c),A,"
        "GUILTY,2010-04-01,12 MOS PROBATION",
        f"A301,DOE,JANE,1970-01-01,{PLACE.format(case='10C100')},2010-01-01,720-5/12-3.2,A,"
        "DISMISSED,2010-04-01,",
    ]
    isp_list = store(
        lines,
        {
            1: ("ELIGIBLE", []),
            2: ("NOT_ELIGIBLE", ["NOT_A_CONVICTION", "NOT_CANNABIS_CONTROL_ACT"]),
        },
    )
    old_key = "S|a301"  # services.person_key_text under rule set 2026.11.1
    assert services.bucket_of(old_key) != row(isp_list, 2).bucket
    isp_list.convictions.filter(row_number=1).update(
        person_key=old_key, bucket=services.bucket_of(old_key)
    )
    client.force_login(supervisor)

    isp_list = reevaluate(client, isp_list, django_capture_on_commit_callbacks)

    assert results(isp_list)[1] == ("NOT_ELIGIBLE", ["VIOLENT_OFFENSE_ASSOCIATED"])
    first, second = row(isp_list, 1), row(isp_list, 2)
    assert first.person_key == second.person_key == "S|A301"
    assert first.bucket == second.bucket
