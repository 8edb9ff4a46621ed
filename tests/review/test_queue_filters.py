"""The queue's "Eligible" and "no reason code" filters tell the database that such rows were
disposed of before the Act took effect (``queue_selectors.BEFORE_THE_ACT``), so that the
newest-first walk starts there. That is a fact of the rules, checked here against the engine on
every example list and on synthetic lists under every policy, and on the queue itself."""

from __future__ import annotations

from datetime import date
from itertools import product

import pytest

from demo.synthetic import synthetic_records
from eligibility.models import Conviction
from eligibility.rules import evaluate
from eligibility.rules.dates import read_date
from eligibility.rules.engine import CRTA_EFFECTIVE
from eligibility.rules.records import Policy

from .conftest import shown

POLICIES = [
    Policy(max_grams=grams, section5_misdemeanor=s5, violent_association=violent)
    for grams, s5, violent in product(
        (30, None), ("review", "eligible", "not_eligible"), ("not_eligible", "review")
    )
]


@pytest.mark.parametrize("policy", POLICIES, ids=str)
@pytest.mark.parametrize("as_of", [date(2019, 12, 1), date(2026, 11, 25)])
def test_an_eligible_row_and_a_row_with_no_reason_were_disposed_of_before_the_act(policy, as_of):
    records = list(synthetic_records(6000, seed=1925))
    results = evaluate(records, policy, as_of)
    eligible = 0
    for record, result in zip(records, results, strict=True):
        if result.determination == "ELIGIBLE" or not result.reasons:
            assert result.determination == "ELIGIBLE", record
            disposed = read_date(record.disposition_date)
            assert disposed is not None and disposed < CRTA_EFFECTIVE, record
            eligible += 1
    assert eligible > 100, "the lists hold eligible rows to check"


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["determination=ELIGIBLE", "reason=none"])
def test_the_filters_find_exactly_the_rows_they_name(client, asa, worked, query):
    field, value = query.split("=")
    every = Conviction.objects.filter(isp_list=worked).exclude(determination="")
    if field == "determination":
        want = every.filter(determination=value)
    else:
        want = every.filter(reasons=[])
    assert want.exists()
    client.force_login(asa)
    got = shown(client.get(f"/review/?{query}&state=&per_page=100"))
    assert sorted(got) == sorted(want.values_list("pk", flat=True))
