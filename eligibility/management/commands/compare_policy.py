"""Compare a list's determinations under the policy in force and a proposed one (stores nothing)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eligibility import selectors
from eligibility.models import IspList
from eligibility.policy import DETERMINATIONS, SWITCHES, policy_from_values, policy_impact


class Command(BaseCommand):
    help = "Show how determinations of a list move under a proposed policy. Stores nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("list_id", type=int)
        parser.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="SWITCH=VALUE",
            help=f"a switch of the proposed policy: {', '.join(SWITCHES)} (max_grams=none: no cap)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            isp_list = IspList.objects.get(pk=options["list_id"], status=IspList.Status.READY)
        except IspList.DoesNotExist as missing:
            raise CommandError(f"No ready list #{options['list_id']}") from missing
        current = selectors.policy_current()
        in_force = selectors.rules_policy(current)
        values: dict[str, Any] = in_force.as_dict()
        for item in options["set"]:
            name, sep, value = item.partition("=")
            if not sep or name not in SWITCHES:
                raise CommandError(f"--set {item!r}: use SWITCH=VALUE with one of {list(SWITCHES)}")
            values[name] = value
        try:
            proposed = policy_from_values(values)
        except ValueError as bad:
            raise CommandError(f"Invalid value: {bad}") from bad
        impact = policy_impact(lists=[isp_list], current=in_force, proposed=proposed)
        self.stdout.write(
            f"list #{isp_list.pk}: {impact.rows} rows, {impact.moved} change determination "
            f"(policy v{current.version} -> proposed)"
        )
        width = max(len(d) for d in DETERMINATIONS)
        self.stdout.write(
            f"{'now / proposed':<{width}}  " + "  ".join(f"{d:>{width}}" for d in DETERMINATIONS)
        )
        for row in impact.table():
            self.stdout.write(
                f"{row['before']:<{width}}  " + "  ".join(f"{n:>{width}}" for n in row["cells"])
            )
        for label, counter in (("gained", impact.gained), ("lost", impact.lost)):
            for code, n in counter.most_common():
                self.stdout.write(f"{label} {code}: {n}")
