"""Writes of the accounts app."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest

from accounts.audit import audit_record
from accounts.roles import ADMIN, ROLES
from core.refusals import Refused


class AccountRefused(Refused, PermissionDenied):
    """A change to an account that the person making it may not make (a 403 if it gets that
    far: the Users admin does not offer it)."""


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


def account_roles_set(*, user: Any, roles: Iterable[str], by: Any) -> None:
    """Give ``user`` exactly ``roles`` (names of ``accounts.roles.ROLES``), as an administrator
    who manages users (not a superuser) does in the Users admin.

    Nobody changes their own roles here, nor a superuser's: that would let an administrator
    give itself the review queue or the packets. Groups that are no role (only a superuser gives
    them) are kept. Staff status (logging in to the admin site) follows the Admin role, as the
    demo users have it. The admin records the change in the audit log."""
    wanted = set(roles)
    unknown = wanted - set(ROLES)
    if unknown:
        raise AccountRefused(f"Not a role: {', '.join(sorted(unknown))}.")
    if user.pk == by.pk:
        raise AccountRefused("Another administrator changes your roles.")
    if user.is_superuser:
        raise AccountRefused("Only a superuser changes a superuser.")
    with transaction.atomic():
        kept = list(user.groups.exclude(name__in=ROLES))
        user.groups.set([*kept, *Group.objects.filter(name__in=wanted)])
        staff = ADMIN in wanted
        if user.is_staff != staff:
            user.is_staff = staff
            user.save(update_fields=["is_staff"])
