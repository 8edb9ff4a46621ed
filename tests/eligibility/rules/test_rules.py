"""Every rule of spec section 6 (R1-R21), the class rule 6.1, and the precedence of section 2."""

from __future__ import annotations

from datetime import date

import pytest

from eligibility.rules import Policy, Record, Result, evaluate
from tests.eligibility.rules.lists import DEFAULT_AS_OF, record


def judge(
    *records: Record, policy: Policy | None = None, as_of: date = DEFAULT_AS_OF
) -> list[Result]:
    return evaluate(records, policy or Policy(), as_of)


def reasons(
    *records: Record, policy: Policy | None = None, as_of: date = DEFAULT_AS_OF
) -> set[str]:
    """The reasons of the first row."""
    return set(judge(*records, policy=policy, as_of=as_of)[0].reasons)


def test_an_unremarkable_possession_is_eligible() -> None:
    [result] = judge(record())

    assert (result.determination, result.reasons) == ("ELIGIBLE", frozenset())


# R1


@pytest.mark.parametrize(
    "fields",
    [
        {"court_case_number": ""},
        {"date_of_birth": ""},
        {"date_of_birth": "UNKNOWN"},
        {"disposition_date": ""},
        {"disposition_date": "N/A"},
        {"offense_date": "", "arrest_date": ""},
        {"offense_date": "SOMETIME", "arrest_date": "99/99/9999"},
    ],
)
def test_it_sends_a_row_it_cannot_match_or_date_to_review(fields: dict[str, str]) -> None:
    [result] = judge(record(**fields))

    assert "INSUFFICIENT_DATA" in result.reasons
    assert result.determination == "NEEDS_REVIEW"


@pytest.mark.parametrize(
    "fields",
    [
        {"date_of_birth": "5/5/1960 OR 1961"},
        {"disposition_date": "2010-04-01 OR LATER"},
        {"offense_date": "2010-01-01 APPROX", "arrest_date": ""},
    ],
)
def test_text_after_a_date_that_is_not_a_time_makes_it_unreadable(fields: dict[str, str]) -> None:
    [result] = judge(record(**fields))

    assert (result.determination, result.reasons) == ("NEEDS_REVIEW", {"INSUFFICIENT_DATA"})


def test_a_time_after_a_date_is_ignored() -> None:
    row = record(date_of_birth="1/1/1970 12:00:00 AM", disposition_date="2010-04-01 00:00:00.000")

    assert reasons(row) == set()


def test_an_arrest_date_stands_in_for_a_missing_offense_date() -> None:
    assert reasons(record(offense_date="", arrest_date="2010-01-01")) == set()


# R2


@pytest.mark.parametrize("county", ["WILL", "Lake County", "DUPAGE", "COUNTY"])
def test_it_refuses_a_row_from_another_county(county: str) -> None:
    [result] = judge(record(county=county))

    assert (result.determination, result.reasons) == ("NOT_ELIGIBLE", {"OUT_OF_COUNTY"})


@pytest.mark.parametrize("county", ["COOK", "Cook", "COOK COUNTY", " cook   county ", ""])
def test_it_takes_cook_in_any_spelling_or_no_county_at_all(county: str) -> None:
    assert reasons(record(county=county)) == set()


@pytest.mark.parametrize(
    ("county", "out"),
    [
        ("COOK COUNTY", False),
        ("cook   county", False),
        ("COOK COUNTY COUNTY", True),  # one trailing COUNTY is removed, not two
        ("COOKCOUNTY", True),
        ("COUNTY OF COOK", True),
    ],
)
def test_one_trailing_county_is_removed_before_comparing(county: str, out: bool) -> None:
    assert reasons(record(county=county)) == ({"OUT_OF_COUNTY"} if out else set())


def test_the_office_county_is_a_policy_switch() -> None:
    will = Policy(county="Will")

    assert reasons(record(county="WILL COUNTY"), policy=will) == set()
    assert reasons(record(county="COOK"), policy=will) == {"OUT_OF_COUNTY"}


# R3, R4, R5


@pytest.mark.parametrize(
    "statute",
    [
        "POSS CANNABIS",
        "",
        "550/4",
        "720 ILCS 5/8-4(a)",
        "720-5/8-4(720-550/4(c))(1)",
        "720-5/8-4(720-550/4(b)))",
        "720-5/8-4(720-550/4(c)",
        "720 ILCS 5/8-4(a)(720 ILCS 550/4(c))",
        "720-5/8-4(720-5/8-2(720-550/4(b)))",
        "ATT 720-5/8-2(720-550/4(b))",
        "720-5/08-4",
    ],
)
def test_it_sends_an_unrecognized_statute_to_review(statute: str) -> None:
    [result] = judge(record(statute=statute))

    assert (result.determination, result.reasons) == ("NEEDS_REVIEW", {"STATUTE_UNRECOGNIZED"})


@pytest.mark.parametrize(
    "statute", ["720 ILCS 570/402(c)", "750-550/5(b)", "720-5/12-3.2", "625 ILCS 5/11-501"]
)
def test_it_refuses_a_statute_outside_the_cannabis_control_act(statute: str) -> None:
    [result] = judge(record(statute=statute))

    assert (result.determination, result.reasons) == ("NOT_ELIGIBLE", {"NOT_CANNABIS_CONTROL_ACT"})


