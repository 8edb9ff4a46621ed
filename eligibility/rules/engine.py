"""The eligibility engine: one ``Result`` per ``Record`` under spec section 6 (R1-R21).

``evaluate`` is a pure function of the rows of one list, the policy and the as-of date. Rows are
grouped by person key once: association (R14-R16, R21) and duplicates (R20) never cross people,
so a person's rows are read together and a person with one row is judged alone. What a list
repeats (statutes, dispositions, counties, dates) is read once per distinct text.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, TypeVar

from eligibility.rules.amounts import (
    Amount,
    SubsectionRange,
    amount_from_description,
    subsection_range,
)
from eligibility.rules.classes import (
    FELONY_CLASSES,
    MISDEMEANOR_CLASSES,
    OffenseClass,
    read_offense_class,
)
from eligibility.rules.dates import DateMemo, read_date
from eligibility.rules.dispositions import read_disposition
from eligibility.rules.identifiers import case_key, dcn_key, sid_key
from eligibility.rules.reasons import REASONS
from eligibility.rules.records import (
    ELIGIBLE,
    NEEDS_REVIEW,
    NOT_ELIGIBLE,
    Determination,
    Policy,
    Record,
    Result,
)
from eligibility.rules.sentences import read_sentence
from eligibility.rules.statutes import Statute, parse_statute
from eligibility.rules.violent import violence_kind

# Bump on any change that can change a determination, a reason code or a detail.
RULESET_VERSION: Final = "2026.12.1"

CRTA_EFFECTIVE: Final = date(2019, 6, 25)
ADULT_AGE: Final = 18

_K = TypeVar("_K")
_T = TypeVar("_T")

# What an associated row does to a section 4/5 row (R14, R15, R16, R21), and where the
# rows that did it are listed in the details.
_SECTION_7: Final = "SECTION_7_ENHANCEMENT"
_VIOLENT: Final = "VIOLENT_OFFENSE_ASSOCIATED"
_CONDITIONAL: Final = "POSSIBLE_VIOLENT_ASSOCIATION"
_MIXED: Final = "MIXED_CASE"
_TRIGGER_DETAIL: Final = {
    _SECTION_7: "section_7_rows",
    _VIOLENT: "violent_rows",
    _CONDITIONAL: "conditional_rows",
    _MIXED: "mixed_case_rows",
}

# Associated rows that trigger R14-R16/R21, by reason code, as row numbers.
Triggers = dict[str, list[int]]
# An amount (R12, R13): the range, and the code it gives under the policy.
_AmountFacts = tuple[Amount | None, str | None]

# ``Result(...)`` runs the frozen dataclass's ``__init__``: one ``object.__setattr__`` call per
# field, a quarter of the time a row takes. Filling the slots directly gives the same object
# (tests compare the two) at half the cost.
_RESULT_SLOTS: Final = tuple(
    getattr(Result, name).__set__
    for name in ("row", "determination", "reasons", "ruleset_version", "as_of", "details")
)


def _result(
    row: int,
    determination: Determination,
    reasons: frozenset[str],
    as_of: date,
    details: dict[str, Any],
) -> Result:
    result: Result = object.__new__(Result)
    set_row, set_determination, set_reasons, set_version, set_as_of, set_details = _RESULT_SLOTS
    set_row(result, row)
    set_determination(result, determination)
    set_reasons(result, reasons)
    set_version(result, RULESET_VERSION)
    set_as_of(result, as_of)
    set_details(result, details)
    return result


def collapse(text: str) -> str:
    """Upper-case and collapse whitespace: how the spec compares free text."""
    return " ".join(text.upper().split())


def person_key(record: Record) -> str | tuple[str, str, date | str]:
    """The person key (section 3): the SID (see ``sid_key``), else the names and the date of
    birth."""
    if record.sid and (sid := sid_key(record.sid)):
        return sid
    birth = read_date(record.date_of_birth)
    return (
        collapse(record.last_name),
        collapse(record.first_name),
        birth if birth is not None else collapse(record.date_of_birth),
    )


def normalise_county(county: str) -> str:
    """R2's comparison form: upper-cased, whitespace-collapsed, a trailing ``COUNTY`` removed."""
    county = collapse(county)
    return county[: -len(" COUNTY")] if county.endswith(" COUNTY") else county


