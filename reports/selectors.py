"""Impact, equity and agreement reports, and the referral list (issue 11). Reads only.

Every number is an aggregate computed in the database (GROUP BY); Python only folds the
per-person groups into the published tables. Nothing here returns a name, a date of birth or a
case number, except ``referral_rows`` (the referral list for the ISP and the arresting agencies,
which is never shown on the reports page).

Definitions (the page and the findings export print ``DEFINITIONS``):

* A *row* is one row of an ISP list. A *person* is the stored person key (the SID, else the names
  and date of birth) within one list.
* A row is *relieved* when the court granted it, or, with no ruling yet, when it is decided
  ELIGIBLE by an attorney (or, not yet decided, determined ELIGIBLE by the machine): the
  projection "once granted". A denied row is not relieved.
* A row is a *conviction* unless its reasons say it is not one (``NOT_A_CONVICTION``), already
  relieved (``ALREADY_RELIEVED``) or a duplicate of another row (``DUPLICATE_ROW``). A row is a
  *cannabis* row when its statute is in the Cannabis Control Act (720 ILCS 550). A conviction
  *remains* unless it is relieved.
* A person *helped* has at least one relieved row; *no cannabis conviction left* means helped and
  no cannabis conviction of theirs remains on the list; *no conviction left* means helped and no
  conviction of theirs remains on the list.
* Purged rows (tombstones, ``filings.purge``) are always granted rows, so they never make a
  conviction "remain". The purge gives all rows of the person one random token as person key, so
  the person is counted once, with the same flags, before and after: counts do not change.
* Equity cells from 1 to 9 are shown as "<10"; a second cell of the same row or column (the next
  smallest) is also suppressed so that a suppressed value cannot be recovered from the totals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import (
    CharField,
    Count,
    Max,
    Min,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.expressions import Case, When
from django.db.models.functions import Cast, Coalesce, Concat
from openpyxl import Workbook

from core.spreadsheets import safe_cell
from eligibility.models import Conviction, Determination, IspList, OfficePolicy
from eligibility.rules.statutes import CANNABIS_CONTROL_ACT
from eligibility.selectors import rows_to_refer
from filings.models import CourtOutcome
from review.models import Batch, Decision, Outcome, Review

SUPPRESS_BELOW = 10
SUPPRESSED = "<10"
NOT_CONVICTIONS = ("NOT_A_CONVICTION", "ALREADY_RELIEVED", "DUPLICATE_ROW")
NO_REASON = "(none: the machine found it eligible)"
UNKNOWN = "(not recorded)"

DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("Row", "One row of an ISP list (a charge as the Illinois State Police recorded it)."),
    (
        "Person",
        "The person key stored with each row (the SID, else names and date of birth), "
        "within one list.",
    ),
    (
        "Relieved row",
        "Granted by the court; or, with no ruling yet, decided ELIGIBLE by an "
        "attorney (or, not yet decided, determined ELIGIBLE by the machine). Denied rows are not "
        "relieved.",
    ),
    (
        "Conviction",
        "A row whose reasons do not say NOT_A_CONVICTION, ALREADY_RELIEVED or "
        "DUPLICATE_ROW. A conviction remains unless it is relieved.",
    ),
    ("Cannabis conviction", "A conviction under the Cannabis Control Act (720 ILCS 550)."),
    ("People helped", "People with at least one relieved row."),
    (
        "No cannabis conviction left",
        "People helped none of whose cannabis convictions on this "
        "list remain once the relieved rows are granted.",
    ),
    ("No conviction left", "People helped none of whose convictions on this list remain."),
    ("Decade, court location", "Of the person's earliest relieved conviction (disposition date)."),
    ("Race, sex", "As recorded by the Illinois State Police on the row."),
    (
        "Purged rows",
        "Granted rows whose personal data was erased after retention. The person's rows keep a "
        "random token in place of their key, so each person is still counted once: a purge "
        "leaves the counts unchanged.",
    ),
    (
        "Suppression",
        "Equity cells from 1 to 9 are shown as <10, and the next smallest cell of "
        "the same row or column too, so that no suppressed value can be recovered from the "
        "totals.",
    ),
    (
        "Attorney agreement",
        "The current decision on each reviewed row, counted once under each "
        "reason code the machine gave; an override departs from (or resolves) the machine's "
        "determination.",
    ),
    (
        "Referral",
        "A row NOT_ELIGIBLE for the single reason NOT_A_CONVICTION (an arrest, "
        "supervision or qualified probation): the Illinois State Police expunge these arrest "
        "records themselves; the office hands the list to ISP and the arresting agencies.",
    ),
    ("Date range", "Lists uploaded between the two dates (inclusive)."),
)


# Scope -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a report covers: one list, the lists uploaded in a date range, or the whole office."""

    isp_list: IspList | None = None
    date_from: date | None = None
    date_to: date | None = None

    def describe(self) -> str:
        if self.isp_list is not None:
            return f"list #{self.isp_list.pk} ({self.isp_list.filename})"
        if self.date_from or self.date_to:
            start = self.date_from.isoformat() if self.date_from else "the start"
            end = self.date_to.isoformat() if self.date_to else "today"
            return f"lists uploaded from {start} to {end}"
        return "the whole office"

    def lists(self) -> QuerySet[IspList]:
        lists = IspList.objects.all()
        if self.isp_list is not None:
            return lists.filter(pk=self.isp_list.pk)
        if self.date_from:
            lists = lists.filter(uploaded_at__date__gte=self.date_from)
        if self.date_to:
            lists = lists.filter(uploaded_at__date__lte=self.date_to)
        return lists

    @property
    def narrowed(self) -> bool:
        """Whether the scope is less than the whole office."""
        return self.isp_list is not None or bool(self.date_from or self.date_to)

    def rows(self) -> QuerySet[Conviction]:
        if not self.narrowed:
            return Conviction.objects.all()
        return Conviction.objects.filter(isp_list__in=self.lists().values("pk"))