@pytest.mark.parametrize(
    "statute",
    [
        "720-550/5.1(a)",
        "720-550/5.2(b)",
        "720-550/6",
        "720-550/7",
        "720-550/8(a)",
        "720-550/9",
        "720-550/10",
    ],
)
def test_it_refuses_a_cannabis_control_act_section_other_than_4_or_5(statute: str) -> None:
    [result] = judge(record(statute=statute))

    assert (result.determination, result.reasons) == ("NOT_ELIGIBLE", {"SECTION_NOT_ELIGIBLE"})


# R6


@pytest.mark.parametrize(
    "statute",
    [
        "720-5/8-4(720-550/4(c))",
        "ATTEMPT 720-550/4(c)",
        "720-5/8-2(720-550/4(c))",
        "38-8-1/56.5-704-C",
    ],
)
def test_it_sends_an_inchoate_cannabis_offense_to_review(statute: str) -> None:
    [result] = judge(record(statute=statute))

    assert (result.determination, result.reasons) == ("NEEDS_REVIEW", {"INCHOATE_OFFENSE"})


def test_the_class_rule_is_silent_for_an_inchoate_offense() -> None:
    assert reasons(record(statute="ATTEMPT 720-550/4(c)", offense_class="3")) == {
        "INCHOATE_OFFENSE"
    }


def test_an_inchoate_offense_of_another_section_is_only_a_section_refusal() -> None:
    assert reasons(record(statute="ATTEMPT 720-550/9")) == {"SECTION_NOT_ELIGIBLE"}


def test_the_amount_rules_still_apply_to_an_inchoate_offense() -> None:
    assert reasons(record(statute="ATTEMPT 720-550/4(d)")) == {
        "INCHOATE_OFFENSE",
        "OVER_PROGRAM_AMOUNT",
    }


# R7, R8, R9


@pytest.mark.parametrize(
    "disposition",
    ["SUPERVISION", "710 PROBATION", "DISMISSED", "NOLLE PROS", "SOL", "FNG", "NOT GUILTY"],
)
def test_it_refuses_a_charge_that_ended_without_a_conviction(disposition: str) -> None:
    [result] = judge(record(disposition=disposition))

    assert (result.determination, result.reasons) == ("NOT_ELIGIBLE", {"NOT_A_CONVICTION"})


def test_it_reports_no_conviction_for_any_statute() -> None:
    assert reasons(record(statute="720-5/12-3.2", disposition="DISMISSED")) == {
        "NOT_A_CONVICTION",
        "NOT_CANNABIS_CONTROL_ACT",
    }


@pytest.mark.parametrize("disposition", ["VACATED", "PARDONED", "EXPUNGED"])
def test_it_refuses_a_conviction_already_relieved(disposition: str) -> None:
    [result] = judge(record(disposition=disposition))

    assert (result.determination, result.reasons) == ("NOT_ELIGIBLE", {"ALREADY_RELIEVED"})


@pytest.mark.parametrize("disposition", ["", "TRANSFERRED", "GUILTY - SEE NOTES", "BFW"])
def test_it_sends_an_unknown_disposition_to_review(disposition: str) -> None:
    [result] = judge(record(disposition=disposition))

    assert (result.determination, result.reasons) == ("NEEDS_REVIEW", {"DISPOSITION_UNKNOWN"})


def test_the_sentence_rules_need_a_conviction() -> None:
    assert reasons(record(disposition="DISMISSED", disposition_date="2026-01-01", sentence="")) == {
        "NOT_A_CONVICTION"
    }


# R10


@pytest.mark.parametrize("disposition_date", ["2019-06-25", "2019-08-01", "2024-01-01"])
def test_it_refuses_a_conviction_entered_on_or_after_june_25_2019(disposition_date: str) -> None:
    assert "CONVICTED_AFTER_CRTA" in reasons(
        record(offense_date="2019-05-01", disposition_date=disposition_date, sentence="CTS")
    )


def test_it_takes_a_conviction_entered_the_day_before() -> None:
    assert reasons(
        record(offense_date="2019-05-01", disposition_date="2019-06-24", sentence="CTS")
    ) == {"OVER_PROGRAM_AMOUNT"}  # post-2016 table: 4(c) is more than 30 g


def test_a_later_dismissal_is_not_a_conviction_after_the_act() -> None:
    assert reasons(record(disposition="DISMISSED", disposition_date="2020-01-01")) == {
        "NOT_A_CONVICTION"
    }


def test_the_date_rule_applies_to_any_statute() -> None:
    assert reasons(record(statute="720-570/402(c)", disposition_date="2020-01-01")) == {
        "CONVICTED_AFTER_CRTA",
        "NOT_CANNABIS_CONTROL_ACT",
    }


# R11: the class rule (6.1)