def association_triggers(statute: Statute | None, convicted: bool) -> tuple[str, ...]:
    """What a row does to the section 4/5 rows associated with it (R14, R15, R16, R21).

    Section 4/5 rows trigger nothing. An unrecognized statute triggers none of R14-R16; as a
    conviction it triggers R21 (what it was is for a person).
    """
    if statute is None:
        return (_MIXED,) if convicted else ()
    if statute.is_cca_4_or_5:
        return ()
    kind = violence_kind(statute)
    if kind == "violent":
        return (_VIOLENT,)
    if kind == "conditional":
        return (_CONDITIONAL,)
    if statute.is_cannabis_control_act and statute.section == "7":
        # A section 7 conviction is also a conviction that is not CCA 4/5 (R21).
        return (_SECTION_7, _MIXED) if convicted else (_SECTION_7,)
    return (_MIXED,) if convicted else ()


@dataclass(frozen=True, slots=True)
class _StatuteFacts:
    """What the rules need from one statute text, read once per list."""

    statute: Statute | None
    details: dict[str, Any] | None
    code: str | None  # R3, R4 or R5
    cca: bool  # "CCA 4/5"
    copy_key: int  # R20's statute: the same number for the same citation
    triggers_convicted: tuple[str, ...]
    triggers_otherwise: tuple[str, ...]


def _statute_facts(text: str, copy_keys: dict[Statute | str, int]) -> _StatuteFacts:
    statute = parse_statute(text)
    # R20 compares the parsed citation when recognized, else the text upper-cased and
    # whitespace-collapsed: each is numbered once per list.
    copy_key = copy_keys.setdefault(
        statute if statute is not None else collapse(text), len(copy_keys)
    )
    if statute is None:
        code: str | None = "STATUTE_UNRECOGNIZED"
    elif not statute.is_cannabis_control_act:
        code = "NOT_CANNABIS_CONTROL_ACT"
    elif not statute.is_cca_4_or_5:
        code = "SECTION_NOT_ELIGIBLE"
    else:
        code = None
    return _StatuteFacts(
        statute=statute,
        details=statute.as_dict() if statute is not None else None,
        code=code,
        cca=statute is not None and statute.is_cca_4_or_5,
        copy_key=copy_key,
        triggers_convicted=association_triggers(statute, True),
        triggers_otherwise=association_triggers(statute, False),
    )


_DISPOSITION_CODES: Final[dict[str, str | None]] = {
    "conviction": None,
    "supervision": "NOT_A_CONVICTION",
    "no_conviction": "NOT_A_CONVICTION",
    "relieved": "ALREADY_RELIEVED",
    "unknown": "DISPOSITION_UNKNOWN",
}


class _Memo(dict[_K, _T]):
    """What one list's texts (or combinations) read as, each read once: ``memo[key]``.

    A list repeats its dates, case numbers, statutes and dispositions; the shared caches of
    ``read_date`` and ``case_key`` are too small for a million rows', and a dict lookup is the
    cheapest there is.
    """

    def __init__(self, read: Callable[[_K], _T]) -> None:
        super().__init__()
        self.read = read

    def __missing__(self, key: _K) -> _T:
        value = self[key] = self.read(key)
        return value


def _disposition_facts(text: str) -> tuple[str | None, bool, str]:
    """R7-R9's code, whether it is a conviction, and R20's comparison text."""
    kind = read_disposition(text)
    return _DISPOSITION_CODES[kind], kind == "conviction", collapse(text)


