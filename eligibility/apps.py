from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_policy(sender: AppConfig, **kwargs: Any) -> None:
    # Also after a flush (which emits post_migrate): there is always a policy in force.
    from eligibility.models import OfficePolicy

    if not OfficePolicy.objects.exists():
        OfficePolicy.objects.create(version=1, note="The defaults of the eligibility rules.")


def _ensure_profiles(sender: AppConfig, **kwargs: Any) -> None:
    # The shipped county profiles, after a flush too (migrate loads them first: 0011).
    from eligibility.counties import profiles_load
    from eligibility.models import CountyProfile

    profiles_load(CountyProfile)


class EligibilityConfig(AppConfig):
    name = "eligibility"
    verbose_name = "ISP lists and eligibility"

    def ready(self) -> None:
        post_migrate.connect(_ensure_policy, sender=self)
        post_migrate.connect(_ensure_profiles, sender=self)
        from eligibility import checks  # noqa: F401  (registers the checks)
