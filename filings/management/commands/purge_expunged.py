"""Purge the personal data of convictions vacated and expunged more than RETENTION_DAYS ago, the
packets that named them, and uploaded list files past SOURCE_RETENTION_DAYS. Also runs daily
from Celery beat (``CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from filings.purge import purge_expunged


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(str(purge_expunged()))
