"""Load the demo: one user per role (password "demo"). Demo mode only; safe to run twice."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.roles import ADMIN, ASA, CLERK, SUPERVISOR

DEMO_PASSWORD = "demo"
DEMO_LIST_NAME = "demo-isp-list.csv"
DEMO_LIST_ROWS = 800
DEMO_SEED = 2019
DEMO_USERS = {"asa": ASA, "supervisor": SUPERVISOR, "clerk": CLERK, "admin": ADMIN}


class Command(BaseCommand):
    help = "Create the demo users (and demo data). Refuses to run outside DEMO_MODE."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("load_demo creates users with a known password: set DEMO_MODE=1.")
        User = get_user_model()
        for username, role in DEMO_USERS.items():
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(DEMO_PASSWORD)
                user.is_staff = role == ADMIN
                user.save()
            user.groups.add(Group.objects.get(name=role))
        self.stdout.write(
            "Demo users (password 'demo'): "
            + ", ".join(f"{u} ({r})" for u, r in DEMO_USERS.items())
        )
        self._demo_list(User.objects.get(username="supervisor"))

    def _demo_list(self, supervisor: Any) -> None:
        """An invented ISP list, imported and evaluated (skipped when it is already there)."""
        from eligibility import services
        from eligibility.models import IspList
        from eligibility.synthetic import write_csv

        if IspList.objects.filter(filename=DEMO_LIST_NAME).exists():
            self.stdout.write(f"Demo list {DEMO_LIST_NAME} already imported.")
            return
        with tempfile.TemporaryDirectory() as tmp:
            path = write_csv(Path(tmp) / DEMO_LIST_NAME, DEMO_LIST_ROWS, seed=DEMO_SEED)
            isp_list = services.list_store_file(
                path=path,
                filename=DEMO_LIST_NAME,
                as_of=timezone.localdate(),
                user=supervisor,
                confirm_reimport=True,
            )
        isp_list.refresh_from_db()
        self.stdout.write(
            f"Demo list {DEMO_LIST_NAME}: {isp_list.rows_total} rows, "
            f"{isp_list.get_status_display().lower()}."
        )
