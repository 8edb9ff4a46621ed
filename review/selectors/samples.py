"""The reads of the validation sample (issue 6): the blind review's next item, the samples and
what is left of them, and the report that measures the machine against the attorneys.

How NEEDS_REVIEW is counted: the machine made no call on those rows (it sent them to a person),
so they cannot agree or disagree. They are counted apart ("sent to a person"), with the blind
outcomes they got, and left out of the agreement rate. The agreement rate is over the rows the
machine decided (ELIGIBLE or NOT_ELIGIBLE) that have a blind outcome.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from eligibility.models import Determination
from review.models import Decision, Outcome, SampleItem, ValidationSample

# The two-sided 95 % normal quantile.
Z95 = 1.959964

MACHINE = (Determination.ELIGIBLE, Determination.NEEDS_REVIEW, Determination.NOT_ELIGIBLE)
BLIND = (Outcome.ELIGIBLE, Outcome.NOT_ELIGIBLE)


# Blind review ------------------------------------------------------------------------------------


def _seen_by(reviewer: Any) -> Exists:
    """The reviewer decided the conviction in ordinary review: they saw the machine's view."""
    return Exists(Decision.objects.filter(conviction=OuterRef("conviction_id"), reviewer=reviewer))


def next_blind_item(*, sample: ValidationSample, reviewer: Any) -> SampleItem | None:
    """The first undecided item of the sample that the reviewer has not seen in ordinary review."""
    return (
        sample.items.filter(outcome="")
        .exclude(_seen_by(reviewer))
        .select_related("conviction", "conviction__isp_list")
        .order_by("position")
        .first()
    )


def sample_items(sample: ValidationSample) -> QuerySet[SampleItem]:
    """The sample's items (an item posted back by the blind page is looked up among them)."""
    return SampleItem.objects.filter(sample=sample)


def pending_count(sample: ValidationSample) -> int:
    """How many of the sample's items wait for a blind outcome."""
    return sample.items.filter(outcome="").count()


def samples() -> QuerySet[ValidationSample]:
    """Samples with their list and who drew them."""
    return ValidationSample.objects.select_related("isp_list", "drawn_by")


def samples_with_counts() -> QuerySet[ValidationSample]:
    return samples().annotate(
        drawn=Count("items"),
        pending=Count("items", filter=Q(items__outcome="")),
        reviewed=Count("items", filter=~Q(items__outcome="")),
    )


def samples_pending() -> QuerySet[ValidationSample]:
    """Samples with items still to review blind, oldest first."""
    return samples_with_counts().filter(pending__gt=0).order_by("drawn_at", "id")


# The report --------------------------------------------------------------------------------------


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (None for no observations)."""
    if n == 0:
        return None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def result_of(machine: str, blind: str) -> str:
    if not blind:
        return "pending"
    if machine == Determination.NEEDS_REVIEW:
        return "sent to a person"
    return "agree" if machine == blind else "disagree"


@dataclass
class SampleReport:
    drawn: int = 0
    decided: int = 0
    compared: int = 0  # machine ELIGIBLE or NOT_ELIGIBLE, with a blind outcome
    agreed: int = 0
    sent_to_person: int = 0  # machine NEEDS_REVIEW, with a blind outcome
    # machine determination -> blind outcome -> count (decided items only)
    matrix: dict[str, dict[str, int]] = field(
        default_factory=lambda: {m: dict.fromkeys(BLIND, 0) for m in MACHINE}
    )
    disagreements: list[SampleItem] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return self.drawn - self.decided

    @property
    def agreement(self) -> float | None:
        return self.agreed / self.compared if self.compared else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.agreed, self.compared)

    def matrix_rows(self) -> list[tuple[str, list[int], int]]:
        labels = dict(Determination.choices)
        return [
            (labels[m], [self.matrix[m][b] for b in BLIND], sum(self.matrix[m].values()))
            for m in MACHINE
        ]


def report_items(sample: ValidationSample) -> QuerySet[SampleItem]:
    return sample.items.select_related("conviction", "reviewer").order_by("position")


def sample_report(sample: ValidationSample) -> SampleReport:
    """One pass over the sample's items (at most ``MAX_SIZE``)."""
    report = SampleReport()
    for item in report_items(sample):
        report.drawn += 1
        if not item.outcome:
            continue
        report.decided += 1
        if item.machine_determination in report.matrix:
            report.matrix[item.machine_determination][item.outcome] += 1
        result = result_of(item.machine_determination, item.outcome)
        if result == "sent to a person":
            report.sent_to_person += 1
        elif result in {"agree", "disagree"}:
            report.compared += 1
            if result == "agree":
                report.agreed += 1
            else:
                report.disagreements.append(item)
    return report


EXPORT_HEADER = [
    "sample position",
    "result",
    "machine determination",
    "reason codes",
    "blind outcome",
    "blind reviewer",
    "decided at",
    "note",
    "conviction id",
    "list row",
    "court case number",
    "last name",
    "first name",
    "date of birth",
    "court location",
    "statute",
    "offense class",
    "disposition",
    "disposition date",
]


def export_rows(sample: ValidationSample) -> Iterator[list[Any]]:
    """Every item of the sample, the disagreements first."""
    items = list(report_items(sample))
    items.sort(key=lambda i: (result_of(i.machine_determination, i.outcome) != "disagree",))
    for item in items:
        c = item.conviction
        decided = (
            timezone.localtime(item.decided_at).replace(tzinfo=None) if item.decided_at else None
        )
        yield [
            item.position,
            result_of(item.machine_determination, item.outcome),
            item.machine_determination,
            ", ".join(item.machine_reasons),
            item.outcome,
            item.reviewer.get_username() if item.reviewer else "",
            decided,
            item.note,
            c.pk,
            c.row_number,
            c.court_case_number,
            c.last_name,
            c.first_name,
            c.date_of_birth,
            c.court_location,
            c.statute,
            c.offense_class,
            c.disposition,
            c.disposition_date,
        ]
