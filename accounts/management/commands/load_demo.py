"""Load the demo: one user per role (password "demo"). Demo mode only; safe to run twice."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import ADMIN, ASA, CLERK, SUPERVISOR

DEMO_PASSWORD = "demo"
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
