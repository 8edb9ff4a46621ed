from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_policy(sender: AppConfig, **kwargs: Any) -> None:
    # Also after a flush (which emits post_migrate): there is always a policy in force.
    from eligibility.models import OfficePolicy

    if not OfficePolicy.objects.exists():
        OfficePolicy.objects.create(version=1, note="The defaults of the eligibility rules.")


class EligibilityConfig(AppConfig):
    name = "eligibility"
    verbose_name = "ISP lists and eligibility"

    def ready(self) -> None:
        post_migrate.connect(_ensure_policy, sender=self)