@pytest.mark.parametrize(
    ("statute", "offense_class", "expected"),
    [
        # 1. a specific class with a known subsection: used when the table allows it
        ("720-550/4(c)", "A", set()),
        ("720-550/4(c)", "CLASS 4 FELONY", set()),
        ("720-550/4(b)", "MB", set()),
        ("720-550/4(a)", "C", set()),
        ("720-550/5(c)", "F4", set()),
        ("720-550/4(c)", "B", {"CLASS_CONFLICT"}),
        ("720-550/4(b)", "4", {"CLASS_CONFLICT"}),
        ("720-550/4(a)", "M", {"CLASS_CONFLICT"}),
        ("720-550/5(c)", "A", {"CLASS_CONFLICT"}),
        ("720-550/4(e)", "3", {"CLASS_NOT_ELIGIBLE", "OVER_PROGRAM_AMOUNT"}),
        ("720-550/4(d)", "3", {"CLASS_NOT_ELIGIBLE", "OVER_PROGRAM_AMOUNT"}),
        ("720-550/4(d)", "4", {"OVER_PROGRAM_AMOUNT"}),
        # 2. a specific class with the subsection unknown: the recorded class
        ("720-550/4", "A", set()),
        ("720-550/4(h)", "4", set()),
        ("720-550/4", "3", {"CLASS_NOT_ELIGIBLE"}),
        ("720-550/4", "M", {"CLASS_NOT_ELIGIBLE"}),
        ("720-550/4", "X", {"CLASS_NOT_ELIGIBLE"}),
        ("720-550/5", "4", set()),
        ("720-550/5", "B", {"SECTION_5_MISDEMEANOR"}),
        ("720-550/4", "CIVIL", {"CIVIL_LAW_VIOLATION"}),
        ("720-550/5", "PETTY", {"CIVIL_LAW_VIOLATION"}),
        # 3. "misdemeanor": the table's misdemeanor class, or a conflict
        ("720-550/4(c)", "MISD", set()),
        ("720-550/4(d)", "MISD", {"CLASS_CONFLICT", "OVER_PROGRAM_AMOUNT"}),
        ("720-550/5(c)", "MISDEMEANOR", {"CLASS_CONFLICT"}),
        ("720-550/5(b)", "MISD", {"SECTION_5_MISDEMEANOR"}),
        ("720-550/4", "MISD", set()),
        ("720-550/5", "MISD", {"SECTION_5_MISDEMEANOR"}),
        # 4. "felony": the table's felony classes, a conflict, or unknown
        ("720-550/4(c)", "FELONY", set()),
        ("720-550/4(b)", "FEL", {"CLASS_CONFLICT"}),
        ("720-550/4(d)", "F", {"SUBSEQUENT_OFFENSE_UNKNOWN", "OVER_PROGRAM_AMOUNT"}),
        ("720-550/5(d)", "F", {"CLASS_NOT_ELIGIBLE", "OVER_PROGRAM_AMOUNT"}),
        ("720-550/4", "FELONY", {"CLASS_UNKNOWN"}),
        # 5. no recorded class: the table's classes, or unknown
        ("720-550/4(c)", "", set()),
        ("720-550/4(b)", "UNK", set()),
        ("720-550/4(d)", "", {"SUBSEQUENT_OFFENSE_UNKNOWN", "OVER_PROGRAM_AMOUNT"}),
        ("720-550/4(e)", "U", {"CLASS_NOT_ELIGIBLE", "OVER_PROGRAM_AMOUNT"}),
        ("720-550/5(c)", "F 4", set()),
        ("720-550/5(a)", "", {"SECTION_5_MISDEMEANOR"}),
        ("720-550/5(g)", "", {"CLASS_NOT_ELIGIBLE", "OVER_PROGRAM_AMOUNT"}),
        ("720-550/4", "", {"CLASS_UNKNOWN"}),
        ("720-550/5", "UNKNOWN", {"CLASS_UNKNOWN"}),
    ],
)
def test_the_class_rule_takes_the_effective_class(
    statute: str, offense_class: str, expected: set[str]
) -> None:
    assert reasons(record(statute=statute, offense_class=offense_class)) == expected


def test_it_refuses_a_civil_law_violation_after_2016() -> None:
    row = record(
        statute="720-550/4(a)",
        offense_class="",
        offense_date="2017-01-01",
        disposition_date="2017-03-01",
        sentence="FINE $100",
    )

    assert reasons(row) == {"CIVIL_LAW_VIOLATION"}


def test_an_unchoosable_table_leaves_the_subsection_unknown_for_the_class_rule() -> None:
    row = record(
        statute="720-550/4(d)",
        offense_class="",
        offense_date="",
        arrest_date="",
        disposition_date="2017-03-01",
        offense_description="POSS CANNABIS 2.5-10 GRAMS",
        sentence="CTS",
    )

    assert reasons(row) == {"INSUFFICIENT_DATA", "CLASS_UNKNOWN"}


def test_an_unknown_offense_date_uses_the_old_table_for_an_old_disposition() -> None:
    row = record(statute="720-550/4(c)", offense_class="", offense_date="", arrest_date="")

    assert reasons(row) == {"INSUFFICIENT_DATA"}


# R12, R13


