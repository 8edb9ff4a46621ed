"""One conviction's page: the row as received, the explanation, the person's rows, the form."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEvent
from eligibility.rules import REASONS
from review.services import reviews as review_services

from .conftest import row

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("number", range(1, 16))
def test_the_page_explains_every_reason_code_on_the_row(client, asa, worked, number):
    conviction = row(worked, number)
    client.force_login(asa)
    page = client.get(f"/review/{conviction.pk}/").content.decode()
    for code in conviction.reasons:
        reason = REASONS[code]
        assert f"<code>{code}</code>" in page
        assert f"<td>{reason.rule}</td>" in page
        assert reason.explanation.replace('"', "&quot;").replace("'", "&#x27;") in page
        assert reason.basis.replace('"', "&quot;").replace("'", "&#x27;") in page
    if conviction.determination == "ELIGIBLE":
        assert conviction.details["basis"] and "<strong>Basis:</strong>" in page


def test_the_page_shows_the_row_as_received_and_as_read(client, asa, worked):
    conviction = row(worked, 2)
    client.force_login(asa)
    page = client.get(f"/review/{conviction.pk}/").content.decode()
    assert '<th scope="row">STATUTE</th><td>720 ILCS 550/4(b)</td>' in page
    assert "<dt>Statute</dt><dd><code>720 ILCS 550/4(b)</code></dd>" in page
    assert AuditEvent.objects.filter(action="conviction.view", object_id=str(conviction.pk))


def test_the_page_links_the_persons_other_rows_with_their_decisions(client, asa, worked):
    violent = row(worked, 9)  # its case also holds a dismissed violent charge, row 10
    same_case = row(worked, 10)
    review_services.decision_record(conviction=same_case, reviewer=asa, kind="confirm", version=0)
    client.force_login(asa)
    page = client.get(f"/review/{violent.pk}/").content.decode()
    rows = page[page.index('id="person-rows"') :]
    assert f'<a href="/review/{same_case.pk}/">row 10</a>' in rows
    assert "(same case)" in rows
    assert '<span class="badge NOT_ELIGIBLE">Not eligible</span></td></tr>' in rows


def test_an_attorney_sees_the_list_name_but_no_link_to_the_uploaders_page(
    client, asa, supervisor, worked
):
    conviction = row(worked, 1)
    client.force_login(asa)
    assert (
        f'href="/lists/{worked.pk}/"'
        not in client.get(f"/review/{conviction.pk}/").content.decode()
    )
    client.force_login(supervisor)
    assert f'href="/lists/{worked.pk}/"' in client.get(f"/review/{conviction.pk}/").content.decode()


def test_the_override_offers_the_other_outcome_and_the_office_reasons(client, asa, worked):
    client.force_login(asa)
    page = client.get(f"/review/{row(worked, 1).pk}/").content.decode()
    assert '<option value="NOT_ELIGIBLE" selected>' in page
    assert "Already vacated, expunged or sealed" in page
    assert "Confirm: Eligible" in page
    needs_review = client.get(f"/review/{row(worked, 6).pk}/").content.decode()
    assert "cannot be confirmed" in needs_review and 'data-key="c"' not in needs_review


def test_the_detail_page_makes_the_same_number_of_queries_with_a_long_history(
    client, asa, asa2, worked
):
    def queries(conviction) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/review/{conviction.pk}/").status_code == 200
        return len(captured)

    client.force_login(asa)
    few, many = row(worked, 1), row(worked, 2)
    review_services.decision_record(conviction=few, reviewer=asa, kind="confirm", version=0)
    for version in range(6):
        reviewer = asa if version % 2 else asa2
        kind = "confirm" if version % 2 else "override"
        review_services.decision_record(
            conviction=many,
            reviewer=reviewer,
            kind=kind,
            version=version,
            outcome="NOT_ELIGIBLE",
            reason="duplicate",
        )
    assert queries(few) == queries(many)


def test_how_the_rules_read_a_row_is_in_words(client, asa, worked):
    """Not a Python dict (issue 20): the statute as a citation, the class in words."""
    from review.readings import rules_reading

    eligible = row(worked, 1)
    reading = dict(rules_reading(eligible.details))
    assert reading["Statute"].startswith("720 ILCS 550/4")
    assert re.fullmatch(r"Class [ABC] misdemeanor|Class [X1-4] felony", reading["Class recorded"])
    client.force_login(asa)
    page = client.get(f"/review/{eligible.pk}/").content.decode()
    assert "{&#x27;act&#x27;" not in page and "'chapter':" not in page
    assert f"<dt>Statute</dt><dd>{reading['Statute']}</dd>" in page
