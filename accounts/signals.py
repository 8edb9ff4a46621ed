"""Logins, logouts, failed logins and lockouts go to the audit log (connected in apps.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.audit import audit_record

USERNAME_MAX = 150  # AuditEvent.username


def typed_username(text: object) -> str:
    """A username as typed at the login form, fit to be stored (NUL is refused by PostgreSQL)."""
    return str(text or "").replace("\x00", "\ufffd")[:USERNAME_MAX]


def on_logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    audit_record(action="user.login", actor=user, obj=user, request=request)


def on_logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:  # None: logging out without a session
        audit_record(action="user.logout", actor=user, obj=user, request=request)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # django-axes marks a try at a locked account before the signal (it refuses it unread);
    # the failure that sets the lock has counted failures instead.
    locked = getattr(request, "axes_locked_out", False) and (
        getattr(request, "axes_failures_since_start", None) is None
    )
    audit_record(
        action="user.login_failed",
        username=typed_username(credentials.get("username")),
        detail={"reason": "account locked" if locked else "wrong username or password"},
        request=request,
    )


def on_locked_out(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        return  # a try while locked: recorded as a failed login above, not as a new lockout
    audit_record(
        action="user.lockout",
        username=typed_username(username),
        detail={"failures": failures},
        request=request,
    )
