"""A conviction's identity across lists (design.md "Scaling past one machine"; issue 18).

Two rows on two lists are one conviction when they have the same person key, the same case key,
the same statute as parsed (chapter, act, section, subsection, inchoate) and the same disposition
date as read. Where a part cannot be read, its text (upper-cased, whitespace collapsed) stands in,
as the spec does for an unreadable date of birth; an exact re-send of a list is therefore all
known.

The identity is stored as a keyed hash (HMAC-SHA256 with ``settings.IDENTITY_KEY``), indexed, so
that matching a list is an index lookup. The purge erases everything else of a granted
conviction but keeps this hash: without the key it names nobody, and with it a later list that
brings the conviction back is recognised.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Callable
from datetime import date

from django.conf import settings

from eligibility.rules.dates import read_date
from eligibility.rules.engine import collapse
from eligibility.rules.identifiers import case_key
from eligibility.rules.records import Record
from eligibility.rules.statutes import parse_statute

# The facts of a conviction that a list sent again may correct (the amount is read from the
# offense description). A known row whose facts differ from its earlier copy is a correction.
FACTS = ("disposition", "offense_class", "sentence", "offense_description")
FACT_LABELS = {
    "disposition": "disposition",
    "offense_class": "class",
    "sentence": "sentence",
    "offense_description": "offense description (amount)",
}


@functools.lru_cache(maxsize=4096)  # a list repeats its statutes
def statute_part(text: str) -> str:
    statute = parse_statute(text)
    if statute is None:
        return f"T:{collapse(text)}"
    return "S:" + "|".join(
        str(part or "")
        for part in (
            statute.chapter,
            statute.act,
            statute.section,
            statute.subsection,
            statute.inchoate,
        )
    )


def date_part(text: str, read: date | None) -> str:
    return read.isoformat() if read is not None else f"T:{collapse(text)}"


def identity_text(
    record: Record, person: str, read: Callable[[str], date | None] = read_date
) -> str:
    """The identity's parts, one text: ``person`` is the stored person key; ``read`` is
    ``read_date`` or a memo of it."""
    disposed = read(record.disposition_date)
    return "\x1f".join(
        (
            person,
            case_key(record.court_case_number),
            statute_part(record.statute),
            date_part(record.disposition_date, disposed),
        )
    )


@functools.lru_cache(maxsize=4)
def _keyed(key: str) -> hmac.HMAC:
    """The HMAC of the key alone, copied for each text (cheaper than keying it again, and than
    ``hmac.digest``, which looks the hash up by its name each time)."""
    return hmac.new(key.encode("utf-8"), digestmod=hashlib.sha256)


def identity_hasher() -> Callable[[str], str]:
    """``identity_hash`` with the key it has now, for many texts (the settings are read once)."""
    keyed = _keyed(settings.IDENTITY_KEY)

    def hash_text(text: str) -> str:
        copy = keyed.copy()
        copy.update(text.encode("utf-8"))
        return copy.hexdigest()

    return hash_text


def identity_hash(text: str) -> str:
    """The keyed hash (HMAC-SHA-256 with ``IDENTITY_KEY``) of a text, hexadecimal."""
    return identity_hasher()(text)


def conviction_identity(
    record: Record,
    person: str,
    read: Callable[[str], date | None] = read_date,
    hash_text: Callable[[str], str] = identity_hash,
) -> str:
    """The stored identity of a row: the keyed hash of its parts; ``hash_text`` is
    ``identity_hash`` or an ``identity_hasher``."""
    return hash_text(identity_text(record, person, read))


def fact_changes(earlier: dict[str, str], now: dict[str, str]) -> dict[str, list[str]]:
    """The facts that differ between an earlier copy and this row (compared as the spec
    compares free text: upper-cased, whitespace collapsed), each ``[earlier, now]``."""
    return {
        name: [earlier[name], now[name]]
        for name in FACTS
        if collapse(earlier[name]) != collapse(now[name])
    }
