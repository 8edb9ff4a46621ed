"""Property tests: the engine never raises, and its results keep their promises."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.rules import REASONS, ListJudge, Policy, Record, Result, evaluate, sid_key
from eligibility.rules.dates import DateMemo
from eligibility.rules.engine import _result

TEXT_FIELDS = [field.name for field in dataclasses.fields(Record) if field.name != "row"]

# Realistic pieces mixed with arbitrary text, so that rows often share people and cases.
PIECES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "1",
            "COOK",
            "WILL",
            "720-550/4(c)",
            "720-550/5(b)",
            "720-550/7",
            "720-5/12-3.2",
            "720-5/12-3",
            "720-570/402",
            "ATTEMPT 720-550/4(d)",
            "GUILTY",
            "DISMISSED",
            "A",
            "4",
            "2010-01-01",
            "01/01/1970",
            "30-FEB-19",
            "12 MOS PROBATION",
            "99999999 YEARS IDOC",
            "POSS CANNABIS 10-30 GRAMS",
        ]
    ),
)
RECORDS = st.lists(
    st.fixed_dictionaries({name: PIECES for name in TEXT_FIELDS}),
    max_size=8,
).map(lambda rows: [Record(row=number, **row) for number, row in enumerate(rows, start=1)])
POLICIES = st.builds(
    Policy,
    county=st.sampled_from(["COOK", "Will County", ""]),
    max_grams=st.one_of(st.none(), st.floats(min_value=0, max_value=1e6)),
    section5_misdemeanor=st.sampled_from(["review", "eligible", "not_eligible"]),
    violent_association=st.sampled_from(["not_eligible", "review"]),
    recent_sentence_days=st.integers(min_value=0, max_value=100_000),
)


@settings(max_examples=300)
@given(RECORDS, POLICIES, st.dates())
def test_evaluate_never_raises_and_keeps_its_promises(
    records: list[Record], policy: Policy, as_of: date
) -> None:
    results = evaluate(records, policy, as_of)

    assert [result.row for result in results] == [record.row for record in records]
    for result in results:
        assert result.reasons <= set(REASONS)
        assert (result.determination == "ELIGIBLE") == (not result.reasons)
        assert json.loads(json.dumps(result.details, allow_nan=False)) == result.details
        if result.determination == "ELIGIBLE":
            assert result.details["basis"]


def test_a_result_built_by_the_engine_equals_one_built_by_its_constructor() -> None:
    fast = _result(3, "ELIGIBLE", frozenset(), date(2026, 1, 1), {"basis": "x"})
    slow = Result(
        3, "ELIGIBLE", frozenset(), fast.ruleset_version, date(2026, 1, 1), {"basis": "x"}
    )

    assert fast == slow
    assert repr(fast) == repr(slow)


SIDS = st.sampled_from(["", "   ", "a301", "A301", " a 301 ", "1234567.0", "1234567", "B-2", "b-2"])


@settings(max_examples=200)
@given(RECORDS, st.lists(SIDS, min_size=8, max_size=8))
def test_a_list_is_judged_as_if_its_sids_were_written_as_their_person_keys(
    records: list[Record], sids: list[str]
) -> None:
    written = [dataclasses.replace(r, sid=sid) for r, sid in zip(records, sids, strict=False)]
    as_keys = [dataclasses.replace(r, sid=sid_key(r.sid)) for r in written]

    assert evaluate(written, Policy(), date(2026, 11, 25)) == evaluate(
        as_keys, Policy(), date(2026, 11, 25)
    )


class _SmallDates(DateMemo):
    LIMIT = 3


class _SmallJudge(ListJudge):
    MEMO_LIMIT = 3


@settings(max_examples=200)
@given(st.lists(RECORDS, max_size=5), POLICIES, st.dates())
def test_a_list_judged_batch_by_batch_gets_the_results_each_batch_gets_alone(
    batches: list[list[Record]], policy: Policy, as_of: date
) -> None:
    # What one batch read is kept for the next (and forgotten past the memos' limits, made small
    # here so that they are): no result may depend on it.
    dates = _SmallDates()
    judge = _SmallJudge(policy, as_of, dates)

    assert [judge(batch) for batch in batches] == [
        evaluate(batch, policy, as_of) for batch in batches
    ]
    assert len(dates) <= 3
