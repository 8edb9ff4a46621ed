from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender: AppConfig, **kwargs: Any) -> None:
    from django.contrib.auth.models import Group, Permission

    from accounts.roles import sync_roles

    sync_roles(Group, Permission)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from accounts import checks, signals  # noqa: F401 - checks register when imported

        # Also after a flush (which emits post_migrate), so the roles always match roles.py.
        post_migrate.connect(_sync_roles, sender=self)
        user_logged_in.connect(signals.on_logged_in, dispatch_uid="audit-login")
        user_logged_out.connect(signals.on_logged_out, dispatch_uid="audit-logout")
        user_login_failed.connect(signals.on_login_failed, dispatch_uid="audit-login-failed")
        user_locked_out.connect(signals.on_locked_out, dispatch_uid="audit-lockout")
