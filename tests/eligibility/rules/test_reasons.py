"""Every reason code has an explanation and a basis, and the codes are exactly spec section 10."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from eligibility import rules
from eligibility.rules import REASONS, Policy, evaluate
from tests.eligibility.rules.lists import CSV_EXAMPLES, EXAMPLES, load_records

# Spec section 10, transcribed: code, outcome under the default policy, rule.
SECTION_10 = [
    ("INSUFFICIENT_DATA", "NEEDS_REVIEW", "R1"),
    ("OUT_OF_COUNTY", "NOT_ELIGIBLE", "R2"),
    ("STATUTE_UNRECOGNIZED", "NEEDS_REVIEW", "R3"),
    ("NOT_CANNABIS_CONTROL_ACT", "NOT_ELIGIBLE", "R4"),
    ("SECTION_NOT_ELIGIBLE", "NOT_ELIGIBLE", "R5"),
    ("INCHOATE_OFFENSE", "NEEDS_REVIEW", "R6"),
    ("NOT_A_CONVICTION", "NOT_ELIGIBLE", "R7"),
    ("ALREADY_RELIEVED", "NOT_ELIGIBLE", "R8"),
    ("DISPOSITION_UNKNOWN", "NEEDS_REVIEW", "R9"),
    ("CONVICTED_AFTER_CRTA", "NOT_ELIGIBLE", "R10"),
    ("CLASS_CONFLICT", "NEEDS_REVIEW", "R11"),
    ("CLASS_UNKNOWN", "NEEDS_REVIEW", "R11"),
    ("SUBSEQUENT_OFFENSE_UNKNOWN", "NEEDS_REVIEW", "R11"),
    ("CIVIL_LAW_VIOLATION", "NOT_ELIGIBLE", "R11"),
    ("CLASS_NOT_ELIGIBLE", "NOT_ELIGIBLE", "R11"),
    ("SECTION_5_MISDEMEANOR", "NEEDS_REVIEW", "R11"),
    ("OVER_PROGRAM_AMOUNT", "NOT_ELIGIBLE", "R12"),
    ("AMOUNT_UNKNOWN", "NEEDS_REVIEW", "R13"),
    ("SECTION_7_ENHANCEMENT", "NOT_ELIGIBLE", "R14"),
    ("VIOLENT_OFFENSE_ASSOCIATED", "NOT_ELIGIBLE", "R15"),
    ("POSSIBLE_VIOLENT_ASSOCIATION", "NEEDS_REVIEW", "R16"),
    ("SENTENCE_NOT_COMPLETE", "NOT_ELIGIBLE", "R17"),
    ("SENTENCE_STATUS_UNKNOWN", "NEEDS_REVIEW", "R18"),
    ("JUVENILE_AT_OFFENSE", "NEEDS_REVIEW", "R19"),
    ("DUPLICATE_ROW", "NOT_ELIGIBLE", "R20"),
    ("MIXED_CASE", "NEEDS_REVIEW", "R21"),
]

RULES_DIR = Path(rules.__file__).resolve().parent
CODE_RE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
NOT_ENGINE = {"reasons.py", "__init__.py"}  # the codes' own table, and the export list
DETERMINATIONS = {"NEEDS_REVIEW", "NOT_ELIGIBLE"}


def test_the_codes_are_exactly_those_of_section_10() -> None:
    assert [(r.code, r.outcome, r.rule) for r in REASONS.values()] == SECTION_10


@pytest.mark.parametrize("code", [code for code, _, _ in SECTION_10])
def test_every_code_has_a_one_sentence_explanation_and_a_basis(code: str) -> None:
    reason = REASONS[code]

    assert reason.code == code
    assert reason.explanation.endswith(".")
    assert reason.explanation.count(". ") == 0, "one sentence"
    assert len(reason.explanation) > 40
    assert reason.basis.strip()
    assert "—" not in reason.basis


def _code_literals() -> set[str]:
    """Every string in the engine's modules that is written like a reason code."""
    found = set()
    for path in RULES_DIR.glob("*.py"):
        if path.name in NOT_ENGINE:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and CODE_RE.fullmatch(node.value)
                and node.value not in DETERMINATIONS
            ):
                found.add(node.value)
    return found


def test_every_code_the_engine_can_emit_has_an_explanation_and_basis() -> None:
    literals = _code_literals()

    assert literals, "the scan found the engine's codes"
    assert literals - set(REASONS) == set()


def test_the_engine_emits_only_known_codes_on_the_example_lists() -> None:
    emitted: set[str] = set()
    for name, as_of in CSV_EXAMPLES:
        for result in evaluate(load_records(EXAMPLES / f"{name}.csv"), Policy(), as_of):
            emitted |= result.reasons

    assert emitted <= set(REASONS)


def test_every_code_of_section_10_can_be_emitted() -> None:
    assert {code for code, _, _ in SECTION_10} <= _code_literals()


def test_the_reasons_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(TypeError):
        REASONS["NEW"] = REASONS["MIXED_CASE"]  # type: ignore[index]
