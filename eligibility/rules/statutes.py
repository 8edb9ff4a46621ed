"""The statute reader (spec section 4).

A citation is read into ``(chapter, act, section, subsection, inchoate)``. The regular
expressions are the spec's, compiled once; 4.3 (attempt, conspiracy, solicitation) is tried
first, then 4.2 (Ill. Rev. Stat.), then 4.1 (ILCS). Anything else is unrecognized (``None``):
the engine never guesses a statute (R3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

Inchoate = Literal["attempt", "conspiracy", "solicitation"]

SECTION = r"\d+(?:[A-Z](?=-))?(?:\.\d+)?(?:-\d+(?:\.\d+)?)*"
TAIL = r"[()\-/. A-Z0-9]*"

# The section is matched atomically, ``(?>...)``: TAIL accepts every character SECTION does, so
# a shorter section can never turn a failed match into a success, and the atomic group only
# spares a long unreadable string the quadratic backtracking.
_ILCS = rf"(\d{{1,3}})(?:\s*ILCS\s*|\s*-\s*|\s+)(\d+)(?:\.0)?\s*/\s*((?>{SECTION}))({TAIL})"
_REV_STAT = (
    r"(?:ILL REV STAT\s*)?(?:CH\.?\s*)?(56\.5|56 1/2|56-1/2|38|95\.5|95 1/2|95-1/2)"
    rf"\s*[-/,. ]\s*(?:PAR\.?\s*)?((?>{SECTION}))({TAIL})"
)
# 4.3: the wrapper is a citation of Criminal Code section 8-4, 8-2 or 8-1 with no tail (its
# numbers may have leading zeros: ``08-04`` is ``8-4``).
_WRAPPER_SECTION = r"(0*8-0*[124])"
_WRAPPER_ILCS = rf"(\d{{1,3}})(?:\s*ILCS\s*|\s*-\s*|\s+)(\d+)(?:\.0)?\s*/\s*{_WRAPPER_SECTION}"
_WRAPPER_REV_STAT = (
    rf"(?:ILL REV STAT\s*)?(?:CH\.?\s*)?(38)\s*[-/,. ]\s*(?:PAR\.?\s*)?{_WRAPPER_SECTION}"
)

_ILCS_RE = re.compile(_ILCS)
_REV_STAT_RE = re.compile(_REV_STAT)
_ATTEMPT_RE = re.compile(r"ATT(?:EMPT)?\s+(.+)")
# What follows the wrapper: ``(`` (the inner text runs to the ``)`` that closes it, which must
# end the statute: see ``_parenthesised``) or ``/`` and the inner text.
_WRAPPED_ILCS_RE = re.compile(rf"{_WRAPPER_ILCS}\s*(?:(\()|/)(.+)")
_WRAPPED_REV_STAT_RE = re.compile(rf"{_WRAPPER_REV_STAT}\s*(?:(\()|/)(.+)")
_TAIL_SPLIT_RE = re.compile(r"[()\-/. ]")
_WHITESPACE_RE = re.compile(r"\s+")

_INCHOATE_SECTIONS: dict[str, Inchoate] = {
    "8-4": "attempt",
    "8-2": "conspiracy",
    "8-1": "solicitation",
}

CANNABIS_CONTROL_ACT = (720, 550)
CRIMINAL_CODE = (720, 5)
CONTROLLED_SUBSTANCES_ACT = (720, 570)
VEHICLE_CODE = (625, 5)


@dataclass(frozen=True, slots=True)
class Statute:
    """A recognized citation: ILCS chapter and act, section, subsection letter, inchoate kind."""

    chapter: int
    act: int
    section: str
    subsection: str | None = None
    inchoate: Inchoate | None = None

    @property
    def is_cannabis_control_act(self) -> bool:
        return (self.chapter, self.act) == CANNABIS_CONTROL_ACT

    @property
    def is_cca_4_or_5(self) -> bool:
        """'CCA 4/5' of spec section 6: chapter 720, act 550, section 4 or 5."""
        return self.is_cannabis_control_act and self.section in ("4", "5")

    def as_dict(self) -> dict[str, Any]:
        return {
            "chapter": self.chapter,
            "act": self.act,
            "section": self.section,
            "subsection": self.subsection,
            "inchoate": self.inchoate,
        }

    def __str__(self) -> str:
        text = f"{self.chapter} ILCS {self.act}/{self.section}"
        if self.subsection:
            text += f"({self.subsection})"
        if self.inchoate:
            text = f"{self.inchoate} of {text}"
        return text


def normalise_statute(text: str) -> str:
    """Section 4's normalisation: upper-case, ``\\`` to ``/``, ``½`` to `` 1/2``, spaces."""
    text = text.upper().replace("\\", "/").replace("½", " 1/2")
    return _WHITESPACE_RE.sub(" ", text).strip()


