"""The project's own deployment checks (``manage.py check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def demo_mode_off(app_configs: list[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """Demo mode lets ``manage.py load_demo`` create a user of every role with a known password:
    never in production. (Only ``--deploy`` asks: ``make demo`` runs the plain checks.)"""
    if not settings.DEMO_MODE:
        return []
    return [
        Error(
            "DEMO_MODE is on: `manage.py load_demo` may create users of every role with the "
            "password 'demo', and every page shows the demo banner.",
            hint="Unset DEMO_MODE (or set it to 0) in production.",
            id="accounts.E001",
        )
    ]