@pytest.mark.parametrize(
    ("statute", "offense_class", "description", "expected"),
    [
        ("720-550/4(c)", "A", "", set()),
        ("720-550/4(d)", "4", "", {"OVER_PROGRAM_AMOUNT"}),
        ("720-550/5(d)", "3", "", {"CLASS_NOT_ELIGIBLE", "OVER_PROGRAM_AMOUNT"}),
        ("720-550/4", "A", "POSS CANNABIS 10-30 GRAMS", set()),
        ("720-550/4", "A", "POSS CANNABIS 30-500 GRAMS", {"OVER_PROGRAM_AMOUNT"}),
        ("720-550/4", "A", "POSS CANNABIS MORE THAN 29.9 GRAMS", {"AMOUNT_UNKNOWN"}),
        ("720-550/4", "A", "POSS CANNABIS MORE THAN 30 GRAMS", {"OVER_PROGRAM_AMOUNT"}),
        ("720-550/4", "A", "POSS CANNABIS NOT MORE THAN 30 GRAMS", set()),
        ("720-550/4", "A", "POSS CANNABIS LESS THAN 2.5 GRAMS", set()),
        ("720-550/4", "A", "POSSESSION OF CANNABIS", {"AMOUNT_UNKNOWN"}),
        ("720-550/5", "4", "MANUFACTURE/DELIVER CANNABIS", {"AMOUNT_UNKNOWN"}),
    ],
)
def test_the_amount_comes_from_the_subsection_else_the_description(
    statute: str, offense_class: str, description: str, expected: set[str]
) -> None:
    row = record(statute=statute, offense_class=offense_class, offense_description=description)

    assert reasons(row) == expected


def test_the_subsection_decides_over_the_description() -> None:
    assert reasons(record(offense_description="POSS CANNABIS 500-2000 GRAMS")) == set()


def test_no_program_cap_silences_both_amount_rules() -> None:
    no_cap = Policy(max_grams=None)

    assert reasons(record(statute="720-550/4(d)", offense_class="4"), policy=no_cap) == set()
    assert (
        reasons(
            record(statute="720-550/4", offense_description="POSSESSION OF CANNABIS"), policy=no_cap
        )
        == set()
    )


def test_the_program_cap_is_a_policy_switch() -> None:
    # record(): 4(c) before 2016, more than 10 g and at most 30 g.
    assert reasons(record(), policy=Policy(max_grams=10)) == {"OVER_PROGRAM_AMOUNT"}
    assert reasons(record(), policy=Policy(max_grams=10.5)) == {"AMOUNT_UNKNOWN"}
    assert reasons(record(), policy=Policy(max_grams=30)) == set()
    assert reasons(record(), policy=Policy(max_grams=31)) == set()


@pytest.mark.parametrize(
    "description",
    [
        "POSS CANNABIS MORE THAN 10 GRAMS",
        "POSS CANNABIS OVER 2.5 G",
        "POSS CANNABIS >10G",
        "POSS CANNABIS UNDER 500 GRAMS",
        "POSS CANNABIS LESS THAN 31 GRAMS",
        "POSS CANNABIS 500 GRAMS OR LESS",
        "POSS CANNABIS 10-100 GRAMS",
        "POSS CANNABIS 0-30.5 GRAMS",
    ],
)
def test_an_amount_range_that_spans_the_program_limit_needs_a_person(description: str) -> None:
    [result] = judge(record(statute="720-550/4", offense_description=description))

    assert (result.determination, result.reasons) == ("NEEDS_REVIEW", {"AMOUNT_UNKNOWN"})


@pytest.mark.parametrize(
    "description",
    ["POSS CANNABIS 10-30 GRAMS", "POSS CANNABIS UNDER 30 G", "POSS CANNABIS 30 GRAMS OR LESS"],
)
def test_an_amount_range_within_the_program_limit_passes(description: str) -> None:
    assert reasons(record(statute="720-550/4", offense_description=description)) == set()


@pytest.mark.parametrize(
    "description",
    ["POSS CANNABIS 1,000 GRAMS OR LESS", "POSS CANNABIS 2,500-10,000 G", "THUNDER 30 G"],
)
def test_a_description_whose_amount_the_rules_cannot_read_needs_a_person(description: str) -> None:
    row = record(statute="720-550/4", offense_description=description)

    assert reasons(row) == {"AMOUNT_UNKNOWN"}


def test_a_subsection_range_that_spans_a_higher_cap_needs_a_person() -> None:
    # 4(d) before 2016: more than 30 g, at most 500 g; the cap at 100 g falls inside.
    cap_100 = Policy(max_grams=100)
    old_4d = record(statute="720-550/4(d)", offense_class="4")

    assert reasons(old_4d, policy=cap_100) == {"AMOUNT_UNKNOWN"}
    # 4(c) from 2016-07-29: more than 30 g, at most 100 g, within the cap.
    new_4c = record(offense_date="2017-01-15", disposition_date="2017-03-01", sentence="CTS")
    assert reasons(new_4c, policy=cap_100) == set()


# R14, R15, R16, R21: associated rows


