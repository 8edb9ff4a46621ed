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


def _refuse_unless_manageable(*, user: Any, by: Any) -> None:
    if user.is_superuser and not by.is_superuser:
        raise AccountRefused("Only a superuser changes a superuser.")


def account_create(
    *,
    username: str,
    password: str,
    roles: Iterable[str],
    by: Any,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    request: HttpRequest | None = None,
) -> Any:
    """A new account with ``roles`` (by name) and a first password (checked by the form against
    Django's validators): never superuser, never raw permissions; staff status follows the Admin
    role. Audited as ``user.add``."""
    from django.contrib.auth import get_user_model

    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=username,
            password=password,
            first_name=first_name,
            last_name=last_name,
            email=email,
        )
        account_roles_set(user=user, roles=roles, by=by)
        audit_record(
            action="user.add", actor=by, obj=user, request=request, detail=_account_state(user)
        )
    return user


def account_update(
    *,
    user: Any,
    by: Any,
    first_name: str,
    last_name: str,
    email: str,
    roles: Iterable[str] | None = None,
    is_active: bool | None = None,
    request: HttpRequest | None = None,
) -> list[str]:
    """Change an account's names, e-mail, roles (by name) and whether it may log in, as an
    administrator does on the Users page. ``None`` leaves roles or activity as they are. Nobody
    changes their own roles or deactivates themselves, and nobody but a superuser changes a
    superuser. Returns what changed; audited as ``user.change``."""
    _refuse_unless_manageable(user=user, by=by)
    own = user.pk == by.pk
    before = _account_state(user)
    changed = []
    with transaction.atomic():
        names = {"first_name": first_name, "last_name": last_name, "email": email}
        for field, value in names.items():
            if getattr(user, field) != value:
                setattr(user, field, value)
                changed.append(field)
        if is_active is not None and is_active != user.is_active:
            if own:
                raise AccountRefused("Another administrator deactivates your account.")
            user.is_active = is_active
            changed.append("active")
        if changed:
            user.save(update_fields=[{"active": "is_active"}.get(f, f) for f in changed])
        if roles is not None and set(roles) != set(before["roles"]):
            account_roles_set(user=user, roles=roles, by=by)  # refuses one's own roles
            changed.append("roles")
        if changed:
            after = _account_state(user)
            audit_record(
                action="user.change",
                actor=by,
                obj=user,
                request=request,
                detail={"changed": changed, **after, "roles_before": before["roles"]},
            )
    return changed


def account_password_set(
    *, user: Any, password: str, by: Any, request: HttpRequest | None = None
) -> None:
    """Reset an account's password (checked by the form against Django's validators). Audited as
    ``user.password_reset``, without the password."""
    _refuse_unless_manageable(user=user, by=by)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(action="user.password_reset", actor=by, obj=user, request=request)


def _account_state(user: Any) -> dict[str, Any]:
    return {
        "roles": sorted(user.groups.filter(name__in=ROLES).values_list("name", flat=True)),
        "active": user.is_active,
        "staff": user.is_staff,
    }
