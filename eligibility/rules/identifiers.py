"""SID, DCN and court case number: how their text is read and compared.

``isp-list-format.md`` ("Cell values"): a number Excel stored for one of these text fields reads
as its integer text (``1234567.0`` is ``1234567``), in a workbook or in a CSV file. Spec section 3:
the person key is the SID upper-cased without whitespace, the case key the court case number
upper-cased with everything but ASCII letters and digits removed. The reader of list files and
the engine both read these texts here (the engine also judges rows stored before a reading
changed, so it never relies on the reader alone).
"""

from __future__ import annotations

import re
from functools import lru_cache

_NOT_ALNUM_RE = re.compile(r"[^A-Z0-9]")


def integer_text(text: str) -> str:
    """Digits followed by ``.0`` are the digits alone (Cell values); any other text as it is."""
    if "." in text and text.endswith(".0"):
        digits = text[:-2]
        if digits.isascii() and digits.isdigit():
            return digits
    return text


def sid_key(sid: str) -> str:
    """The SID as the person key compares it (section 3): upper-cased, whitespace removed, and
    digits followed by ``.0`` read as the digits (``a301`` is ``A301``, ``1234567.0`` is
    ``1234567``). Empty when the SID is only whitespace."""
    if sid.isalnum():  # no whitespace and no point: only the case can change
        return sid.upper()
    return integer_text("".join(sid.split()).upper())


@lru_cache(maxsize=65536)
def case_key(court_case_number: str) -> str:
    """The case key (section 3): upper-cased, everything but ASCII letters and digits removed,
    after a number's ``.0`` is read away (``12345.0`` is case ``12345``, not ``123450``)."""
    if "." in court_case_number:  # cheaper than a method call, and rare
        court_case_number = integer_text(court_case_number)
    return _NOT_ALNUM_RE.sub("", court_case_number.upper())


def dcn_key(dcn: str) -> str:
    """The DCN as association compares it (section 3; ``.0`` read away as for any number)."""
    return integer_text(dcn)
