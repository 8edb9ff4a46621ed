"""The disposition reader of spec 5.2."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eligibility.rules import read_disposition

SPELLINGS = {
    "conviction": [
        "GUILTY",
        "GUILTY PLEA",
        "PLEA OF GUILTY",
        "PLEA GUILTY",
        "FINDING OF GUILTY",
        "FOUND GUILTY",
        "VERDICT GUILTY",
        "JURY VERDICT GUILTY",
        "BENCH TRIAL GUILTY",
        "CONVICTED",
        "CONVICTION",
        "SUPERVISION REVOKED",
        "SUPERVISION TERMINATED UNSATISFACTORILY",
        "PROBATION REVOKED",
    ],
    "supervision": [
        "SUPERVISION",
        "COURT SUPERVISION",
        "SUPV",
        "SUPERVISION TERMINATED SATISFACTORILY",
        "SECTION 10 PROBATION",
        "710 PROBATION",
        "410 PROBATION",
        "550/10 PROBATION",
        "QUALIFIED PROBATION",
        "FIRST OFFENDER PROBATION",
        "DISCHARGED AND DISMISSED",
    ],
    "no_conviction": [
        "DISMISSED",
        "NOLLE PROSEQUI",
        "NOLLE PROS",
        "NOLLE",
        "SOL",
        "STRICKEN OFF WITH LEAVE",
        "STRICKEN OFF WITH LEAVE TO REINSTATE",
        "NOT GUILTY",
        "FINDING OF NOT GUILTY",
        "FNG",
        "ACQUITTED",
        "NO BILL",
        "FINDING OF NO PROBABLE CAUSE",
        "FNPC",
    ],
    "relieved": ["VACATED", "PARDONED", "EXPUNGED"],
}


@pytest.mark.parametrize(
    ("text", "kind"), [(text, kind) for kind, texts in SPELLINGS.items() for text in texts]
)
def test_it_reads_every_listed_spelling(text: str, kind: str) -> None:
    assert read_disposition(text) == kind
    assert read_disposition(text.lower()) == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("BENCH TRIAL - GUILTY", "conviction"),
        ("Plea of Guilty", "conviction"),
        ("  jury   verdict guilty ", "conviction"),
        ("S.O.L.", "no_conviction"),
        ("NOLLE PROS.", "no_conviction"),
        ("F.N.G.", "no_conviction"),
        ("Stricken Off, With Leave", "no_conviction"),
    ],
)
def test_it_ignores_case_dots_commas_dashes_and_spacing(text: str, kind: str) -> None:
    assert read_disposition(text) == kind


@pytest.mark.parametrize(
    "text", ["", "GUILTY - SEE NOTES", "TRANSFERRED", "CONTINUANCE", "BFW", "DISP PENDING", "PROB"]
)
def test_it_reads_anything_else_as_unknown(text: str) -> None:
    assert read_disposition(text) == "unknown"


@given(st.text())
def test_it_never_raises_on_arbitrary_text(text: str) -> None:
    assert read_disposition(text) in {*SPELLINGS, "unknown"}