# Tables ------------------------------------------------------------------------------------------


@dataclass
class Table:
    """One published table: a header and rows of labels and numbers (or "<10")."""

    key: str
    title: str
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# Row classification, as SQL expressions ----------------------------------------------------------


def _reasons_text() -> Cast:
    return Cast("reasons", TextField())


def _has_reason(code: str) -> Q:
    # The reasons are a JSON list of codes: its text holds each code in quotes, on every backend.
    return Q(reasons_text__contains=f'"{code}"')


def _relieved() -> Q:
    granted = Q(court_outcome__ruling=CourtOutcome.Ruling.GRANTED)
    no_ruling = Q(court_outcome__isnull=True)
    decided_eligible = Q(review__decision__outcome=Outcome.ELIGIBLE)
    machine_eligible = Q(review__decision__isnull=True, determination=Determination.ELIGIBLE)
    return granted | (no_ruling & (decided_eligible | machine_eligible))


def _conviction() -> Q:
    q = Q()
    for code in NOT_CONVICTIONS:
        q &= ~_has_reason(code)
    return q


def _cannabis() -> Q:
    chapter, act = CANNABIS_CONTROL_ACT
    return Q(details__statute__chapter=chapter, details__statute__act=act)


def _flag(condition: Q) -> Max:
    return Max(Case(When(condition, then=Value(1)), default=Value(0)))


def _person_groups(rows: QuerySet[Conviction], by: Iterable[str]) -> QuerySet[Any]:
    remaining = _conviction() & ~_relieved()
    first_relieved = Concat(
        Coalesce(Cast("disposition_on", CharField()), Value("9999-12-31")),
        Value("|"),
        "court_location",
        output_field=CharField(),
    )
    return (
        rows.annotate(reasons_text=_reasons_text())
        .values(*by)
        .annotate(
            helped=_flag(_relieved()),
            cannabis_left=_flag(remaining & _cannabis()),
            conviction_left=_flag(remaining),
            first=Min(Case(When(_relieved(), then=first_relieved), default=None)),
            race_of=Max("race"),
            sex_of=Max("sex"),
        )
        .order_by()
    )


@dataclass
class Person:
    race: str
    sex: str
    helped: bool
    cannabis_left: bool
    conviction_left: bool
    first: str | None  # "YYYY-MM-DD|court location" of the earliest relieved row

    @property
    def no_cannabis_left(self) -> bool:
        return self.helped and not self.cannabis_left

    @property
    def no_conviction_left(self) -> bool:
        return self.helped and not self.conviction_left

    @property
    def decade(self) -> str:
        if not self.first or self.first.startswith("9999"):
            return "(date not read)"
        return f"{self.first[:3]}0s"

    @property
    def court(self) -> str:
        return (self.first or "|").split("|", 1)[1] or UNKNOWN


