"""Writes of the accounts app."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest

from accounts.audit import audit_record


def account_unlock(*, user: Any, by: Any, request: HttpRequest | None = None) -> int:
    """Release a lockout (django-axes): forget the account's failed logins. Returns how many
    failures were forgotten; the unlock is recorded in the audit log either way."""
    from axes.models import AccessAttempt
    from axes.utils import reset

    username = user.get_username()
    with transaction.atomic():
        attempts = AccessAttempt.objects.filter(username=username)
        failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
        reset(username=username)
        audit_record(
            action="user.unlock",
            actor=by,
            obj=user,
            detail={"failures_cleared": failures},
            request=request,
        )
    return failures