class _Run:
    """One call of ``evaluate``: the policy, the as-of date, and what its results share.

    Results of a large list share their reason sets, statute details, trigger lists and basis
    texts (memory: a million rows); ``Result.details`` is to be read, never changed in place.
    """

    def __init__(self, policy: Policy, as_of: date, dates: DateMemo | None = None) -> None:
        self.as_of = as_of
        self.county = normalise_county(policy.county)
        self.max_grams = policy.max_grams
        self.recent_sentence_days = policy.recent_sentence_days
        self.outcomes: dict[str, Determination] = {
            code: reason.outcome for code, reason in REASONS.items()
        }
        # Section 9: two outcomes are the office's choice.
        self.outcomes["VIOLENT_OFFENSE_ASSOCIATED"] = (
            NEEDS_REVIEW if policy.violent_association == "review" else NOT_ELIGIBLE
        )
        self.outcomes["SECTION_5_MISDEMEANOR"] = (
            NOT_ELIGIBLE if policy.section5_misdemeanor == "not_eligible" else NEEDS_REVIEW
        )
        self._copy_keys: dict[Statute | str, int] = {}
        self.dates = DateMemo() if dates is None else dates
        self.case_keys: _Memo[str, str] = _Memo(case_key)
        self.statutes: _Memo[str, _StatuteFacts] = _Memo(
            lambda text: _statute_facts(text, self._copy_keys)
        )
        self.dispositions: _Memo[str, tuple[str | None, bool, str]] = _Memo(_disposition_facts)
        self.out_of_county: _Memo[str, bool] = _Memo(
            lambda county: normalise_county(county) != self.county
        )
        self.determinations: _Memo[tuple[str, ...], tuple[Determination, frozenset[str]]] = _Memo(
            self._determination
        )
        self.class_rules: _Memo[
            tuple[str, OffenseClass | None, SubsectionRange | None],
            tuple[tuple[str, ...], str | None],
        ] = _Memo(lambda key: class_rule(*key, policy))
        self.bases: _Memo[tuple[Statute, str, Amount | None, SubsectionRange | None], str] = _Memo(
            lambda key: _basis_text(*key)
        )
        # R12/R13 for each subsection row and each description text: the amount and its code.
        self.table_amounts: _Memo[SubsectionRange, _AmountFacts] = _Memo(
            lambda table: self._amount_facts(table.amount)
        )
        self.description_amounts: _Memo[str, _AmountFacts] = _Memo(
            lambda description: self._amount_facts(amount_from_description(description))
        )

    def _amount_facts(self, amount: Amount | None) -> _AmountFacts:
        """R12 and R13 under this run's ``max_grams``: the amount and the code it gives."""
        max_grams = self.max_grams
        if max_grams is None:
            return amount, None
        if amount is None:
            return amount, "AMOUNT_UNKNOWN"
        if amount.more_than >= max_grams:
            return amount, "OVER_PROGRAM_AMOUNT"
        if amount.at_most is None or amount.at_most > max_grams:
            # The range spans the limit: the amount may be far over it.
            return amount, "AMOUNT_UNKNOWN"
        return amount, None

    def _determination(self, codes: tuple[str, ...]) -> tuple[Determination, frozenset[str]]:
        """Precedence (section 2): any NOT_ELIGIBLE rule, else any NEEDS_REVIEW, else ELIGIBLE."""
        outcomes = {self.outcomes[code] for code in codes}
        if NOT_ELIGIBLE in outcomes:
            return NOT_ELIGIBLE, frozenset(codes)
        if NEEDS_REVIEW in outcomes:
            return NEEDS_REVIEW, frozenset(codes)
        return ELIGIBLE, frozenset(codes)

    def judge(
        self,
        record: Record,
        statute_facts: _StatuteFacts,
        disposition: tuple[str | None, bool, str],
        triggers: Triggers | None,
        duplicate_of: int | None,
    ) -> Result:
        """Every rule of section 6 on one row; its associated rows' triggers are already found."""
        disposition_code, convicted, _ = disposition
        dates = self.dates
        birth = dates[record.date_of_birth]
        disposition_date = dates[record.disposition_date]
        offense_date = dates[record.offense_date] or dates[record.arrest_date]
        recorded_class = read_offense_class(record.offense_class)
        codes: list[str] = []
        add = codes.append
        details: dict[str, Any] = {
            "statute": statute_facts.details,
            "recorded_class": recorded_class,
        }
        # R1
        if (
            not record.court_case_number
            or birth is None
            or disposition_date is None
            or offense_date is None
        ):
            add("INSUFFICIENT_DATA")
        # R2
        if record.county and self.out_of_county[record.county]:
            add("OUT_OF_COUNTY")
        # R3, R4, R5
        if statute_facts.code is not None:
            add(statute_facts.code)
        # R7, R8, R9
        if disposition_code is not None:
            add(disposition_code)
        # R10
        convicted = convicted and disposition_date is not None
        if convicted and disposition_date is not None and disposition_date >= CRTA_EFFECTIVE:
            add("CONVICTED_AFTER_CRTA")
        # R20
        if duplicate_of is not None:
            add("DUPLICATE_ROW")
            details["duplicate_of"] = duplicate_of

        statute = statute_facts.statute
        table: SubsectionRange | None = None
        amount: Amount | None = None
        if statute_facts.cca and statute is not None:
            table = subsection_range(
                statute.section, statute.subsection, offense_date, disposition_date
            )
            # R6; the class rule R11 is for completed offenses only.
            if statute.inchoate:
                add("INCHOATE_OFFENSE")
            else:
                known = self.class_rules[statute.section, recorded_class, table]
                codes.extend(known[0])
                details["effective_class"] = known[1]
            # R12, R13: the subsection's amount range, else the description's.
            if table is not None:
                amount, amount_code = self.table_amounts[table]
                details["amount_source"] = "subsection"
                details["amount_table"] = table.table
            else:
                amount, amount_code = self.description_amounts[record.offense_description]
                details["amount_source"] = "offense description" if amount is not None else None
            if amount is not None:
                details["amount_more_than_grams"], details["amount_at_most_grams"] = amount
            if amount_code is not None:
                add(amount_code)
            # R14, R15, R16, R21
            if triggers:
                for code, rows in triggers.items():
                    add(code)
                    # The first rows name the problem; a person with thousands of rows in one
                    # case must not make every row carry all of them (output would grow with
                    # the square of the rows).
                    name = _TRIGGER_DETAIL[code]
                    details[name] = (
                        rows if len(rows) <= MAX_TRIGGER_ROWS else rows[:MAX_TRIGGER_ROWS]
                    )
                    if len(rows) > MAX_TRIGGER_ROWS:
                        details[f"{name}_total"] = len(rows)
            # R17, R18
            if convicted and disposition_date is not None:
                sentence = read_sentence(record.sentence)
                if sentence is not None:
                    end = sentence.end(disposition_date)
                    details["sentence_end"] = end.isoformat()
                    if end > self.as_of:
                        add("SENTENCE_NOT_COMPLETE")
                elif (self.as_of - disposition_date).days < self.recent_sentence_days:
                    add("SENTENCE_STATUS_UNKNOWN")
            # R19: age in whole years; a birthday not yet reached that year does not count.
            if birth is not None and offense_date is not None:
                age = offense_date.year - birth.year
                if (offense_date.month, offense_date.day) < (birth.month, birth.day):
                    age -= 1
                if age < ADULT_AGE:
                    add("JUVENILE_AT_OFFENSE")

        determination, reasons = self.determinations[tuple(codes)]
        if determination == ELIGIBLE and statute is not None:
            details["basis"] = self.bases[statute, details["effective_class"], amount, table]
        return _result(record.row, determination, reasons, self.as_of, details)


