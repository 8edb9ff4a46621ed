"""Writing the audit log. Every app calls ``audit_record`` for what design.md and issue 8 list:
logins, uploads, decisions, batch transitions, packets, exports, policy changes, purges and every
view of a conviction's detail page.

This app's own actions: ``user.login``, ``user.logout``, ``user.login_failed`` (with the name as
typed), ``user.lockout`` (accounts/signals.py); ``user.unlock``, ``user.add``, ``user.change``
(the user admin); ``audit.export``."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from accounts.models import AuditEvent


def audit_record(
    *,
    action: str,
    actor: Any = None,
    obj: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one event. ``action`` is a dotted name such as ``list.upload``,
    ``conviction.view``, ``decision.record``, ``batch.approve``, ``packet.download``."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    ip = None
    if request is not None:
        ip = request.META.get("REMOTE_ADDR") or None
        user = getattr(request, "user", None)  # absent on a request that skipped the middleware
        if actor is None and user is not None and user.is_authenticated:
            actor = user
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        username=username or (actor.get_username() if actor is not None else ""),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail or {},
        ip_address=ip,
    )
