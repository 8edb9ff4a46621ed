"""``manage.py load_demo``: the demo's users, list and work (demo/services.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from demo.services import DemoRefused, demo_load


class Command(BaseCommand):
    help = "Create the demo users (and demo data). Refuses to run outside DEMO_MODE."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            demo_load(say=self.stdout.write)
        except DemoRefused as refused:
            raise CommandError(refused.message) from refused
