"""Import an ISP list from the shell through the same pipeline as the upload page."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from eligibility import selectors, services
from eligibility.listfiles import ListRefused
from eligibility.models import IspList

# How often ``--wait`` reads the list's row (one row by its key): a list takes seconds to minutes.
WAIT_SECONDS = 0.1


class Command(BaseCommand):
    help = (
        "Import and evaluate an ISP list (.xlsx or .csv): through the Celery worker when a broker "
        "is configured, in this process otherwise."
    )
    # No system check: they load every view (PDF rendering included), a second before the
    # list is even read, and nothing they check is used here (``manage.py check`` runs them).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--as-of", type=date.fromisoformat, default=None)
        parser.add_argument("--user", default=None, help="the username recorded as the uploader")
        parser.add_argument("--wait", action="store_true", help="return when the list is ready")
        parser.add_argument(
            "--reimport", action="store_true", help="import a file identical to an earlier one"
        )
        parser.add_argument("--timeout", type=float, default=3600.0)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}", returncode=2)
        user = None
        if options["user"]:
            try:
                user = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist as missing:
                raise CommandError(f"No user named {options['user']!r}") from missing
        try:
            isp_list = services.list_store_file(
                path=path,
                filename=path.name,
                as_of=options["as_of"] or timezone.localdate(),
                user=user,
                confirm_reimport=options["reimport"],
            )
        except ListRefused as refused:
            raise CommandError(refused.message, returncode=2) from refused
        self.stderr.write(f"list #{isp_list.pk}: {isp_list.filename} received")
        if options["wait"]:
            isp_list = self._wait(isp_list.pk, options["timeout"])
        else:
            isp_list.refresh_from_db()
        if isp_list.status == IspList.Status.FAILED:
            raise CommandError(f"list #{isp_list.pk} failed: {isp_list.message}", returncode=2)
        if isp_list.status != IspList.Status.READY:
            self.stdout.write(f"list #{isp_list.pk} is {isp_list.get_status_display().lower()}")
            return
        counts = selectors.list_determination_counts(isp_list=isp_list)
        self.stdout.write(
            f"{isp_list.rows_total} rows: {counts.get('ELIGIBLE', 0)} eligible, "
            f"{counts.get('NEEDS_REVIEW', 0)} needs review, "
            f"{counts.get('NOT_ELIGIBLE', 0)} not eligible"
        )
        # What the list brought, against the lists before it (issue 18); the corrected are
        # among the rows already on earlier lists.
        history = {"known": 0, "decided": 0, "filed": 0, "granted": 0, "corrected": 0}
        history.update(isp_list.history)
        self.stdout.write(
            f"{history['known']} already on earlier lists ({history['decided']} decided, "
            f"{history['filed']} filed, {history['granted']} granted), "
            f"{history['corrected']} corrected, {history.get('new', isp_list.rows_total)} new"
        )

    def _wait(self, list_id: int, timeout: float) -> IspList:
        deadline = time.monotonic() + timeout
        while True:
            isp_list = IspList.objects.get(pk=list_id)
            if not isp_list.is_working:
                return isp_list
            if time.monotonic() > deadline:
                raise CommandError(f"list #{list_id} not ready after {timeout:.0f} s")
            time.sleep(WAIT_SECONDS)
