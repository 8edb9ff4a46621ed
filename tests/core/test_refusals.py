"""One refusal for the whole house: every app's refusal is ``core.refusals.Refused``, with the
sentence to show as ``message`` (and ``str()``), and each problem in ``problems``."""

from __future__ import annotations

import pytest

from accounts.services import AccountRefused
from core.refusals import Refused
from core.uploads import UploadRefused
from demo.services import DemoRefused
from eligibility.listfiles import ListRefused
from eligibility.services import DuplicateList
from filings.exhibit_outcomes import ExhibitRefused
from filings.services import PacketRefused
from review.services.batches import BatchRefused
from review.services.reviews import HeldByAnother, ReviewRefused, StaleReview
from review.services.samples import SampleRefused

REFUSALS = [
    AccountRefused,
    BatchRefused,
    DemoRefused,
    DuplicateList,
    ExhibitRefused,
    HeldByAnother,
    ListRefused,
    PacketRefused,
    ReviewRefused,
    SampleRefused,
    StaleReview,
    UploadRefused,
]


@pytest.mark.parametrize("refusal", REFUSALS, ids=[r.__name__ for r in REFUSALS])
def test_every_refusal_is_the_one_refusal(refusal):
    assert issubclass(refusal, Refused)


def test_a_refusal_says_its_message_and_keeps_its_problems():
    refused = Refused("The batch cannot be approved.", ["Row 2: no case number."])
    assert refused.message == str(refused) == "The batch cannot be approved."
    assert refused.problems == ["Row 2: no case number."]
    assert Refused("Nothing to take.").problems == []


def test_an_exhibit_refusal_says_its_first_problems_and_how_many_more():
    refused = ExhibitRefused([f"Row {n}: no outcome." for n in range(2, 40)])
    assert len(refused.problems) == 38
    assert refused.message == str(refused) == " ".join(refused.shown)
    assert refused.shown[-1].startswith("… and ")
