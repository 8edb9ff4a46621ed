from __future__ import annotations

from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "eligibility"