def class_rule(
    section: str, recorded: OffenseClass | None, table: SubsectionRange | None, policy: Policy
) -> tuple[tuple[str, ...], str | None]:
    """R11 (spec 6.1): the codes of a section 4/5 row's class, and its effective class.

    The effective class is ``None`` when the rule stopped before finding one; two classes
    (first / subsequent offense) are written ``"A or 4"``.
    """
    classes: tuple[OffenseClass, ...]
    if recorded is None:
        if table is None:
            return ("CLASS_UNKNOWN",), None
        classes = table.classes
    elif recorded == "misdemeanor":
        if table is None:
            classes = ("misdemeanor",)
        else:
            classes = tuple(c for c in table.classes if c in MISDEMEANOR_CLASSES)
            if not classes:
                return ("CLASS_CONFLICT",), None
    elif recorded == "felony":
        if table is None:
            return ("CLASS_UNKNOWN",), None
        classes = tuple(c for c in table.classes if c in FELONY_CLASSES)
        if not classes:
            return ("CLASS_CONFLICT",), None
    else:
        if table is not None and recorded not in table.classes:
            return ("CLASS_CONFLICT",), None
        classes = (recorded,)
    effective = " or ".join(classes)
    codes = {class_outcome(section, offense_class, policy) for offense_class in classes}
    if len(codes) > 1 and None in codes:
        # First and subsequent offense fall on different sides of the pass line.
        return ("SUBSEQUENT_OFFENSE_UNKNOWN",), effective
    return tuple(sorted(code for code in codes if code is not None)), effective


