"""``manage.py export_findings --from DATE --to DATE OUT.xlsx``: the public-ready findings.

Aggregates only (the tables of /reports/ for the lists uploaded in the range, equity cells
suppressed), with the definitions and the policy and rules versions used, to share with the
state and other counties. The referral list (personal data) is not part of it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from eligibility.selectors import profile_current
from reports import selectors


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD)") from error


class Command(BaseCommand):
    help = "Write the findings (aggregates only) for lists uploaded in a date range to an .xlsx."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD")
        parser.add_argument("out", help="the .xlsx file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        date_from, date_to = iso_date(options["date_from"]), iso_date(options["date_to"])
        if date_to < date_from:
            raise CommandError("--to is before --from")
        out = Path(options["out"])
        if out.suffix.lower() != ".xlsx":
            raise CommandError("the output file must end in .xlsx")
        scope = selectors.Scope(date_from=date_from, date_to=date_to)
        tables = [
            selectors.Table(
                key="about",
                title="About",
                header=["Item", "Value"],
                rows=[
                    ["Findings of", f"{profile_current().office_name}: cannabis relief"],
                    ["Scope", scope.describe()],
                    ["Generated", timezone.localtime().strftime("%Y-%m-%d %H:%M")],
                    ["Lists", scope.lists().count()],
                ],
            ),
            *[t for t in selectors.report_tables(scope) if t.key != "referrals"],
            selectors.policy_versions(scope),
            selectors.definitions_table(),
        ]
        with out.open("wb") as handle:
            selectors.report_workbook(tables, heading=f"Scope: {scope.describe()}").save(handle)
        self.stdout.write(f"Wrote {len(tables)} tables for {scope.describe()} to {out}")