def section_number(section: str) -> str:
    """A section or paragraph as compared (4): each whole-number part without its leading zeros
    (``012-3.2`` is ``12-3.2``, ``0704`` is ``704``); digits after a decimal point are kept as
    written (``11-1.20`` is not ``11-1.2``)."""
    if not section.startswith("0") and "-0" not in section:
        return section
    parts = []
    for part in section.split("-"):
        number = part.lstrip("0")
        # All zeros, or zeros before a decimal point or a letter: one zero stays.
        parts.append(number if number[:1].isdigit() else "0" + number)
    return "-".join(parts)


def _subsection(tail: str) -> str | None:
    for token in _TAIL_SPLIT_RE.split(tail):
        if len(token) == 1 and "A" <= token <= "Z":
            return token.lower()
    return None


def _rev_stat_act(chapter: str, paragraph: str) -> tuple[int, int, str] | None:
    """Map an Ill. Rev. Stat. chapter and paragraph to (chapter, act, section) of the ILCS."""
    if chapter == "38":
        return (*CRIMINAL_CODE, paragraph)
    if chapter.startswith("95"):
        return (*VEHICLE_CODE, paragraph)
    # Chapter 56 1/2: the Cannabis Control Act (par. 701-710) or Controlled Substances Act.
    if paragraph in ("705.1", "705.2"):
        return (*CANNABIS_CONTROL_ACT, paragraph[2:])
    if not paragraph.isdigit():
        return None
    number = int(paragraph)
    if 701 <= number <= 710:
        return (*CANNABIS_CONTROL_ACT, str(number - 700))
    if 1100 <= number <= 1699:
        return (*CONTROLLED_SUBSTANCES_ACT, str(number - 1000))
    return None


def _plain_citation(text: str) -> Statute | None:
    """A 4.2 or 4.1 citation (no wrapper) of already-normalised text."""
    if match := _REV_STAT_RE.fullmatch(text):
        mapped = _rev_stat_act(match[1], section_number(match[2]))
        if mapped is None:
            return None
        chapter, act, section = mapped
        tail = match[3]
    elif match := _ILCS_RE.fullmatch(text):
        chapter, act = int(match[1]), int(match[2])
        section, tail = section_number(match[3]), match[4]
    else:
        return None
    if (chapter, act) == CRIMINAL_CODE and section in _INCHOATE_SECTIONS:
        # An attempt/conspiracy/solicitation wrapper with no citation inside it (4.4).
        return None
    return Statute(chapter, act, section, _subsection(tail))


def _inchoate_form(text: str) -> tuple[str, Inchoate] | None:
    """4.3: the inner citation's text and the kind, when the text is an inchoate form.

    An inner text that is not a citation is found to be so by the caller (4.4); a wrapper whose
    parentheses do not balance, or with text after its closing parenthesis, gives ``("", kind)``.
    """
    if match := _ATTEMPT_RE.fullmatch(text):
        return match[1], "attempt"
    match = _WRAPPED_ILCS_RE.fullmatch(text)
    if match and (int(match[1]), int(match[2])) == CRIMINAL_CODE:
        kind, opened, rest = _INCHOATE_SECTIONS[section_number(match[3])], match[4], match[5]
    elif match := _WRAPPED_REV_STAT_RE.fullmatch(text):
        kind, opened, rest = _INCHOATE_SECTIONS[section_number(match[2])], match[3], match[4]
    else:
        return None
    return (_parenthesised(rest) if opened else rest), kind


def _parenthesised(rest: str) -> str:
    """The text inside a wrapper's parentheses: ``rest`` follows the opening ``(``, and the
    ``)`` that closes it must be its last character (4.3); ``""`` (no citation) otherwise."""
    depth = 1
    for position, char in enumerate(rest):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return rest[:position] if position == len(rest) - 1 else ""
    return ""


@lru_cache(maxsize=65536)
def parse_statute(text: str) -> Statute | None:
    """Read a statute citation (spec section 4); ``None`` when unrecognized (R3). Never raises."""
    normalised = normalise_statute(text)
    inchoate = _inchoate_form(normalised)
    if inchoate is None:
        return _plain_citation(normalised)
    inner_text, kind = inchoate
    # A wrapper inside a wrapper, or nothing citable inside, is unrecognized (4.4).
    inner = _plain_citation(inner_text.strip())
    if inner is None:
        return None
    return Statute(inner.chapter, inner.act, inner.section, inner.subsection, kind)
