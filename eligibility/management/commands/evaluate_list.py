"""``python manage.py evaluate_list PATH``: evaluate one ISP list without storing anything.

A dry run of the import: the file is read as an upload would be (``eligibility.listfiles``) and
evaluated by the pure engine; nothing touches the database. The determination of every non-blank
row goes to ``--out`` or stdout as ``row,determination,reasons`` (the format of the example
``*.expected.csv`` files); counts go to stderr. A refused file exits with status 2.
"""

from __future__ import annotations

import csv
from argparse import ArgumentParser, ArgumentTypeError
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from eligibility.counties import SHIPPED, office_county
from eligibility.listfiles import (
    DEFAULT_MAX_EXPANDED_BYTES,
    ListRefused,
    open_list,
    unreadable_fields,
)
from eligibility.rules import RULESET_VERSION, evaluate
from eligibility.rules.records import Policy, Record, Result

DETERMINATIONS = ("ELIGIBLE", "NEEDS_REVIEW", "NOT_ELIGIBLE")


@dataclass
class ListEvaluation:
    """The dry run of one list: every row's result, and what the summary on stderr needs."""

    kind: str
    results: list[Result] = field(default_factory=list)
    blank_rows: int = 0
    # column header as found in the file -> rows whose date in it could not be read
    unreadable: dict[str, list[int]] = field(default_factory=dict)

    def write_csv(self, out: TextIO) -> None:
        """``row,determination,reasons`` for every non-blank row (reasons sorted, ``;``)."""
        writer = csv.writer(out)
        writer.writerow(("row", "determination", "reasons"))
        for result in self.results:
            writer.writerow((result.row, result.determination, ";".join(sorted(result.reasons))))

    def determinations(self) -> Counter[str]:
        return Counter(result.determination for result in self.results)

    def reasons(self) -> Counter[str]:
        return Counter(reason for result in self.results for reason in result.reasons)


def evaluate_file(
    path: Path | str,
    *,
    policy: Policy,
    as_of: date,
    max_expanded_bytes: int | None = DEFAULT_MAX_EXPANDED_BYTES,
) -> ListEvaluation:
    """Read the list at ``path`` and evaluate it; ``ListRefused`` when the file is refused."""
    records: list[Record] = []
    with open_list(path, max_expanded_bytes=max_expanded_bytes) as listfile:
        evaluation = ListEvaluation(kind=listfile.kind)
        for row in listfile:
            records.append(row.record)
            for name in unreadable_fields(row.record):
                evaluation.unreadable.setdefault(listfile.columns[name], []).append(row.number)
        evaluation.blank_rows = listfile.blank_rows
    evaluation.results = sorted(evaluate(records, policy, as_of), key=lambda result: result.row)
    return evaluation


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


def _max_grams(text: str) -> float | None:
    if text.strip().lower() in {"none", ""}:
        return None
    try:
        grams = float(text)
    except ValueError:
        raise ArgumentTypeError(f"a number of grams or 'none', not {text!r}") from None
    if not grams > 0:
        raise ArgumentTypeError(f"must be more than 0, not {text!r}")
    return grams


class Command(BaseCommand):
    help = (
        "Evaluate an ISP list (CSV or .xlsx) without storing it: print row,determination,reasons "
        "for every non-blank row, and counts per determination and reason to stderr."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        default = Policy()
        parser.add_argument("path", type=Path, help="the ISP list, .csv or .xlsx")
        parser.add_argument(
            "--as-of", type=_as_of, default=None, help="YYYY-MM-DD (default: today, Chicago)"
        )
        parser.add_argument(
            "--county",
            default=SHIPPED[office_county()]["name"],
            help="the office's county (default: OFFICE_COUNTY's, %(default)s)",
        )
        parser.add_argument(
            "--max-grams",
            type=_max_grams,
            default=default.max_grams,
            help="the program's amount cap in grams, or 'none' (default: %(default)s)",
        )
        parser.add_argument(
            "--section5-misdemeanor",
            choices=("review", "eligible", "not_eligible"),
            default=default.section5_misdemeanor,
        )
        parser.add_argument(
            "--violent-association",
            choices=("not_eligible", "review"),
            default=default.violent_association,
        )
        parser.add_argument(
            "--recent-sentence-days", type=int, default=default.recent_sentence_days
        )
        parser.add_argument("--out", type=Path, help="write the CSV here instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        as_of: date = options["as_of"] or timezone.localdate()
        policy = Policy(
            county=options["county"],
            max_grams=options["max_grams"],
            section5_misdemeanor=options["section5_misdemeanor"],
            violent_association=options["violent_association"],
            recent_sentence_days=options["recent_sentence_days"],
        )
        try:
            evaluation = evaluate_file(
                path,
                policy=policy,
                as_of=as_of,
                max_expanded_bytes=getattr(
                    settings, "LIST_MAX_EXPANDED_BYTES", DEFAULT_MAX_EXPANDED_BYTES
                ),
            )
        except ListRefused as refusal:
            raise CommandError(refusal.message, returncode=2) from None
        if options["out"] is None:
            evaluation.write_csv(self.stdout)
        else:
            with open(options["out"], "w", encoding="utf-8", newline="") as out:
                evaluation.write_csv(out)
        self._report(path, evaluation, policy, as_of)

    def _report(self, path: Path, summary: ListEvaluation, policy: Policy, as_of: date) -> None:
        err = self.stderr
        determinations = summary.determinations()
        reasons = summary.reasons()
        err.write(
            f"{path.name} ({summary.kind}): {len(summary.results):,} rows, "
            f"{summary.blank_rows:,} blank "
            f"rows; as of {as_of.isoformat()}, rule set {RULESET_VERSION}, policy "
            f"{policy.as_dict()}"
        )
        err.write("")
        width = max([len(name) for name in reasons] + [len("determination")])
        err.write(f"{'determination':<{width}}  {'rows':>9}")
        for name in DETERMINATIONS:
            err.write(f"{name:<{width}}  {determinations[name]:>9,}")
        err.write("")
        err.write(f"{'reason':<{width}}  {'rows':>9}")
        for name, count in sorted(reasons.items()):
            err.write(f"{name:<{width}}  {count:>9,}")
        if summary.unreadable:
            err.write("")
            err.write("unreadable dates (column: rows)")
            for column, rows in summary.unreadable.items():
                shown = ", ".join(str(number) for number in rows[:20])
                more = f", … and {len(rows) - 20:,} more" if len(rows) > 20 else ""
                err.write(f"{column}: {shown}{more}")
