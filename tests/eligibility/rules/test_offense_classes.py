"""The offense class reader of spec 5.1."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eligibility.rules import read_offense_class

FELONY_SPELLINGS = ["{}", "CLASS {}", "CL {}", "F{}", "FEL {}", "FELONY {}", "{} FELONY", "{} FEL"]
MISDEMEANOR_SPELLINGS = ["{}", "CLASS {}", "CL {}", "MISD {}", "M{}", "{} MISD", "{} MISDEMEANOR"]


@pytest.mark.parametrize("level", ["X", "1", "2", "3", "4"])
@pytest.mark.parametrize("spelling", FELONY_SPELLINGS)
def test_it_reads_every_felony_spelling(spelling: str, level: str) -> None:
    assert read_offense_class(spelling.format(level)) == level


@pytest.mark.parametrize("level", ["A", "B", "C"])
@pytest.mark.parametrize("spelling", MISDEMEANOR_SPELLINGS)
def test_it_reads_every_misdemeanor_spelling(spelling: str, level: str) -> None:
    assert read_offense_class(spelling.format(level)) == level


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Class 4 Felony", "4"),
        ("class a misdemeanor", "A"),
        ("CLASS  4   FELONY", "4"),
        ("Cl. 4", "4"),
        ("F.4", "4"),
        ("ma", "A"),
        ("M", "M"),
        ("MISD", "misdemeanor"),
        ("Misdemeanor", "misdemeanor"),
        ("F", "felony"),
        ("FEL", "felony"),
        ("FELONY", "felony"),
        ("CIVIL", "civil"),
        ("CIVIL LAW VIOLATION", "civil"),
        ("CLV", "civil"),
        ("P", "civil"),
        ("PETTY", "civil"),
        ("O", "civil"),
        ("ORDINANCE", "civil"),
    ],
)
def test_it_reads_vague_and_non_criminal_classes(text: str, expected: str) -> None:
    assert read_offense_class(text) == expected


@pytest.mark.parametrize(
    "text", ["", "U", "UNK", "UNKNOWN", "F 4", "M A", "CLASS", "5", "D", "FELONY X MISD", "4A"]
)
def test_it_reads_no_class_from_empty_unknown_or_anything_else(text: str) -> None:
    assert read_offense_class(text) is None


@given(st.text())
def test_it_never_raises_on_arbitrary_text(text: str) -> None:
    read_offense_class(text)