def people(scope: Scope) -> list[Person]:
    """Every person of the scope with the flags the impact and equity tables count. A purge
    replaces a person's key by the same random token on all their rows (``filings.purge``), so
    grouping by (list, person key) counts each person once before and after a purge."""
    return [
        Person(
            race=group["race_of"] or "",
            sex=group["sex_of"] or "",
            helped=bool(group["helped"]),
            cannabis_left=bool(group["cannabis_left"]),
            conviction_left=bool(group["conviction_left"]),
            first=group["first"],
        )
        for group in _person_groups(scope.rows(), ("isp_list_id", "person_key"))
    ]


# The funnel --------------------------------------------------------------------------------------


def funnel(scope: Scope) -> Table:
    counts = scope.rows().aggregate(
        received=Count("id"),
        eligible=Count("id", filter=Q(determination=Determination.ELIGIBLE)),
        needs_review=Count("id", filter=Q(determination=Determination.NEEDS_REVIEW)),
        not_eligible=Count("id", filter=Q(determination=Determination.NOT_ELIGIBLE)),
        decided=Count("id", filter=Q(review__decision__isnull=False)),
        confirmed=Count("id", filter=Q(review__decision__kind=Decision.Kind.CONFIRM)),
        overridden=Count("id", filter=Q(review__decision__kind=Decision.Kind.OVERRIDE)),
        batched=Count("id", filter=Q(batch_item__batch__state__in=Batch.LOCKED_STATES)),
        filed=Count(
            "id",
            # The batch is filed with its packet (in one transaction); through the packets the
            # join would count a conviction once per packet of its batch.
            filter=Q(batch_item__batch__state=Batch.State.FILED) | Q(court_outcome__isnull=False),
        ),
        granted=Count("id", filter=Q(court_outcome__ruling=CourtOutcome.Ruling.GRANTED)),
        denied=Count("id", filter=Q(court_outcome__ruling=CourtOutcome.Ruling.DENIED)),
        purged=Count("id", filter=Q(purged_at__isnull=False)),
    )
    received = counts["received"]
    stages = (
        ("received", "Rows received"),
        ("eligible", "Determined eligible"),
        ("needs_review", "Determined needs review"),
        ("not_eligible", "Determined not eligible"),
        ("decided", "Attorney decisions"),
        ("confirmed", "… confirmed"),
        ("overridden", "… overridden"),
        ("batched", "In approved batches"),
        ("filed", "Filed in court"),
        ("granted", "Granted"),
        ("denied", "Denied"),
        ("purged", "Purged after retention"),
    )
    return Table(
        key="funnel",
        title="Funnel",
        header=["Stage", "Rows", "% of rows received"],
        rows=[[label, counts[key], percent(counts[key], received)] for key, label in stages],
        note="Counts of rows. Purged rows keep their place in every stage.",
    )


# Impact ------------------------------------------------------------------------------------------

IMPACT_HEADER = ["People helped", "No cannabis conviction left", "No conviction left"]


def _impact_counts(group: Iterable[Person]) -> list[int]:
    helped = no_cannabis = no_conviction = 0
    for person in group:
        helped += person.helped
        no_cannabis += person.no_cannabis_left
        no_conviction += person.no_conviction_left
    return [helped, no_cannabis, no_conviction]


def impact(found: list[Person]) -> list[Table]:
    total = Table(
        key="impact",
        title="Impact",
        header=["People on the list(s)", *IMPACT_HEADER],
        rows=[[len(found), *_impact_counts(found)]],
    )
    tables = [total]
    helped = [p for p in found if p.helped]
    for key, title, label, attr in (
        ("impact_decade", "Impact by decade of conviction", "Decade", "decade"),
        ("impact_court", "Impact by court location", "Court location", "court"),
    ):
        groups: dict[str, list[Person]] = defaultdict(list)
        for person in helped:
            groups[getattr(person, attr)].append(person)
        tables.append(
            Table(
                key=key,
                title=title,
                header=[label, *IMPACT_HEADER],
                rows=[[name, *_impact_counts(groups[name])] for name in sorted(groups)],
                note="Each person helped counts once, under their earliest relieved conviction.",
            )
        )
    return tables


# Equity, with suppression ------------------------------------------------------------------------