def _same_case(statute: str, disposition: str = "GUILTY", **fields: str) -> Record:
    return record(row=2, statute=statute, disposition=disposition, offense_class="", **fields)


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        (_same_case("720-550/7"), {"SECTION_7_ENHANCEMENT", "MIXED_CASE"}),
        (_same_case("720 ILCS 550/7", "DISMISSED"), {"SECTION_7_ENHANCEMENT"}),
        (_same_case("720-5/12-3.2", "DISMISSED"), {"VIOLENT_OFFENSE_ASSOCIATED"}),
        (_same_case("38-18-2"), {"VIOLENT_OFFENSE_ASSOCIATED"}),
        (_same_case("720 ILCS 5/33A-2(a)"), {"VIOLENT_OFFENSE_ASSOCIATED"}),
        (_same_case("ATTEMPT 720-5/9-1"), {"VIOLENT_OFFENSE_ASSOCIATED"}),
        (_same_case("720-5/12-3", "NOLLE PROS"), {"POSSIBLE_VIOLENT_ASSOCIATION"}),
        (_same_case("625 ILCS 5/11-501(a)"), {"POSSIBLE_VIOLENT_ASSOCIATION"}),
        (_same_case("720-570/402(c)"), {"MIXED_CASE"}),
        (_same_case("720-5/16-25(a)(1)", "PLEA OF GUILTY"), {"MIXED_CASE"}),
        (_same_case("720-550/5.2(b)"), {"MIXED_CASE"}),
        (_same_case("720-570/402(c)", "DISMISSED"), set()),
        (_same_case("720-5/12-3.25"), {"MIXED_CASE"}),
        # an unrecognized statute: R21 when it is a conviction, nothing else
        (_same_case("POSS WEAPON"), {"MIXED_CASE"}),
        (_same_case(""), {"MIXED_CASE"}),
        (_same_case("720-5/8-4(720-5/12-3.2)(1)", "PLEA OF GUILTY"), {"MIXED_CASE"}),
        (_same_case("POSS WEAPON", "DISMISSED"), set()),
        (_same_case("POSS WEAPON", "SUPERVISION"), set()),
        (_same_case("POSS WEAPON", "TRANSFERRED"), set()),
        (_same_case("720-550/5(c)"), set()),
        (_same_case("ATTEMPT 720-550/4(b)"), set()),
    ],
)
def test_it_judges_a_cannabis_row_by_the_other_charges_of_its_case(
    other: Record, expected: set[str]
) -> None:
    assert reasons(record(), other) == expected


@pytest.mark.parametrize("statute", ["720 ILCS 550/04(c)", "720 ILCS 550/4(c)", "720-0550/004(C)"])
@pytest.mark.parametrize("violent", ["720-5/012-3.2", "720 ILCS 5/12-03.2(a)", "38-012-3.2"])
def test_leading_zeros_do_not_hide_a_violent_charge_of_the_same_case(
    statute: str, violent: str
) -> None:
    [result, _] = judge(record(statute=statute), _same_case(violent, "DISMISSED"))

    assert (result.determination, result.reasons) == (
        "NOT_ELIGIBLE",
        {"VIOLENT_OFFENSE_ASSOCIATED"},
    )


def test_a_section_with_leading_zeros_is_section_4() -> None:
    [result] = judge(record(statute="720 ILCS 550/04(c)"))

    assert (result.determination, result.reasons) == ("ELIGIBLE", frozenset())


def test_a_violent_section_keeps_its_decimal_digits_as_written() -> None:
    # 11-1.20 (criminal sexual assault) is on the violent list; 11-1.2 is not.
    assert reasons(record(), _same_case("720-5/011-1.20", "DISMISSED")) == {
        "VIOLENT_OFFENSE_ASSOCIATED"
    }
    assert reasons(record(), _same_case("720-5/11-1.2", "DISMISSED")) == set()


def test_an_associated_conviction_whose_statute_cannot_be_read_is_named_for_a_person() -> None:
    [result, other] = judge(record(), _same_case("UNLAWFUL USE OF WEAPON"))

    assert (result.determination, result.reasons) == ("NEEDS_REVIEW", {"MIXED_CASE"})
    assert result.details["mixed_case_rows"] == [2]
    assert other.reasons == {"STATUTE_UNRECOGNIZED"}


def test_the_associated_rows_are_named_in_the_details() -> None:
    rows = [
        record(),
        _same_case("720-5/12-3.2"),
        record(row=3, statute="720-5/12-3"),
        record(row=4, statute="720-550/7"),
        record(row=5, statute="720-5/18-1", court_case_number="OTHER", dcn="D1"),
        record(row=6, statute="720-570/402", court_case_number="10-c-100"),
    ]
    rows[0] = record(dcn="D1")

    details = judge(*rows)[0].details

    assert details["violent_rows"] == [2, 5]
    assert details["conditional_rows"] == [3]
    assert details["section_7_rows"] == [4]
    assert details["mixed_case_rows"] == [4, 6]


@pytest.mark.parametrize(
    "other",
    [
        # a different person with the same case
        record(row=2, sid="200", statute="720-5/12-3.2"),
        # the same person, another case and no shared DCN
        record(row=2, statute="720-5/12-3.2", court_case_number="11C200"),
        # two empty case keys do not make one case
        record(row=2, statute="720-5/12-3.2", court_case_number="--"),
    ],
)
def test_rows_of_other_people_or_other_cases_are_not_associated(other: Record) -> None:
    first = record(court_case_number="--") if other.court_case_number == "--" else record()

    assert "VIOLENT_OFFENSE_ASSOCIATED" not in reasons(first, other)


