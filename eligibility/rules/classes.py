"""The offense class reader (spec 5.1, used by the class rule R11)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, Literal, cast

# A specific class, or one of the vaguer readings of 5.1. ``None`` is "no recorded class".
OffenseClass = Literal[
    "X", "1", "2", "3", "4", "A", "B", "C", "M", "civil", "misdemeanor", "felony"
]

FELONY_CLASSES: Final = frozenset({"X", "1", "2", "3", "4"})
MISDEMEANOR_CLASSES: Final = frozenset({"A", "B", "C"})

_FELONY_RE = re.compile(r"(?:CLASS |CL |F|FEL |FELONY )?([X1234])(?: FELONY| FEL)?")
_MISDEMEANOR_RE = re.compile(r"(?:CLASS |CL |MISD |M)?([ABC])(?: MISD| MISDEMEANOR)?")
_WORDS: dict[str, OffenseClass] = {
    "M": "M",
    "MISD": "misdemeanor",
    "MISDEMEANOR": "misdemeanor",
    "F": "felony",
    "FEL": "felony",
    "FELONY": "felony",
    "CIVIL": "civil",
    "CIVIL LAW VIOLATION": "civil",
    "CLV": "civil",
    "P": "civil",
    "PETTY": "civil",
    "O": "civil",
    "ORDINANCE": "civil",
}


@lru_cache(maxsize=4096)
def read_offense_class(text: str) -> OffenseClass | None:
    """Read the recorded offense class (5.1, used by R11); ``None`` when none is recorded."""
    key = " ".join(text.replace(".", "").upper().split())
    if match := _FELONY_RE.fullmatch(key):
        return cast(OffenseClass, match[1])
    if match := _MISDEMEANOR_RE.fullmatch(key):
        return cast(OffenseClass, match[1])
    return _WORDS.get(key)


_CLASS_WORDS: Final[dict[str, str]] = {
    **{c: f"Class {c} felony" for c in ("X", "1", "2", "3", "4")},
    **{c: f"Class {c} misdemeanor" for c in ("A", "B", "C")},
    "M": "first degree murder",
    "civil": "civil law violation or petty offense",
    "misdemeanor": "misdemeanor (class not given)",
    "felony": "felony (class not given)",
}


def class_in_words(text: str) -> str:
    """The recorded class as a person reads it ("MB" is "Class B misdemeanor"); the text as
    written when it cannot be read."""
    read = read_offense_class(text)
    return _CLASS_WORDS[read] if read is not None else text.strip()
