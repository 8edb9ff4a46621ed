"""The statute reader of spec section 4: every example string of the spec, and the refusals."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eligibility.rules import Statute, parse_statute

CCA_4_C = Statute(720, 550, "4", "c")


@pytest.mark.parametrize(
    "text",
    [
        # 4.1
        "720 ILCS 550/4(c)",
        "720 ILCS 550.0/4-C",
        "720-550/4(C)",
        "720-550.0/4-C",
        "720 550/4 C",
        "720ILCS550/4(c)(1)",
        "720-550/4C",
        # 4.2
        "56.5-704-C",
        "56 1/2-704(c)",
        "56½-704(c)",
        "CH 56.5 PAR 704(C)",
        "ILL REV STAT CH 56 1/2 PAR 704 C",
        "56.5/704(c)",
        "56-1/2-704(c)",
        "CH. 56 1/2 PAR. 704 C",
        # normalisation first
        "  720   ilcs 550/4(c)  ",
        "720 ILCS 550\\4(c)",
        "720 ILCS 550 / 4 (c)",
    ],
)
def test_it_reads_every_spelling_of_possession_under_subsection_c(text: str) -> None:
    assert parse_statute(text) == CCA_4_C


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("720 ILCS 5/12-3.2(a)(1)", Statute(720, 5, "12-3.2", "a")),
        ("625 ILCS 5/11-501(A)(2)", Statute(625, 5, "11-501", "a")),
        ("720 ILCS 5/33A-2", Statute(720, 5, "33A-2")),
        ("38-16A-3-A", Statute(720, 5, "16A-3", "a")),
        ("720-5/24-1.1(a)", Statute(720, 5, "24-1.1", "a")),
        ("720 ILCS 550/5.2(b)", Statute(720, 550, "5.2", "b")),
        ("720-550/5.2C", Statute(720, 550, "5.2", "c")),
        ("720 ILCS 5/9-1E", Statute(720, 5, "9-1", "e")),
        ("720 ILCS 5/11-20.1B", Statute(720, 5, "11-20.1", "b")),
        ("720-550/4", Statute(720, 550, "4")),
        ("720-550/4 (1)", Statute(720, 550, "4")),
        ("720-550/4-C-2", Statute(720, 550, "4", "c")),
        ("720-550/4 A 2", Statute(720, 550, "4", "a")),
        ("720-550/4(h)", Statute(720, 550, "4", "h")),
        ("750-550/5(b)", Statute(750, 550, "5", "b")),
        ("720 ILCS 570/402(c)", Statute(720, 570, "402", "c")),
        ("38-12-3.2", Statute(720, 5, "12-3.2")),
        ("95.5-11-501", Statute(625, 5, "11-501")),
        ("95 1/2-11-501", Statute(625, 5, "11-501")),
        ("95.5-6-303-A", Statute(625, 5, "6-303", "a")),
        ("56.5-1402-C", Statute(720, 570, "402", "c")),
        ("56.5/705.1(b)", Statute(720, 550, "5.1", "b")),
        ("CH 56.5 PAR 705.2(A)", Statute(720, 550, "5.2", "a")),
        ("56.5-707", Statute(720, 550, "7")),
        ("56.5-710", Statute(720, 550, "10")),
        ("ILL REV STAT CH 56 1/2 PAR 709 B", Statute(720, 550, "9", "b")),
    ],
)
def test_it_reads_chapter_act_section_and_subsection(text: str, expected: Statute) -> None:
    assert parse_statute(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("720-5/8-4(720-550/5(c))", Statute(720, 550, "5", "c", "attempt")),
        ("720 ILCS 5/8-4 (720 ILCS 550/4(d))", Statute(720, 550, "4", "d", "attempt")),
        ("38-8-4/56.5-705-C", Statute(720, 550, "5", "c", "attempt")),
        ("ATTEMPT 720-550/4(c)", Statute(720, 550, "4", "c", "attempt")),
        ("ATT 720-550/4(c)", Statute(720, 550, "4", "c", "attempt")),
        ("720-5/8-2(720-550/5(b))", Statute(720, 550, "5", "b", "conspiracy")),
        ("720 ILCS 5/8-1/720 ILCS 550/4(a)", Statute(720, 550, "4", "a", "solicitation")),
        ("720-5/8-4( 720-550/4B )", Statute(720, 550, "4", "b", "attempt")),
        ("720-5/8-4(56.5-704-E)", Statute(720, 550, "4", "e", "attempt")),
        ("38-8-4/CH 56.5 PAR 704(D)", Statute(720, 550, "4", "d", "attempt")),
        ("720 ILCS 5/8-4 (720 ILCS 550.0/9-A)", Statute(720, 550, "9", "a", "attempt")),
        ("ATTEMPT 720 ILCS 5/18-1", Statute(720, 5, "18-1", None, "attempt")),
    ],
)
def test_it_reads_attempt_conspiracy_and_solicitation_as_the_inner_citation(
    text: str, expected: Statute
) -> None:
    assert parse_statute(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "POSS CANNABIS",
        "CANNABIS CONTROL ACT",
        "550/4",
        "720-550",
        "720 ILCS 550/ 4 (c) #2",
        "1234-550/4",
        "56.5-711",
        "56.5-705.3",
        "56.5-1099",
        "56.5-1700",
        # a wrapper with nothing inside it
        "720 ILCS 5/8-4(a)",
        "720-5/8-4",
        "ATTEMPT",
        "ATTEMPT POSS CANNABIS",
        "720-5/8-4(POSS CANNABIS)",
        # wrappers nested in wrappers
        "720-5/8-4(720-5/8-2(720-550/4(c)))",
        "ATTEMPT 720-5/8-4(720-550/4(c))",
        "ATTEMPT ATTEMPT 720-550/4(c)",
    ],
)
def test_it_leaves_anything_else_unrecognized(text: str) -> None:
    assert parse_statute(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Numbers compare as numbers (section 4): chapter, act and whole-number parts.
        ("720 ILCS 550/04(c)", CCA_4_C),
        ("720 ILCS 0550/4(c)", CCA_4_C),
        ("720-0550.0/004-C", CCA_4_C),
        ("720-5/012-3.2", Statute(720, 5, "12-3.2")),
        ("720 ILCS 5/12-03.2(a)", Statute(720, 5, "12-3.2", "a")),
        ("720 ILCS 5/033A-2", Statute(720, 5, "33A-2")),
        ("56.5-0704-C", CCA_4_C),
        ("CH 56 1/2 PAR 0705.1(B)", Statute(720, 550, "5.1", "b")),
        ("38-012-3.2", Statute(720, 5, "12-3.2")),
        ("095.5-11-0501", None),  # a 4.2 chapter is matched only as the spec spells it
        ("95.5-011-0501", Statute(625, 5, "11-501")),
        ("720-550/00(a)", Statute(720, 550, "0", "a")),
        # digits after a decimal point are kept as written
        ("720-5/011-1.20", Statute(720, 5, "11-1.20")),
        ("720-5/11-1.020", Statute(720, 5, "11-1.020")),
        ("720-550/05.10", Statute(720, 550, "5.10")),
        # an inchoate wrapper with leading zeros is still the wrapper
        ("720-5/08-04(720-550/04(c))", Statute(720, 550, "4", "c", "attempt")),
        ("38-08-2/56.5-0705-B", Statute(720, 550, "5", "b", "conspiracy")),
    ],
)
def test_numbers_in_a_citation_lose_their_leading_zeros(
    text: str, expected: Statute | None
) -> None:
    assert parse_statute(text) == expected


def test_decimal_digits_are_not_numbers_to_strip() -> None:
    assert parse_statute("720-5/11-1.20") != parse_statute("720-5/11-1.2")


@pytest.mark.parametrize(
    "text",
    [
        # text after the wrapper's closing parenthesis
        "720-5/8-4(720-550/4(c))(1)",
        "720 ILCS 5/8-4 (720 ILCS 550/4(d)) A",
        "720-5/8-2(720-550/5(b))-C",
        # an extra or a missing closing parenthesis
        "720-5/8-4(720-550/4(b)))",
        "720-5/8-4(720-550/4(c)",
        "720-5/8-4(720-550/4)(c",
        "38-8-4(56.5-704-C))",
        # a tail on the outer citation, before the inner one (4.4)
        "720 ILCS 5/8-4(a)(720 ILCS 550/4(c))",
        # bare, or with leading zeros, the wrapper is never a plain citation (4.4)
        "720-5/08-4",
        "720 ILCS 5/8-01",
        "38-08-2",
    ],
)
def test_a_wrapper_whose_parentheses_do_not_close_at_the_end_is_unrecognized(text: str) -> None:
    assert parse_statute(text) is None


def test_it_describes_a_citation_for_the_attorney() -> None:
    statute = Statute(720, 550, "4", "c", "attempt")

    assert str(statute) == "attempt of 720 ILCS 550/4(c)"
    assert statute.as_dict() == {
        "chapter": 720,
        "act": 550,
        "section": "4",
        "subsection": "c",
        "inchoate": "attempt",
    }


@given(st.text())
def test_it_never_raises_on_arbitrary_text(text: str) -> None:
    assert parse_statute(text) is None or isinstance(parse_statute(text), Statute)


@given(st.text(alphabet="0123456789ILCSATEMPRVHA()-/.½\\ ", max_size=40))
def test_it_never_raises_on_text_made_of_citation_pieces(text: str) -> None:
    result = parse_statute(text)
    assert result is None or isinstance(result, Statute)


@pytest.mark.parametrize(
    "text",
    [
        "720-550/4" + "-1" * 16_000 + "#",
        "56.5-" + "1" * 32_000 + "#",
        "720-5/8-4(" + "720-550/4" * 3_000 + "#)",
    ],
)
def test_it_reads_a_full_excel_cell_of_junk_in_linear_time(text: str) -> None:
    started = time.perf_counter()

    assert parse_statute(text) is None
    assert time.perf_counter() - started < 0.5
