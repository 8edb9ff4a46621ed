"""Writing the audit log. Every app calls ``audit_record`` for what design.md and issue 8 list:
logins, uploads, decisions, batch transitions, packets, exports, policy changes, purges and every
view of a conviction's detail page."""

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
        if actor is None and request.user.is_authenticated:
            actor = request.user
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        username=username or (actor.get_username() if actor is not None else ""),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail or {},
        ip_address=ip,
    )
