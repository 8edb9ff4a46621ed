"""The eligibility app's checks (``manage.py check``)."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, register

from eligibility.counties import SHIPPED, office_county


@register()
def office_county_known(app_configs: list[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """``OFFICE_COUNTY`` must name a county whose profile ships with the application: the court
    papers and the rules' county come from it."""
    if office_county() in SHIPPED:
        return []
    return [
        Error(
            f"OFFICE_COUNTY={office_county()!r} has no county profile.",
            hint=f"Set OFFICE_COUNTY to one of: {', '.join(SHIPPED)}.",
            id="eligibility.E001",
        )
    ]