def class_outcome(section: str, offense_class: OffenseClass, policy: Policy) -> str | None:
    """The table closing 6.1 (R11): ``None`` when the class passes, else the code it gives.

    A section 5 misdemeanor follows the ``section5_misdemeanor`` policy (section 9).
    """
    if offense_class == "4":
        return None
    if offense_class == "civil":
        return "CIVIL_LAW_VIOLATION"
    if offense_class in MISDEMEANOR_CLASSES or offense_class == "misdemeanor":
        if section == "4" or policy.section5_misdemeanor == "eligible":
            return None
        return "SECTION_5_MISDEMEANOR"
    return "CLASS_NOT_ELIGIBLE"


def _class_label(offense_class: str) -> str:
    if offense_class in FELONY_CLASSES:
        return f"Class {offense_class} felony"
    if offense_class in MISDEMEANOR_CLASSES:
        return f"Class {offense_class} misdemeanor"
    return offense_class


def _basis_text(
    statute: Statute,
    effective_class: str,
    amount: Amount | None,
    table: SubsectionRange | None,
) -> str:
    """The basis of an ELIGIBLE row (section 8): the section, class and amount that passed."""
    classes = " or ".join(_class_label(part) for part in effective_class.split(" or "))
    text = f"Cannabis Control Act Section {statute.section} ({statute}); {classes}; "
    if amount is None:
        return text + "amount not checked (no program cap)"
    parts = []
    if amount.more_than or amount.at_most is None:
        parts.append(f"more than {amount.more_than:g} g")
    if amount.at_most is not None:
        parts.append(f"not more than {amount.at_most:g} g")
    text += ", ".join(parts)
    if table is not None:
        return text + f" (subsection ({table.subsection}), {table.table} table)"
    return text + " per the offense description"


# Associated rows listed in a row's details, at most (the count of all of them is kept too).
MAX_TRIGGER_ROWS: Final = 25


def _merge(first: Triggers, second: Triggers) -> Triggers:
    """The triggers of a row whose case and DCN reach different rows: each row once, in order."""
    merged = dict(first)
    for code, rows in second.items():
        merged[code] = sorted(set(merged.get(code, ())) | set(rows))
    return merged


def _judge_person(
    records: Sequence[Record], indices: list[int], run: _Run, results: list[Result | None]
) -> None:
    """Judge the rows of one person: R14-R16 and R21 (associated rows), R20 (duplicates)."""
    statutes, dispositions, case_keys = run.statutes, run.dispositions, run.case_keys
    rows: list[tuple[int, Record, _StatuteFacts, tuple[str | None, bool, str], str]] = []
    # A case's (or a DCN's) triggers are found once and shared by its section 4/5 rows. A
    # trigger row is never a section 4/5 row, so no row is its own trigger.
    by_case: dict[str, Triggers] = {}
    by_dcn: dict[str, Triggers] = {}
    any_cca = False
    for index in indices:
        record = records[index]
        fact = statutes[record.statute]
        disposition = dispositions[record.disposition]
        key = case_keys[record.court_case_number]
        rows.append((index, record, fact, disposition, key))
        if fact.cca:
            any_cca = True
        codes = fact.triggers_convicted if disposition[1] else fact.triggers_otherwise
        if codes:
            dcn = record.dcn
            if "." in dcn:  # 10888529.0 is DCN 10888529 (section 3)
                dcn = dcn_key(dcn)
            for code in codes:
                if key:
                    by_case.setdefault(key, {}).setdefault(code, []).append(record.row)
                if dcn:
                    by_dcn.setdefault(dcn, {}).setdefault(code, []).append(record.row)
    if not any_cca:
        by_case = by_dcn = {}

    dates = run.dates
    first_copies: dict[tuple[Any, ...], int] = {}  # the row number of each row's first copy
    merged: dict[tuple[str, str], Triggers] = {}  # one merge per (case, DCN), not per row
    judge = run.judge
    for index, record, fact, disposition, key in rows:
        disposition_date = dates[record.disposition_date]
        first = first_copies.setdefault(
            (
                key,
                fact.copy_key,
                disposition[2],
                disposition_date if disposition_date is not None else record.disposition_date,
            ),
            record.row,
        )
        triggers: Triggers | None = None
        if fact.cca and (by_case or by_dcn):
            dcn = record.dcn
            if "." in dcn:
                dcn = dcn_key(dcn)
            from_case = by_case.get(key) if key else None
            from_dcn = by_dcn.get(dcn) if dcn else None
            if from_case and from_dcn and from_case != from_dcn:
                merge_key = (key, dcn)
                triggers = merged.get(merge_key)
                if triggers is None:
                    triggers = merged[merge_key] = _merge(from_case, from_dcn)
            else:
                triggers = from_case or from_dcn
        results[index] = judge(
            record, fact, disposition, triggers, first if first != record.row else None
        )