def suppression(matrix: list[list[int]], totals: list[int]) -> tuple[list[list[bool]], list[bool]]:
    """Which cells to hide: every cell from 1 to 9 (primary), then, wherever a row or column has
    exactly one hidden cell, the next smallest visible cell of that line (complementary), until
    no line has a lone hidden cell. ``totals`` is the published total of each column; a column
    with nothing left to hide hides its total."""
    hidden = [[0 < value < SUPPRESS_BELOW for value in row] for row in matrix]
    total_hidden = [0 < value < SUPPRESS_BELOW for value in totals]

    def hide_next(cells: list[tuple[int, int, int]]) -> bool:
        visible = sorted(cells)
        nonzero = [c for c in visible if c[0] > 0]
        chosen = (nonzero or visible)[:1]
        for _, i, j in chosen:
            hidden[i][j] = True
        return bool(chosen)

    changed = True
    while changed:
        changed = False
        for j in range(len(totals)):
            column = [(matrix[i][j], i, j) for i in range(len(matrix))]
            if sum(hidden[i][j] for _, i, _ in column) == 1 and not total_hidden[j]:
                if not hide_next([c for c in column if not hidden[c[1]][j]]):
                    total_hidden[j] = True
                changed = True
        for i, row in enumerate(matrix):
            line = [(value, i, j) for j, value in enumerate(row)]
            if sum(hidden[i]) == 1 and len(row) > 1:
                changed |= hide_next([c for c in line if not hidden[i][c[2]]])
        if sum(total_hidden) == 1 and len(totals) > 1:
            visible = sorted((v, j) for j, v in enumerate(totals) if not total_hidden[j])
            if visible:
                total_hidden[visible[0][1]] = True
                changed = True
    return hidden, total_hidden


def _shown(value: int, hide: bool) -> int | str:
    return SUPPRESSED if hide else value


def suppressed_table(
    *, key: str, title: str, label: str, header: list[str], lines: dict[str, list[int]]
) -> Table:
    names = sorted(lines)
    matrix = [lines[name] for name in names]
    totals = [sum(column) for column in zip(*matrix, strict=True)] if matrix else [0] * len(header)
    hidden, total_hidden = suppression(matrix, totals)
    rows = [
        [name, *(_shown(v, h) for v, h in zip(values, hide, strict=True))]
        for name, values, hide in zip(names, matrix, hidden, strict=True)
    ]
    rows.append(["All", *(_shown(v, h) for v, h in zip(totals, total_hidden, strict=True))])
    return Table(
        key=key,
        title=title,
        header=[label, *header],
        rows=rows,
        note='Cells from 1 to 9 are shown as "<10", with a second cell of the same row or column.',
    )


# The race codes of Illinois criminal history records, for the reader of the equity table.
RACE_CODES = {
    "A": "Asian or Pacific Islander",
    "B": "Black",
    "H": "Hispanic",
    "I": "American Indian or Alaska Native",
    "U": "Unknown",
    "W": "White",
}


RACE_LEGEND = "Codes as ISP records them: " + ", ".join(
    f"{code} {meaning}" for code, meaning in RACE_CODES.items()
)


def equity(found: list[Person]) -> list[Table]:
    header = ["People on the list(s)", *IMPACT_HEADER]
    tables = []
    for key, title, label, attr in (
        ("equity_race", "Equity: by race", "Race (as recorded by ISP)", "race"),
        ("equity_sex", "Equity: by sex", "Sex (as recorded by ISP)", "sex"),
    ):
        groups: dict[str, list[Person]] = defaultdict(list)
        for person in found:
            groups[getattr(person, attr) or UNKNOWN].append(person)
        lines = {name: [len(group), *_impact_counts(group)] for name, group in groups.items()}
        table = suppressed_table(key=key, title=title, label=label, header=header, lines=lines)
        if attr == "race":
            table.note = f"{RACE_LEGEND}. {table.note}"
        tables.append(table)
    return tables


# Attorney agreement ------------------------------------------------------------------------------


OVERRIDE = Decision.Kind.OVERRIDE
NEEDS_REVIEW = Determination.NEEDS_REVIEW


@dataclass(frozen=True)
class OverrideRate:
    key: Any  # a reason code ("" for none), or a list id
    label: str
    called: int  # current decisions where the machine made a call
    overridden: int
    resolved: int  # current decisions on rows the machine sent to a person

    @property
    def decided(self) -> int:
        return self.called + self.resolved

    @property
    def rate(self) -> float | None:
        return self.overridden / self.called if self.called else None


def _rate_order(row: OverrideRate) -> tuple[float, int, str]:
    return (-(row.rate or 0.0), -row.called, str(row.label))


