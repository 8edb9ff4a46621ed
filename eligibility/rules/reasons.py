"""Every reason code of spec section 10, with what an attorney is shown beside the row (section 8).

``outcome`` is the outcome under the default policy; two codes follow a policy switch
(section 9): ``SECTION_5_MISDEMEANOR`` (``section5_misdemeanor``) and
``VIOLENT_OFFENSE_ASSOCIATED`` (``violent_association``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from eligibility.rules.records import NEEDS_REVIEW, NOT_ELIGIBLE, Determination


@dataclass(frozen=True, slots=True)
class Reason:
    """A reason code: its default outcome, its rule, a plain-English sentence, its basis."""

    code: str
    outcome: Determination
    rule: str
    explanation: str
    basis: str


_ALL: Final = (
    Reason(
        "INSUFFICIENT_DATA",
        NEEDS_REVIEW,
        "R1",
        "The row lacks a court case number, a readable date of birth or disposition date, or "
        "any readable offense or arrest date: find the missing facts in the court file.",
        "The record cannot be matched or dated.",
    ),
    Reason(
        "OUT_OF_COUNTY",
        NOT_ELIGIBLE,
        "R2",
        "The case was heard in another county, so this office cannot move to vacate it; "
        "refer it to that county's State's Attorney.",
        "Standing of the State's Attorney of a county; 20 ILCS 2630/5.2(i).",
    ),
    Reason(
        "STATUTE_UNRECOGNIZED",
        NEEDS_REVIEW,
        "R3",
        "The statute cited could not be read as a citation; look up the charge in the court "
        "file and decide whether it is a Cannabis Control Act Section 4 or 5 offense.",
        "20 ILCS 2630/5.2(i) reaches only Cannabis Control Act offenses: the charge must be "
        "identified before relief is sought.",
    ),
    Reason(
        "NOT_CANNABIS_CONTROL_ACT",
        NOT_ELIGIBLE,
        "R4",
        "The statute is not in the Cannabis Control Act (720 ILCS 550), so this program "
        "cannot vacate it.",
        "20 ILCS 2630/5.2(i) covers Cannabis Control Act convictions only.",
    ),
    Reason(
        "SECTION_NOT_ELIGIBLE",
        NOT_ELIGIBLE,
        "R5",
        "The Cannabis Control Act section is not Section 4 (possession) or Section 5 "
        "(manufacture/delivery), the only sections the Act lets this program vacate.",
        "20 ILCS 2630/5.2(i): Sections 4 and 5 of the Cannabis Control Act only.",
    ),
    Reason(
        "INCHOATE_OFFENSE",
        NEEDS_REVIEW,
        "R6",
        "The conviction is an attempt, conspiracy or solicitation to commit a Section 4 or 5 "
        "offense; counsel must decide whether it counts as a violation of that section.",
        'Whether an attempt is a "violation of Section 4 or 5" (720 ILCS 5/8-4, 8-2, 8-1; '
        "20 ILCS 2630/5.2(i)) is for counsel.",
    ),
    Reason(
        "NOT_A_CONVICTION",
        NOT_ELIGIBLE,
        "R7",
        "The charge ended without a conviction (dismissal, acquittal, supervision or qualified "
        "probation), so there is no conviction to vacate; ISP expunges the arrest record itself.",
        "Not a conviction: arrest records are expunged by ISP under 20 ILCS 2630/5.2(i)(1).",
    ),
    Reason(
        "ALREADY_RELIEVED",
        NOT_ELIGIBLE,
        "R8",
        "The conviction has already been vacated, pardoned or expunged; no motion is needed.",
        "Relief already granted: nothing remains to vacate under 20 ILCS 2630/5.2(i).",
    ),
    Reason(
        "DISPOSITION_UNKNOWN",
        NEEDS_REVIEW,
        "R9",
        "The disposition is missing or not one the engine knows; check in the court file "
        "whether the charge ended in a conviction.",
        "20 ILCS 2630/5.2(i) vacates convictions: the disposition must be known.",
    ),
    Reason(
        "CONVICTED_AFTER_CRTA",
        NOT_ELIGIBLE,
        "R10",
        "The conviction was entered on or after June 25, 2019, after the Cannabis Regulation "
        "and Tax Act took effect, so this relief does not reach it.",
        "The Act reaches convictions entered before June 25, 2019 (P.A. 101-27).",
    ),
    Reason(
        "CLASS_CONFLICT",
        NEEDS_REVIEW,
        "R11",
        "The recorded offense class does not match the class the statute's subsection sets; "
        "check the charging document for the true class and amount.",
        "20 ILCS 2630/5.2(i): misdemeanor or Class 4 felony of Section 4, Class 4 felony of "
        "Section 5; 720 ILCS 550/4, 550/5.",
    ),
    Reason(
        "CLASS_UNKNOWN",
        NEEDS_REVIEW,
        "R11",
        "Neither the recorded class nor the subsection tells the offense class; find the class "
        "in the court file.",
        "20 ILCS 2630/5.2(i): misdemeanor or Class 4 felony of Section 4, Class 4 felony of "
        "Section 5.",
    ),
    Reason(
        "SUBSEQUENT_OFFENSE_UNKNOWN",
        NEEDS_REVIEW,
        "R11",
        "The subsection is an eligible class for a first offense but not for a subsequent one; "
        "check whether the person had an earlier cannabis conviction.",
        "720 ILCS 550/4: a subsequent offense is a higher class; 20 ILCS 2630/5.2(i) reaches "
        "misdemeanors and Class 4 felonies only.",
    ),
    Reason(
        "CIVIL_LAW_VIOLATION",
        NOT_ELIGIBLE,
        "R11",
        "The offense is a civil law violation or petty offense, not a criminal conviction this "
        "program vacates.",
        "720 ILCS 550/4(a) (from P.A. 99-697): a civil law violation is not a conviction under "
        "20 ILCS 2630/5.2(i).",
    ),
    Reason(
        "CLASS_NOT_ELIGIBLE",
        NOT_ELIGIBLE,
        "R11",
        "The offense is a Class 3, 2, 1 or X felony (or murder class), above the Class 4 "
        "felony limit of the Act.",
        "20 ILCS 2630/5.2(i): misdemeanor or Class 4 felony of Section 4; Class 4 felony of "
        "Section 5.",
    ),
    Reason(
        "SECTION_5_MISDEMEANOR",
        NEEDS_REVIEW,
        "R11",
        "The conviction is a misdemeanor under Section 5; the office's policy decides whether "
        "such a conviction is moved on.",
        "20 ILCS 2630/5.2(i) names the Class 4 felony of Section 5; the office's policy "
        "(section5_misdemeanor) decides misdemeanors of Section 5.",
    ),
    Reason(
        "OVER_PROGRAM_AMOUNT",
        NOT_ELIGIBLE,
        "R12",
        "The amount of cannabis was more than the program's limit (30 grams by default); the "
        "person may still petition the court directly.",
        'The office\'s program: not more than 30 grams ("Minor Cannabis Offense").',
    ),
    Reason(
        "AMOUNT_UNKNOWN",
        NEEDS_REVIEW,
        "R13",
        "Neither the subsection nor the offense description shows that the amount of cannabis "
        "was within the program's limit (none is written, or the range written, such as more "
        "than 10 grams, reaches past the limit); find the weight in the court file or lab "
        "report.",
        'The office\'s program: not more than 30 grams ("Minor Cannabis Offense"); the amount '
        "must be known.",
    ),
    Reason(
        "SECTION_7_ENHANCEMENT",
        NOT_ELIGIBLE,
        "R14",
        "The same case carries a Section 7 enhancement (delivery to a minor or near a school), "
        "which takes the conviction out of the program.",
        "Minor Cannabis Offense excludes a Section 7 enhancement (720 ILCS 550/7).",
    ),
    Reason(
        "VIOLENT_OFFENSE_ASSOCIATED",
        NOT_ELIGIBLE,
        "R15",
        "The same case includes a charge on the violent offense list, so the conviction is "
        "associated with a violent crime and falls outside the program.",
        "Minor Cannabis Offense: not associated with a violent crime, 725 ILCS 120/3(c).",
    ),
    Reason(
        "POSSIBLE_VIOLENT_ASSOCIATION",
        NEEDS_REVIEW,
        "R16",
        "The same case includes a charge that is violent only on some facts (injury, force); "
        "read the case to decide whether it was.",
        "Depends on the facts (injury, force): for a person; 725 ILCS 120/3(c).",
    ),
    Reason(
        "SENTENCE_NOT_COMPLETE",
        NOT_ELIGIBLE,
        "R17",
        "The non-financial part of the sentence (probation, supervision, jail) had not ended "
        "on the as-of date; the row can be reconsidered once it ends.",
        "A motion may follow completion of any non-financial sentence (20 ILCS 2630/5.2(i)).",
    ),
    Reason(
        "SENTENCE_STATUS_UNKNOWN",
        NEEDS_REVIEW,
        "R18",
        "The sentence could not be read and the conviction is recent; check in the court file "
        "that the non-financial sentence is complete.",
        "A motion may follow completion of any non-financial sentence (20 ILCS 2630/5.2(i)); "
        "completion must be confirmed.",
    ),
    Reason(
        "JUVENILE_AT_OFFENSE",
        NEEDS_REVIEW,
        "R19",
        "The person was under 18 on the offense date; decide whether juvenile expungement "
        "applies instead.",
        "Juvenile records follow 705 ILCS 405/5-915.",
    ),
    Reason(
        "DUPLICATE_ROW",
        NOT_ELIGIBLE,
        "R20",
        "An earlier row of the list records the same charge of the same person; the earlier "
        "row carries the determination.",
        "The first copy carries the determination.",
    ),
    Reason(
        "MIXED_CASE",
        NEEDS_REVIEW,
        "R21",
        "The same case has other convictions, not for cannabis or for a statute that could not "
        "be read; decide whether to vacate this count alone.",
        "Vacating one count of a case with other convictions is for a person.",
    ),
)

REASONS: Final[Mapping[str, Reason]] = MappingProxyType({reason.code: reason for reason in _ALL})
