"""The violent and conditional offenses of R15 and R16 (``spec/violent-offenses.csv``).

Transcribed from the spec's CSV so that the engine reads no file at run time. Matching compares
chapter, act and section exactly; subsections are ignored.
"""

from __future__ import annotations

from typing import Final, Literal

from eligibility.rules.statutes import Statute

ViolenceKind = Literal["violent", "conditional"]

# (chapter, act, section): (kind, title)
VIOLENT_OFFENSES: Final[dict[tuple[int, int, str], tuple[ViolenceKind, str]]] = {
    (720, 5, "9-1"): ("violent", "First degree murder"),
    (720, 5, "9-2"): ("violent", "Second degree murder"),
    (720, 5, "9-3"): ("violent", "Involuntary manslaughter and reckless homicide"),
    (720, 5, "9-3.3"): ("conditional", "Drug-induced homicide"),
    (720, 5, "10-1"): ("violent", "Kidnapping"),
    (720, 5, "10-2"): ("violent", "Aggravated kidnapping"),
    (720, 5, "10-3"): ("conditional", "Unlawful restraint"),
    (720, 5, "10-3.1"): ("violent", "Aggravated unlawful restraint"),
    (720, 5, "10-5"): ("conditional", "Child abduction"),
    (720, 5, "10-9"): ("violent", "Trafficking in persons / involuntary servitude"),
    (720, 5, "11-1.20"): ("violent", "Criminal sexual assault"),
    (720, 5, "11-1.30"): ("violent", "Aggravated criminal sexual assault"),
    (720, 5, "11-1.40"): ("violent", "Predatory criminal sexual assault of a child"),
    (720, 5, "11-1.50"): ("violent", "Criminal sexual abuse"),
    (720, 5, "11-1.60"): ("violent", "Aggravated criminal sexual abuse"),
    (720, 5, "12-13"): ("violent", "Criminal sexual assault (before 2011)"),
    (720, 5, "12-14"): ("violent", "Aggravated criminal sexual assault (before 2011)"),
    (720, 5, "12-14.1"): ("violent", "Predatory criminal sexual assault of a child (before 2011)"),
    (720, 5, "12-15"): ("violent", "Criminal sexual abuse (before 2011)"),
    (720, 5, "12-16"): ("violent", "Aggravated criminal sexual abuse (before 2011)"),
    (720, 5, "11-9.1"): ("violent", "Sexual exploitation of a child"),
    (720, 5, "11-20.1"): ("violent", "Child pornography"),
    (720, 5, "11-20.3"): ("violent", "Aggravated child pornography (1961 Code)"),
    (720, 5, "11-23.5"): ("violent", "Non-consensual dissemination of private sexual images"),
    (720, 5, "11-30"): ("conditional", "Public indecency"),
    (720, 5, "12-1"): ("conditional", "Assault"),
    (720, 5, "12-2"): ("conditional", "Aggravated assault"),
    (720, 5, "12-3"): ("conditional", "Battery"),
    (720, 5, "12-3.05"): ("violent", "Aggravated battery"),
    (720, 5, "12-4"): ("violent", "Aggravated battery (before 2011)"),
    (720, 5, "12-4.1"): ("violent", "Heinous battery (before 2011)"),
    (720, 5, "12-4.2"): ("violent", "Aggravated battery with a firearm (before 2011)"),
    (720, 5, "12-4.3"): ("violent", "Aggravated battery of a child (before 2011)"),
    (720, 5, "12-3.2"): ("violent", "Domestic battery"),
    (720, 5, "12-3.3"): ("violent", "Aggravated domestic battery"),
    (720, 5, "12-3.4"): ("violent", "Violation of an order of protection"),
    (720, 5, "12-30"): ("violent", "Violation of an order of protection (before 2011)"),
    (720, 5, "12-5"): ("conditional", "Reckless conduct"),
    (720, 5, "12-6"): ("violent", "Intimidation"),
    (720, 5, "12-7.3"): ("violent", "Stalking"),
    (720, 5, "12-7.4"): ("violent", "Aggravated stalking"),
    (720, 5, "12-7.5"): ("conditional", "Cyberstalking"),
    (720, 5, "12-11"): ("violent", "Home invasion (before 2013)"),
    (720, 5, "19-6"): ("violent", "Home invasion"),
    (720, 5, "12-11.1"): ("violent", "Vehicular invasion"),
    (720, 5, "18-1"): ("violent", "Robbery"),
    (720, 5, "18-2"): ("violent", "Armed robbery"),
    (720, 5, "18-3"): ("violent", "Vehicular hijacking"),
    (720, 5, "18-4"): ("violent", "Aggravated vehicular hijacking"),
    (720, 5, "18-5"): ("violent", "Aggravated robbery"),
    (720, 5, "19-3"): ("conditional", "Residential burglary"),
    (720, 5, "20-1"): ("conditional", "Arson"),
    (720, 5, "20-1.1"): ("conditional", "Aggravated arson"),
    (720, 5, "24-1.2"): ("violent", "Aggravated discharge of a firearm"),
    (720, 5, "24-1.5"): ("conditional", "Reckless discharge of a firearm"),
    (720, 5, "33A-2"): ("violent", "Armed violence"),
    (625, 5, "11-501"): (
        "conditional",
        "Driving under the influence (violent when it caused injury or death)",
    ),
}


def violence_kind(statute: Statute) -> ViolenceKind | None:
    """Whether a citation is on the violent or the conditional list (R15, R16), else ``None``."""
    entry = VIOLENT_OFFENSES.get((statute.chapter, statute.act, statute.section))
    return entry[0] if entry else None