def test_a_shared_dcn_associates_rows_of_different_case_numbers() -> None:
    first = record(dcn="10888529")
    other = record(row=2, statute="720-5/12-3.2", court_case_number="11C200", dcn="10888529")

    assert reasons(first, other) == {"VIOLENT_OFFENSE_ASSOCIATED"}


def test_case_numbers_match_ignoring_punctuation_and_case() -> None:
    first = record(court_case_number="09-CR-12345-01")
    other = record(row=2, statute="720-5/12-3.2", court_case_number="09cr1234501")

    assert reasons(first, other) == {"VIOLENT_OFFENSE_ASSOCIATED"}


def test_without_a_sid_the_names_and_date_of_birth_make_the_person() -> None:
    first = record(sid="", last_name="De  La Cruz", date_of_birth="01/01/1970")
    other = record(
        row=2, sid="", last_name="DE LA CRUZ", date_of_birth="1970-01-01", statute="720-5/12-3.2"
    )
    stranger = record(
        row=3, sid="", last_name="DE LA CRUZ", date_of_birth="1971-01-01", statute="720-5/12-3"
    )

    assert reasons(first, other, stranger) == {"VIOLENT_OFFENSE_ASSOCIATED"}


@pytest.mark.parametrize(
    ("sid", "other_sid"),
    [("a301", "A301"), (" A 301", "A301"), ("1234567.0", "1234567"), ("1234567", "1234567.0")],
)
def test_a_sid_written_another_way_is_the_same_person(sid: str, other_sid: str) -> None:
    first = record(sid=sid)
    other = record(row=2, sid=other_sid, statute="720-5/12-3.2", disposition="DISMISSED")

    [result, _] = judge(first, other)

    assert (result.determination, result.reasons) == (
        "NOT_ELIGIBLE",
        {"VIOLENT_OFFENSE_ASSOCIATED"},
    )


def test_a_sid_written_another_way_makes_a_copy_a_duplicate() -> None:
    _, copy = judge(record(sid="a301"), record(row=2, sid="A301"))

    assert copy.reasons == {"DUPLICATE_ROW"}


@pytest.mark.parametrize(
    "sids",
    [
        ("a301", "A301", "A301"),
        ("A301", "a301", "A301"),
        ("A301", "A301", " a 301"),
        ("a301", " A301", "a 301 "),
        ("1234567.0", "1234567", "1234567.0"),
    ],
)
def test_the_first_copy_is_the_first_row_whatever_the_spelling_of_the_sid(
    sids: tuple[str, str, str],
) -> None:
    results = judge(*(record(row=number, sid=sid) for number, sid in enumerate(sids, start=1)))

    assert [result.details.get("duplicate_of") for result in results] == [None, 1, 1]


def test_a_sid_of_only_spaces_groups_the_row_by_name() -> None:
    first = record(sid="")
    other = record(row=2, sid="   ", statute="720-5/12-3.2", disposition="DISMISSED")

    assert reasons(first, other) == {"VIOLENT_OFFENSE_ASSOCIATED"}


def test_a_case_number_excel_stored_as_a_number_is_the_same_case() -> None:
    first = record(court_case_number="20151234567")
    other = record(
        row=2, court_case_number="20151234567.0", statute="720-5/12-3.2", disposition="DISMISSED"
    )

    assert reasons(first, other) == {"VIOLENT_OFFENSE_ASSOCIATED"}


def test_a_point_zero_does_not_make_another_case_number() -> None:
    # 12345.0 is case 12345, not case 123450.
    first = record(court_case_number="123450")
    other = record(
        row=2, court_case_number="12345.0", statute="720-5/12-3.2", disposition="DISMISSED"
    )

    assert reasons(first, other) == set()


def test_a_dcn_excel_stored_as_a_number_is_the_same_dcn() -> None:
    first = record(dcn="10888529")
    other = record(
        row=2,
        statute="720-5/12-3.2",
        disposition="DISMISSED",
        court_case_number="11C200",
        dcn="10888529.0",
    )

    assert reasons(first, other) == {"VIOLENT_OFFENSE_ASSOCIATED"}


def test_a_row_with_a_sid_is_not_the_same_person_as_one_without() -> None:
    assert reasons(record(), record(row=2, sid="", statute="720-5/12-3.2")) == set()


def test_violent_association_can_be_sent_to_review_by_policy() -> None:
    [result, _] = judge(
        record(), _same_case("720-5/12-3.2"), policy=Policy(violent_association="review")
    )

    assert (result.determination, result.reasons) == (
        "NEEDS_REVIEW",
        {"VIOLENT_OFFENSE_ASSOCIATED"},
    )


def test_the_other_charges_are_judged_on_their_own() -> None:
    [_, other] = judge(record(), _same_case("720-5/12-3.2"))

    assert other.reasons == {"NOT_CANNABIS_CONTROL_ACT"}


# R17, R18