def evaluate(records: Sequence[Record], policy: Policy, as_of: date) -> list[Result]:
    """Judge every row of one list under spec section 6 (R1-R21); results in input order.

    Rows are grouped by person key (section 3) once; a person with one row is judged alone.
    """
    return ListJudge(policy, as_of)(records)


class ListJudge:
    """``evaluate`` for a list judged in batches (each batch holding every row of its people):
    ``judge = ListJudge(policy, as_of)``, then ``judge(records)`` for each batch. What the texts
    read as (dates, statutes, dispositions, case numbers) is read once for the whole list, not
    once for each batch; a memo that has grown past ``MEMO_LIMIT`` texts starts again (a million
    rows' case numbers would be hundreds of megabytes). ``dates``: a memo of the list's dates
    the caller reads with too."""

    MEMO_LIMIT = 200_000

    def __init__(self, policy: Policy, as_of: date, dates: DateMemo | None = None) -> None:
        self._run = _Run(policy, as_of, dates)

    def __call__(self, records: Sequence[Record]) -> list[Result]:
        run = self._run
        for memo in vars(run).values():
            if isinstance(memo, _Memo) and len(memo) > self.MEMO_LIMIT:
                memo.clear()
        # The engine makes millions of small objects and no reference cycles: the cyclic garbage
        # collector would only walk them again and again (a third of the time on a million rows).
        collecting = gc.isenabled()
        gc.disable()
        try:
            return _evaluate(records, run)
        finally:
            if collecting:
                gc.enable()


def _merge_sids(
    people: dict[Any, int | list[int]], written_sids: list[str], records: Sequence[Record]
) -> None:
    """Regroup the rows of SIDs as written under the person key of section 3: SIDs that differ
    only in case, whitespace or a trailing ``.0`` are one person; a SID of only spaces is no
    SID. A merged group keeps its rows in input order (R20: the first copy)."""
    for written in written_sids:
        key = sid_key(written)
        if key == written:
            continue
        group = people.pop(written)
        for index in [group] if isinstance(group, int) else group:
            person = key or person_key(records[index])
            seen = people.get(person)
            if seen is None:
                people[person] = index
            elif isinstance(seen, int):
                people[person] = sorted((seen, index))
            else:
                seen.append(index)
                if seen[-2] > index:
                    seen.sort()


def _evaluate(records: Sequence[Record], run: _Run) -> list[Result]:
    # A person's single row is kept as an int; a list is made only for a second row. Rows are
    # grouped by the SID as written; a SID that is not already its own key (a301, 1234567.0) is
    # noted the first time it is seen, and its group merged after.
    people: dict[Any, int | list[int]] = {}
    rewritten: list[str] = []
    for index, record in enumerate(records):
        sid = record.sid
        key = sid or person_key(record)
        seen = people.get(key)
        if seen is None:
            people[key] = index
            # Digits, or upper-case ASCII letters and digits: the SID is its own key.
            if sid and not (sid.isdigit() or (sid.isascii() and sid.isalnum() and sid.isupper())):
                rewritten.append(sid)
        elif isinstance(seen, int):
            people[key] = [seen, index]
        else:
            seen.append(index)
    if rewritten:
        _merge_sids(people, rewritten, records)

    results: list[Result | None] = [None] * len(records)
    statutes, dispositions, judge = run.statutes, run.dispositions, run.judge
    for group in people.values():
        if isinstance(group, int):
            record = records[group]
            results[group] = judge(
                record,
                statutes[record.statute],
                dispositions[record.disposition],
                None,
                None,
            )
        else:
            _judge_person(records, group, run, results)
    return results  # type: ignore[return-value]
