"""SID, DCN and court case number text (spec section 3; isp-list-format.md, "Cell values")."""

from __future__ import annotations

import pytest

from eligibility.rules import Record, case_key, integer_text, person_key, sid_key
from eligibility.rules.identifiers import dcn_key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234567.0", "1234567"),
        ("0012.0", "0012"),
        ("1234567", "1234567"),
        ("1234567.00", "1234567.00"),
        ("1234567.5", "1234567.5"),
        ("A123.0", "A123.0"),
        ("12-34.0", "12-34.0"),
        (".0", ".0"),
        ("\uff11\uff12.0", "\uff11\uff12.0"),  # full-width digits are not digits here
        ("", ""),
    ],
)
def test_digits_followed_by_point_zero_are_the_digits_alone(text: str, expected: str) -> None:
    assert integer_text(text) == expected


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("a301", "A301"),
        (" A301 ", "A301"),
        ("A 301", "A301"),
        ("1234567.0", "1234567"),
        (" 1234567.0", "1234567"),
    ],
)
def test_sids_that_differ_only_in_case_spaces_or_point_zero_are_one_person(
    one: str, other: str
) -> None:
    assert sid_key(one) == sid_key(other)
    assert person_key(Record(row=1, sid=one)) == person_key(Record(row=2, sid=other))


def test_a_sid_of_only_spaces_is_no_sid() -> None:
    with_spaces = Record(row=1, sid="  ", last_name="DOE", first_name="JANE")
    without = Record(row=2, sid="", last_name="DOE", first_name="JANE")

    assert person_key(with_spaces) == person_key(without)


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("09-CR-12345-01", "09cr1234501", True),
        ("20151234567.0", "20151234567", True),
        ("12345.0", "123450", False),
        ("09-CR-1.0", "09CR1", False),  # not only digits: the point is punctuation
        ("09-CR-1.0", "09CR10", True),
    ],
)
def test_case_numbers_read_a_point_zero_away_before_punctuation(
    one: str, other: str, same: bool
) -> None:
    assert (case_key(one) == case_key(other)) is same


def test_a_dcn_reads_a_point_zero_away() -> None:
    assert dcn_key("10888529.0") == dcn_key("10888529") == "10888529"