@pytest.mark.parametrize(
    ("sentence", "as_of", "expected"),
    [
        ("18 MOS PROBATION", date(2019, 12, 1), {"SENTENCE_NOT_COMPLETE"}),
        ("18 MOS PROBATION", date(2020, 3, 1), set()),
        ("18 MOS PROBATION", date(2020, 2, 29), {"SENTENCE_NOT_COMPLETE"}),
        ("FINE $100; 30 DAYS JAIL", date(2018, 9, 30), {"SENTENCE_NOT_COMPLETE"}),
        ("FINE $100", date(2018, 9, 2), set()),
        ("SEE FILE", date(2019, 12, 1), {"SENTENCE_STATUS_UNKNOWN"}),
        ("", date(2021, 8, 30), {"SENTENCE_STATUS_UNKNOWN"}),  # 1,094 days after
        ("", date(2021, 8, 31), set()),  # 1,095 days after
    ],
)
def test_it_checks_that_the_sentence_is_complete_on_the_as_of_date(
    sentence: str, as_of: date, expected: set[str]
) -> None:
    row = record(
        statute="720-550/4(b)",
        offense_class="B",
        offense_date="2018-05-01",
        disposition_date="2018-09-01",
        sentence=sentence,
    )

    assert reasons(row, as_of=as_of) == expected


@pytest.mark.parametrize("sentence", ["30YRS IDOC", "30 YRS IDOC", "IDOC 30YRS"])
def test_a_term_written_without_a_space_still_runs(sentence: str) -> None:
    row = record(
        statute="720-550/4(b)",
        offense_class="B",
        offense_date="2012-01-01",
        disposition_date="2012-05-10",
        sentence=sentence,
    )

    [result] = judge(row)

    assert (result.determination, result.reasons) == ("NOT_ELIGIBLE", {"SENTENCE_NOT_COMPLETE"})
    assert result.details["sentence_end"] == "2042-05-10"


def test_a_recent_sentence_of_only_a_number_and_a_unit_is_unreadable() -> None:
    row = record(
        statute="720-550/4(b)",
        offense_class="B",
        offense_date="2018-05-01",
        disposition_date="2018-09-01",
        sentence="2YRS",
    )

    assert reasons(row, as_of=date(2019, 12, 1)) == {"SENTENCE_STATUS_UNKNOWN"}


def test_the_recent_sentence_window_is_a_policy_switch() -> None:
    row = record(disposition_date="2010-04-01", sentence="BOOT CAMP")

    assert reasons(row, as_of=date(2011, 4, 1)) == {"SENTENCE_STATUS_UNKNOWN"}
    assert reasons(row, as_of=date(2011, 4, 1), policy=Policy(recent_sentence_days=365)) == set()


def test_an_old_unreadable_sentence_is_taken_as_served() -> None:
    assert reasons(record(sentence="2 YRS PROBATION, DRUG TREATMENT")) == set()


# R19


@pytest.mark.parametrize(
    ("birth", "offense", "juvenile"),
    [
        ("1992-01-02", "2010-01-01", True),
        ("1992-01-01", "2010-01-01", False),
        ("1980-01-01", "2010-01-01", False),
        ("1992-02-29", "2010-02-28", True),
        ("1992-02-29", "2010-03-01", False),
    ],
)
def test_it_sends_an_offense_before_the_18th_birthday_to_review(
    birth: str, offense: str, juvenile: bool
) -> None:
    found = reasons(record(date_of_birth=birth, offense_date=offense))

    assert found == ({"JUVENILE_AT_OFFENSE"} if juvenile else set())


@pytest.mark.parametrize(
    ("offense", "juvenile"),
    [("2014-02-27", True), ("2014-02-28", True), ("2014-03-01", False), ("2016-02-29", False)],
)
def test_a_leap_day_birthday_is_reached_on_1_march_of_a_common_year(
    offense: str, juvenile: bool
) -> None:
    # Born 29 February 1996: 18 on 1 March 2014 (2014 has no 29 February).
    found = reasons(record(date_of_birth="1996-02-29", offense_date=offense))

    assert found == ({"JUVENILE_AT_OFFENSE"} if juvenile else set())


def test_the_arrest_date_dates_the_offense_for_the_age_rule() -> None:
    row = record(date_of_birth="1992-06-01", offense_date="", arrest_date="2010-01-01")

    assert reasons(row) == {"JUVENILE_AT_OFFENSE"}


# R20


@pytest.mark.parametrize(
    "copy",
    [
        record(row=2),
        record(row=2, court_case_number="10-c-100", statute="720 ILCS 550/4(C)"),
        record(row=2, disposition="guilty", disposition_date="04/01/2010", sentence="CTS"),
        record(row=2, dcn="OTHER", offense_class="4", offense_description=""),
    ],
)
def test_it_refuses_a_later_copy_of_the_same_charge(copy: Record) -> None:
    first, second = judge(record(), copy)

    assert first.reasons == frozenset()
    assert (second.determination, second.reasons) == ("NOT_ELIGIBLE", {"DUPLICATE_ROW"})
    assert second.details["duplicate_of"] == 1


@pytest.mark.parametrize(
    "other",
    [
        record(row=2, sid="200"),
        record(row=2, court_case_number="11C100"),
        record(row=2, statute="720-550/4(b)", offense_class="B"),
        record(row=2, statute="ATTEMPT 720-550/4(c)"),
        record(row=2, disposition="PLEA OF GUILTY"),
        record(row=2, disposition_date="2010-04-02"),
    ],
)
def test_a_different_charge_is_not_a_copy(other: Record) -> None:
    assert "DUPLICATE_ROW" not in judge(record(), other)[1].reasons


