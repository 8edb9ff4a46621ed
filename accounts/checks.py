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


@register(Tags.security, deploy=True)
def identity_key_set(app_configs: list[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """The identity's key must be the office's own: derived from SECRET_KEY, a rotation of that
    key would make every conviction granted and purged before a stranger to the next list."""
    if settings.IDENTITY_KEY_SET:
        return []
    return [
        Error(
            "IDENTITY_KEY is not set: the keyed hash that recognises a conviction across lists "
            "(and after its purge) is derived from SECRET_KEY.",
            hint="Set IDENTITY_KEY to a long random value of its own, and never change it.",
            id="accounts.E002",
        )
    ]
