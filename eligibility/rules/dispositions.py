"""The disposition reader (spec 5.2, used by R7-R10, R17, R18 and R21)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

DispositionKind = Literal["conviction", "supervision", "no_conviction", "relieved", "unknown"]

_KINDS: dict[DispositionKind, tuple[str, ...]] = {
    "conviction": (
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
    ),
    "supervision": (
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
    ),
    "no_conviction": (
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
    ),
    "relieved": ("VACATED", "PARDONED", "EXPUNGED"),
}
_BY_TEXT: dict[str, DispositionKind] = {
    text: kind for kind, texts in _KINDS.items() for text in texts
}
_DROPPED = str.maketrans("", "", ".,-")


def disposition_spellings(kind: DispositionKind) -> tuple[str, ...]:
    """The spellings of 5.2 that read as ``kind``, in the spec's order (none for ``unknown``)."""
    return _KINDS.get(kind, ())


@lru_cache(maxsize=4096)
def read_disposition(text: str) -> DispositionKind:
    """Read what a disposition means (5.2); anything not listed is ``unknown`` (R9)."""
    key = " ".join(text.translate(_DROPPED).upper().split())
    return _BY_TEXT.get(key, "unknown")