def override_rates_by_reason(scope: Scope | None = None) -> list[OverrideRate]:
    """How often attorneys depart from the machine, per reason code of the machine's view, over
    the current decision of each row in ``scope`` (the whole office by default). One grouped
    query; the dashboard and /reports/ both show this figure."""
    scope = scope or Scope()
    review, decision = Review._meta.db_table, Decision._meta.db_table
    conviction = Conviction._meta.db_table
    where, params = "", []
    if scope.narrowed:
        lists = [int(pk) for pk in scope.lists().values_list("pk", flat=True)] or [0]
        where = (
            f"WHERE rv.conviction_id IN (SELECT id FROM {conviction} "
            f"WHERE isp_list_id IN ({', '.join(['%s'] * len(lists))}))"
        )
        params = lists
    if connection.vendor == "postgresql":
        codes = "CROSS JOIN LATERAL jsonb_array_elements_text(d.machine_reasons) AS r(code)"
        code = "r.code"
    else:
        codes = ", json_each(d.machine_reasons) AS r"
        code = "r.value"
    sql = f"""
        SELECT {code},
               SUM(CASE WHEN d.machine_determination <> %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN d.machine_determination <> %s AND d.kind = %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN d.machine_determination = %s THEN 1 ELSE 0 END)
        FROM {review} rv JOIN {decision} d ON d.id = rv.decision_id {codes}
        {where}
        GROUP BY {code}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [NEEDS_REVIEW, NEEDS_REVIEW, OVERRIDE, NEEDS_REVIEW, *params])
        found = cursor.fetchall()
    rates = [OverrideRate(c, c, int(a or 0), int(o or 0), int(r or 0)) for c, a, o, r in found]
    plain = _current(scope).filter(decision__machine_reasons=[]).aggregate(**_rate_counts())
    if any(plain.values()):
        rates.append(
            OverrideRate("", NO_REASON, plain["called"], plain["overridden"], plain["resolved"])
        )
    return sorted(rates, key=_rate_order)


def override_rates_by_list(scope: Scope | None = None) -> list[OverrideRate]:
    found = (
        _current(scope or Scope())
        .values("conviction__isp_list_id", "conviction__isp_list__filename")
        .annotate(**_rate_counts())
        .order_by("conviction__isp_list_id")
    )
    return [
        OverrideRate(
            row["conviction__isp_list_id"],
            f"#{row['conviction__isp_list_id']} {row['conviction__isp_list__filename']}",
            row["called"],
            row["overridden"],
            row["resolved"],
        )
        for row in found
    ]


def _current(scope: Scope) -> QuerySet[Review]:
    current = Review.objects.filter(decision__isnull=False)
    if scope.narrowed:
        current = current.filter(conviction__isp_list__in=scope.lists().values("pk"))
    return current


def _rate_counts() -> dict[str, Count]:
    called = ~Q(decision__machine_determination=NEEDS_REVIEW)
    return {
        "called": Count("pk", filter=called),
        "overridden": Count("pk", filter=called & Q(decision__kind=OVERRIDE)),
        "resolved": Count("pk", filter=Q(decision__machine_determination=NEEDS_REVIEW)),
    }


def agreement(scope: Scope) -> Table:
    """The override rates by reason code (``override_rates_by_reason``) as a published table."""
    return Table(
        key="agreement",
        title="Attorney agreement: override rates by reason code",
        header=[
            "Reason code",
            "Decisions",
            "Machine made a call",
            "Overridden",
            "Override rate %",
            "Resolved (machine sent to a person)",
        ],
        rows=[
            [
                rate.label,
                rate.decided,
                rate.called,
                rate.overridden,
                percent(rate.overridden, rate.called),
                rate.resolved,
            ]
            for rate in override_rates_by_reason(scope)
        ],
        note=(
            "A decision on a row with several reason codes counts under each of them. The rate is "
            "over the rows where the machine made a call (ELIGIBLE or NOT_ELIGIBLE); a "
            "NEEDS_REVIEW row can only be resolved by an attorney, so it is counted apart."
        ),
    )


# Referrals ---------------------------------------------------------------------------------------


def referral_rows_query(scope: Scope) -> QuerySet[Conviction]:
    """Rows NOT_ELIGIBLE for the single reason NOT_A_CONVICTION (arrests, supervision)."""
    return scope.rows() & rows_to_refer()


def referrals_by_agency(scope: Scope) -> Table:
    groups = (
        referral_rows_query(scope)
        .values("arresting_agency")
        .annotate(n=Count("id"))
        .order_by("arresting_agency")
    )
    return Table(
        key="referrals",
        title="Referrals by arresting agency (not a conviction)",
        header=["Arresting agency", "Rows"],
        rows=[[g["arresting_agency"] or UNKNOWN, g["n"]] for g in groups],
        note="Arrests, supervision and qualified probation: ISP expunges these records; the "
        "office refers them to ISP and the agencies.",
    )


REFERRAL_HEADER = [
    "Arresting agency",
    "Agency ORI",
    "List row",
    "SID",
    "Last name",
    "First name",
    "Middle name",
    "Date of birth",
    "DCN",
    "Arrest date",
    "Court case number",
    "Court location",
    "Statute",
    "Offense description",
    "Disposition",
    "Disposition date",
]
_REFERRAL_FIELDS = (
    "arresting_agency",
    "arrest_ori",
    "row_number",
    "sid",
    "last_name",
    "first_name",
    "middle_name",
    "date_of_birth",
    "dcn",
    "arrest_date",
    "court_case_number",
    "court_location",
    "statute",
    "offense_description",
    "disposition",
    "disposition_date",
)


def referral_rows(isp_list: IspList) -> Iterator[list[Any]]:
    """The referral list of one list (personal data: for ISP and the agencies only), sorted by
    agency, with a subtotal row after each agency."""
    rows = (
        referral_rows_query(Scope(isp_list=isp_list))
        .order_by("arresting_agency", "row_number")
        .values_list(*_REFERRAL_FIELDS)
    )
    current: str | None = None
    n = 0
    blank = [""] * (len(REFERRAL_HEADER) - 2)
    for row in rows.iterator(chunk_size=2000):
        agency = row[0]
        if current is not None and agency != current:
            yield [current or UNKNOWN, "Subtotal", n, *blank[1:]]
            n = 0
        current = agency
        n += 1
        yield [agency or UNKNOWN, *row[1:]]
    if current is not None:
        yield [current or UNKNOWN, "Subtotal", n, *blank[1:]]


# Policy versions and the whole report ------------------------------------------------------------


def policy_versions(scope: Scope) -> Table:
    used = set(
        scope.rows()
        .exclude(policy_version=None)
        .values_list("policy_version", flat=True)
        .distinct()
    )
    used |= set(scope.lists().values_list("policy__version", flat=True).distinct())
    rulesets = sorted(
        set(scope.rows().exclude(ruleset_version="").values_list("ruleset_version", flat=True))
    )
    rows = []
    for policy in OfficePolicy.objects.filter(version__in=used).order_by("version"):
        values = policy.values()
        rows.append([f"policy v{policy.version}", ", ".join(f"{k}={v}" for k, v in values.items())])
    rows.extend(
        [f"rules {version}", "ruleset version of the eligibility engine"] for version in rulesets
    )
    return Table(
        key="policy",
        title="Policy and rules versions used",
        header=["Version", "Values"],
        rows=rows,
    )


def report_tables(scope: Scope) -> list[Table]:
    found = people(scope)
    return [
        funnel(scope),
        *impact(found),
        *equity(found),
        agreement(scope),
        referrals_by_agency(scope),
    ]


def definitions_table() -> Table:
    return Table(
        key="definitions",
        title="Definitions",
        header=["Term", "Meaning"],
        rows=[list(pair) for pair in DEFINITIONS],
    )


# Workbooks ---------------------------------------------------------------------------------------


def report_workbook(tables: Iterable[Table], *, heading: str) -> Workbook:
    """One sheet per table (a heading line, the header, the rows), every cell made safe."""
    workbook = Workbook(write_only=True)
    for table in tables:
        sheet = workbook.create_sheet(title=_sheet_title(table.title))
        sheet.append([safe_cell(table.title)])
        sheet.append([safe_cell(heading)])
        if table.note:
            sheet.append([safe_cell(table.note)])
        sheet.append([])
        sheet.append([safe_cell(cell) for cell in table.header])
        for row in table.rows:
            sheet.append([safe_cell(cell) for cell in row])
    return workbook


def _sheet_title(title: str) -> str:
    title = title.replace(": ", " - ")
    for bad in "[]:*?/\\":
        title = title.replace(bad, " ")
    return title[:31]
