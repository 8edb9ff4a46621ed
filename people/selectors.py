"""Finding a person across lists (issue 18, point 5), and one person's convictions with the path
each took: the lists it came on, the machine's determination, the attorney's decision, the batch,
the packet, the filing, the court's ruling and the purge.

A search reads one text and tries every key it can be: a date of birth when it reads as a date
(``eligibility.rules.dates.read_date``), and the SID, DCN, court case number and name as the
lists' readers read them (``eligibility.rules.identifiers``). Each key is compared through the
expression its index is built on (``eligibility.models.SEARCH_KEYS``), then whole, so that every
lookup is an index scan whatever the number of convictions. A purged row has no personal data
left and belongs to nobody: it is never found, but the path of a conviction still shows its
tombstone (the identity it keeps, its ruling and its packet).

Reads only, in a bounded number of queries whatever the number of rows found.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Upper

from eligibility.identity import identity_hash
from eligibility.models import SEARCH_KEYS, SEARCH_PREFIX, Conviction
from eligibility.rules.dates import read_date
from eligibility.rules.identifiers import case_key, integer_text, sid_key
from filings.models import CourtOutcome, Packet
from review.models import Batch, Decision

# The most convictions a search shows, and the most a person's page gathers (a list may hold
# thousands of rows of one person): beyond, the page says so.
SEARCH_LIMIT = 200
PERSON_LIMIT = 500
# Fewer characters than this find too many people to be of use.
SHORTEST_QUERY = 2
# How many conviction ids an audit entry names.
AUDITED_IDS = 100

KIND_LABELS = {
    "name": "name",
    "sid": "SID",
    "dcn": "DCN",
    "case": "court case number",
    "born": "date of birth",
}


def _normalised(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class SearchQuery:
    """What one typed text may be: each key as the lists' readers read it ("" when it cannot
    be that key)."""

    text: str
    born: date | None
    person: str  # the person key of a SID: "S|" and the SID as section 3 compares it
    dcn: str
    case: str
    # (last name, first name or its beginning; "" for any), upper-cased
    names: tuple[tuple[str, str], ...]

    @property
    def is_empty(self) -> bool:
        return not (self.born or self.person or self.dcn or self.case or self.names)

    @property
    def fingerprint(self) -> str:
        """A keyed hash of the query (``IDENTITY_KEY``), for the audit log: the log never holds
        the text (a purged person's name would outlive the purge there), but an auditor who
        holds a query can check whether it was searched (``manage.py search_fingerprint``)."""
        return query_fingerprint(self.text)


def query_fingerprint(text: str) -> str:
    return identity_hash("person.search\x1f" + _normalised(text).upper())


def _names(text: str) -> tuple[tuple[str, str], ...]:
    """``LAST, FIRST`` is a last name and a first name (or its beginning); one word is a last
    name; several words are ``FIRST LAST``, ``LAST FIRST`` or a last name of several words."""
    text = text.upper()
    if not any(ch.isalpha() for ch in text):
        return ()
    if "," in text:
        last, first = (_normalised(part) for part in text.split(",", 1))
        return ((last, first),) if last else ()
    words = text.split()
    if len(words) == 1:
        return ((words[0], ""),)
    return (
        (words[0], " ".join(words[1:])),
        (words[-1], " ".join(words[:-1])),
        (" ".join(words), ""),
    )


def query_read(text: str) -> SearchQuery:
    text = _normalised(text)
    if not any(ch.isalnum() for ch in text):  # punctuation alone is no key
        return SearchQuery(text=text, born=None, person="", dcn="", case="", names=())
    compact = text.replace(" ", "")
    sid = sid_key(text) if compact else ""
    return SearchQuery(
        text=text,
        born=read_date(text),
        person=f"S|{sid}" if sid else "",
        dcn=integer_text(compact).upper(),
        case=case_key(text),
        names=_names(text),
    )


def _key_lookups(query: SearchQuery) -> list[QuerySet[Conviction, int]]:
    """One query of row ids per key of ``query``, each at most ``SEARCH_LIMIT + 1`` rows, each
    compared through its index's expression (the aliases of ``_searchable``). Apart, each is an
    index scan that stops at the limit: a last name shared by thousands of rows reads the first
    ones in the name index's order, and no key waits for another's rows.

    A value shorter than its index's prefix equals a text when it equals the text's prefix, so
    the whole text is compared only for a value as long as the prefix: a second comparison of
    the same column makes the planner guess that it finds almost nothing, and it then reads
    every row of a common last name instead of the first ones in order."""
    cut, most = SEARCH_PREFIX, SEARCH_LIMIT + 1
    rows = _searchable()
    lookups = []
    if query.born:
        lookups.append(rows.filter(born_on=query.born))
    if query.person:
        lookups.append(
            _whole(
                rows.filter(s_person=query.person[: 2 * cut]), "person_key", query.person, 2 * cut
            )
        )
    if query.dcn:
        lookups.append(_whole(rows.filter(s_dcn=query.dcn[:cut]), "dcn__iexact", query.dcn, cut))
    if query.case:
        lookups.append(_whole(rows.filter(s_case=query.case[:cut]), "case_key", query.case, cut))
    found = [lookup.order_by()[:most] for lookup in lookups]
    for last, first in query.names:
        name = _whole(rows.filter(s_last=last[:cut]), "last_name__iexact", last, cut)
        if first:
            # The first name's beginning as a range of the index's second column, so that the
            # index finds it too (LIKE uses an index only under the C collation). Under a
            # collation by code point (C.UTF-8, as here) the range holds exactly the names that
            # begin so; a name found under another is checked again as it is shown.
            begun = first[:cut]
            name = name.filter(s_first__gte=begun, s_first__lt=begun[:-1] + chr(ord(begun[-1]) + 1))
            name = _whole(name, "first_name__istartswith", first, cut)
        found.append(name.order_by("s_last", "s_first")[:most])
    return [lookup.values_list("pk", flat=True) for lookup in found]


def _whole(rows: QuerySet[Conviction], lookup: str, value: str, cut: int) -> QuerySet[Conviction]:
    """``rows`` whose whole text matches ``value`` when it is as long as the prefix ``cut``."""
    return rows.filter(**{lookup: value}) if len(value) >= cut else rows


def _searchable() -> QuerySet[Conviction]:
    return Conviction.objects.filter(purged_at__isnull=True).alias(
        s_person=SEARCH_KEYS["person"],
        s_last=SEARCH_KEYS["last"],
        s_first=SEARCH_KEYS["first"],
        s_case=SEARCH_KEYS["case"],
        s_dcn=SEARCH_KEYS["dcn"],
    )


def kinds_matched(row: Conviction, query: SearchQuery) -> set[str]:
    """Which of the query's keys found ``row``."""
    kinds = set()
    if query.born and row.born_on == query.born:
        kinds.add("born")
    if query.person and row.person_key == query.person:
        kinds.add("sid")
    if query.dcn and row.dcn.upper() == query.dcn:
        kinds.add("dcn")
    if query.case and row.case_key == query.case:
        kinds.add("case")
    last, first = row.last_name.upper(), row.first_name.upper()
    if any(last == n and first.startswith(f) for n, f in query.names):
        kinds.add("name")
    return kinds


# The path of a conviction across lists -----------------------------------------------------------


@dataclass
class Step:
    """One row of one list: what became of it."""

    row: Conviction
    decision: Decision | None
    batch: Batch | None
    packets: list[Packet]
    outcome: CourtOutcome | None

    @property
    def purged(self) -> bool:
        return self.row.purged_at is not None


@dataclass(eq=False)  # one path is one object: pages compare them by identity
class ConvictionPath:
    """One conviction (one identity) across every list that brought it, oldest list first."""

    steps: list[Step]
    kinds: set[str] = field(default_factory=set)

    @property
    def kind_labels(self) -> list[str]:
        return [KIND_LABELS[kind] for kind in sorted(self.kinds)]

    @property
    def row(self) -> Conviction:
        """The row whose facts the page shows: the newest not purged."""
        kept = [step.row for step in self.steps if not step.purged]
        return kept[-1] if kept else self.steps[-1].row

    @property
    def granted(self) -> CourtOutcome | None:
        """The grant of any copy (a purged one too: the tombstone keeps its ruling)."""
        return next(
            (
                step.outcome
                for step in self.steps
                if step.outcome and step.outcome.ruling == CourtOutcome.Ruling.GRANTED
            ),
            None,
        )

    @property
    def granted_purged(self) -> bool:
        """Granted, and its personal data erased on some list: a copy still here came back."""
        return any(step.purged and step.outcome for step in self.steps)


# The cells as received and the engine's workings: large, and not shown on these pages.
UNSHOWN = ("raw", "other", "details", "unreadable")


def _path_rows(rows: list[Conviction]) -> QuerySet[Conviction]:
    """Every row of every list that is one of ``rows``' convictions, with all that happened to
    it, in three queries whatever their number."""
    identities = {row.identity for row in rows if row.identity}
    alone = [row.pk for row in rows if not row.identity]
    return (
        Conviction.objects.filter(Q(identity__in=identities) | Q(pk__in=alone))
        .select_related(
            "isp_list",
            "review__decision__reviewer",
            "review__decision__carried_from__reviewer",
            "review__decision__carried_from__conviction__isp_list",
            "batch_item__batch",
            "court_outcome__packet",
        )
        .prefetch_related(
            Prefetch("batch_item__batch__packets", queryset=Packet.objects.order_by("pk"))
        )
        .defer(*UNSHOWN, *(f"review__decision__carried_from__conviction__{f}" for f in UNSHOWN))
        .order_by("isp_list_id", "row_number")
    )


def _step(row: Conviction) -> Step:
    review = getattr(row, "review", None)
    item = getattr(row, "batch_item", None)
    batch = item.batch if item is not None else None
    return Step(
        row=row,
        decision=review.decision if review is not None else None,
        batch=batch,
        packets=list(batch.packets.all()) if batch is not None else [],
        outcome=getattr(row, "court_outcome", None),
    )


def _paths(rows: list[Conviction]) -> dict[str, ConvictionPath]:
    """The path of each of ``rows``' convictions, by the key ``path_key`` gives a row."""
    paths: dict[str, ConvictionPath] = defaultdict(lambda: ConvictionPath(steps=[]))
    for row in _path_rows(rows):
        paths[path_key(row)].steps.append(_step(row))
    return paths


def path_key(row: Conviction) -> str:
    return row.identity or f"row:{row.pk}"


# A search ---------------------------------------------------------------------------------------


@dataclass
class PersonFound:
    """The convictions a search found of one person (one person key)."""

    row: Conviction  # the first row found: the page links to the person's page through it
    paths: list[ConvictionPath]


@dataclass
class SearchResult:
    query: SearchQuery
    people: list[PersonFound]
    found: list[Conviction]  # the rows found, at most SEARCH_LIMIT
    capped: bool

    @property
    def kinds(self) -> list[str]:
        return sorted({kind for person in self.people for p in person.paths for kind in p.kinds})

    @property
    def kind_labels(self) -> list[str]:
        return [KIND_LABELS[kind] for kind in self.kinds]

    def audit_detail(self) -> dict[str, Any]:
        """What the audit log keeps of a search: never the text (see ``fingerprint``)."""
        return {
            "query_hmac": self.query.fingerprint,
            "kinds": self.kinds,
            "count": len(self.found),
            "capped": self.capped,
            "convictions": [row.pk for row in self.found[:AUDITED_IDS]],
        }


def conviction_ids_union(*, query: SearchQuery) -> QuerySet[Conviction, int] | None:
    """One query for the ids every key of ``query`` finds, at most ``SEARCH_LIMIT + 1`` a key
    (PostgreSQL; None when the text is no key)."""
    first, *others = _key_lookups(query) or [None]
    if first is None:
        return None
    return first.union(*others, all=True) if others else first


def conviction_ids_found(*, query: SearchQuery) -> list[int]:
    """The ids of the not purged rows any key of ``query`` finds: one query on PostgreSQL
    (SQLite, the demo's database, allows no LIMIT inside a UNION: one query a key there)."""
    if connection.vendor != "postgresql":
        return [pk for lookup in _key_lookups(query) for pk in lookup]
    union = conviction_ids_union(query=query)
    return [] if union is None else list(union)


def convictions_found(*, query: SearchQuery) -> QuerySet[Conviction]:
    """The rows ``conviction_ids_found`` finds, by name and date of birth."""
    return (
        Conviction.objects.filter(pk__in=conviction_ids_found(query=query))
        .order_by(Upper("last_name"), Upper("first_name"), "born_on", "person_key", "pk")
        .select_related("isp_list")
        .defer(*UNSHOWN)
    )


def people_search(*, query: SearchQuery) -> SearchResult:
    """The not purged convictions any key of ``query`` finds, at most ``SEARCH_LIMIT``, grouped
    by person, each with its path across lists."""
    found = list(convictions_found(query=query)[: SEARCH_LIMIT + 1])
    capped = len(found) > SEARCH_LIMIT
    found = found[:SEARCH_LIMIT]
    paths = _paths(found)
    people: dict[str, PersonFound] = {}
    for row in found:
        path = paths[path_key(row)]
        path.kinds |= kinds_matched(row, query)
        person = people.setdefault(row.person_key, PersonFound(row=row, paths=[]))
        if path not in person.paths:
            person.paths.append(path)
    return SearchResult(query=query, people=list(people.values()), found=found, capped=capped)


# One person -------------------------------------------------------------------------------------


@dataclass
class Person:
    row: Conviction  # the conviction the page was opened from
    rows: list[Conviction]  # every not purged row of the person, on every list
    paths: list[ConvictionPath]
    capped: bool

    @property
    def names(self) -> list[str]:
        return sorted({f"{r.last_name}, {r.first_name} {r.middle_name}".strip() for r in self.rows})

    @property
    def births(self) -> list[str]:
        return sorted({r.date_of_birth for r in self.rows if r.date_of_birth})

    @property
    def sids(self) -> list[str]:
        return sorted({r.sid for r in self.rows if r.sid})

    @property
    def lists(self) -> list[Any]:
        return sorted({r.isp_list for r in self.rows}, key=lambda isp_list: isp_list.pk)


def person_of(*, pk: int) -> Person:
    """The person of conviction ``pk``: every not purged row with its person key, on any list,
    each conviction with its path. Raises ``Conviction.DoesNotExist`` for a purged row (its
    personal data is erased: it belongs to nobody)."""
    row = Conviction.objects.select_related("isp_list").get(pk=pk, purged_at__isnull=True)
    key = row.person_key
    cut = 2 * SEARCH_PREFIX
    rows = list(
        _whole(_searchable().filter(s_person=key[:cut]), "person_key", key, cut)
        .select_related("isp_list")
        .defer(*UNSHOWN)
        .order_by("isp_list_id", "row_number")[: PERSON_LIMIT + 1]
    )
    capped = len(rows) > PERSON_LIMIT
    rows = rows[:PERSON_LIMIT]
    paths = _paths(rows)
    ordered: list[ConvictionPath] = []
    for each in rows:
        path = paths[path_key(each)]
        if path not in ordered:
            ordered.append(path)
    # Newest disposition first, as the queue shows them.
    ordered.sort(key=lambda p: (p.row.disposition_on or date.min, p.row.pk), reverse=True)
    return Person(row=row, rows=rows, paths=ordered, capped=capped)


def conviction_path(*, pk: int) -> ConvictionPath:
    """The path of one conviction across lists (the conviction's page loads it): every list
    that brought it, its decision, batch, packets, filing, ruling and purge."""
    row = Conviction.objects.get(pk=pk)
    return _paths([row])[path_key(row)]
