"""``manage.py search_fingerprint "TEXT"``: the keyed hash the audit log keeps of a search for
TEXT (``person.search`` entries, ``query_hmac``), so that an auditor who holds a query can check
whether and when it was searched. Needs the same ``IDENTITY_KEY`` as the application."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from people.selectors import query_fingerprint


class Command(BaseCommand):
    help = "Print the keyed hash the audit log keeps of a search for TEXT."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("text")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(query_fingerprint(options["text"]))