def test_a_copy_written_with_leading_zeros_is_a_copy() -> None:
    _, second = judge(record(), record(row=2, statute="720 ILCS 550/04(c)"))

    assert (second.determination, second.reasons) == ("NOT_ELIGIBLE", {"DUPLICATE_ROW"})


def test_every_later_copy_points_at_the_first() -> None:
    results = judge(record(), record(row=2), record(row=3))

    assert [result.details.get("duplicate_of") for result in results] == [None, 1, 1]


def test_unreadable_statutes_and_dates_are_compared_as_text() -> None:
    first = record(statute="POSS CANNABIS", disposition_date="SOMETIME", court_case_number="")
    copy = record(
        row=2, statute="poss  cannabis", disposition_date="SOMETIME", court_case_number=""
    )
    other = record(row=3, statute="POSS CANNABIS", disposition_date="LATER", court_case_number="")

    results = judge(first, copy, other)

    assert [("DUPLICATE_ROW" in result.reasons) for result in results] == [False, True, False]


def test_a_duplicate_of_another_statute_is_refused_too() -> None:
    _, copy = judge(record(statute="720-5/12-3"), record(row=2, statute="720-5/12-3"))

    assert copy.reasons == {"DUPLICATE_ROW", "NOT_CANNABIS_CONTROL_ACT"}


# Section 2: precedence, and every rule reported


def test_every_rule_that_fires_is_reported_and_refusal_wins() -> None:
    row = record(
        court_case_number="",
        county="WILL",
        statute="720-550/4(d)",
        offense_class="3",
        date_of_birth="1995-01-01",
        offense_date="2010-01-01",
        disposition_date="2010-04-01",
        sentence="SEE FILE",
    )

    [result] = judge(row, as_of=date(2011, 1, 1))

    assert result.determination == "NOT_ELIGIBLE"
    assert result.reasons == {
        "INSUFFICIENT_DATA",
        "OUT_OF_COUNTY",
        "CLASS_NOT_ELIGIBLE",
        "OVER_PROGRAM_AMOUNT",
        "SENTENCE_STATUS_UNKNOWN",
        "JUVENILE_AT_OFFENSE",
    }


def test_review_wins_over_eligible() -> None:
    [result] = judge(record(statute="720-550/5(b)", offense_class="A"))

    assert (result.determination, result.reasons) == ("NEEDS_REVIEW", {"SECTION_5_MISDEMEANOR"})


# Section 9: the section 5 misdemeanor switch


@pytest.mark.parametrize(
    ("switch", "determination", "codes"),
    [
        ("review", "NEEDS_REVIEW", {"SECTION_5_MISDEMEANOR"}),
        ("eligible", "ELIGIBLE", set()),
        ("not_eligible", "NOT_ELIGIBLE", {"SECTION_5_MISDEMEANOR"}),
    ],
)
def test_the_office_decides_section_5_misdemeanors(
    switch: str, determination: str, codes: set[str]
) -> None:
    policy = Policy(section5_misdemeanor=switch)  # type: ignore[arg-type]

    [result] = judge(record(statute="720-550/5(b)", offense_class="A"), policy=policy)

    assert (result.determination, result.reasons) == (determination, codes)


# Details


def test_an_eligible_row_states_the_section_class_and_amount_that_passed() -> None:
    [result] = judge(record())

    assert result.details == {
        "statute": {
            "chapter": 720,
            "act": 550,
            "section": "4",
            "subsection": "c",
            "inchoate": None,
        },
        "recorded_class": "A",
        "effective_class": "A",
        "amount_more_than_grams": 10,
        "amount_at_most_grams": 30,
        "amount_source": "subsection",
        "amount_table": "section 4 before 2016-07-29",
        "sentence_end": "2011-04-01",
        "basis": "Cannabis Control Act Section 4 (720 ILCS 550/4(c)); Class A misdemeanor; "
        "more than 10 g, not more than 30 g (subsection (c), section 4 before 2016-07-29 table)",
    }


def test_an_amount_from_the_description_says_so() -> None:
    [result] = judge(record(statute="720-550/4", offense_description="POSS CANNABIS 2.5-10 GRAMS"))

    assert result.details["amount_more_than_grams"] == 2.5
    assert result.details["amount_at_most_grams"] == 10
    assert result.details["amount_source"] == "offense description"
    assert result.details["basis"].endswith(
        "more than 2.5 g, not more than 10 g per the offense description"
    )


def test_an_amount_of_at_most_n_grams_is_shown_as_such() -> None:
    row = record(statute="720-550/4", offense_description="POSS CANNABIS LESS THAN 2.5 GRAMS")

    [result] = judge(row)

    assert result.details["amount_more_than_grams"] == 0
    assert result.details["basis"].endswith("; not more than 2.5 g per the offense description")


def test_two_possible_classes_are_both_shown() -> None:
    [result] = judge(record(offense_class=""))

    assert result.details["effective_class"] == "A or 4"
    assert "Class A misdemeanor or Class 4 felony" in result.details["basis"]


def test_an_unrecognized_statute_has_no_parsed_details() -> None:
    [result] = judge(record(statute="POSS CANNABIS"))

    assert result.details == {"statute": None, "recorded_class": "A"}
