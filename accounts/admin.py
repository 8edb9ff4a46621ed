from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts import selectors, services
from accounts.audit import audit_record
from accounts.models import AuditEvent

User = get_user_model()


def _change(user: Any, message: Any) -> dict[str, Any]:
    """What the admin changed (Django's change message) and the account's roles and status."""
    return {
        "change": json.loads(json.dumps(message, default=str)),  # labels may be lazy strings
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "active": user.is_active,
        "staff": user.is_staff,
    }


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    """Django's user admin, with who is locked out and an audited unlock."""

    list_display = (*auth_admin.UserAdmin.list_display, "locked_out")
    actions = ["unlock"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return selectors.with_recent_failed_logins(super().get_queryset(request))

    @admin.display(boolean=True, description="locked out")
    def locked_out(self, user: Any) -> bool:
        return (getattr(user, "failed_logins", None) or 0) >= settings.AXES_FAILURE_LIMIT

    # Account management goes to the audit log too (Django's own admin history can be deleted).
    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        audit_record(action="user.add", request=request, obj=obj, detail=_change(obj, message))
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        audit_record(action="user.change", request=request, obj=obj, detail=_change(obj, message))
        return super().log_change(request, obj, message)

    @admin.action(description="Unlock the selected accounts", permissions=["change"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        users = list(queryset)
        for user in users:
            services.account_unlock(user=user, by=request.user, request=request)
        names = ", ".join(user.get_username() for user in users)
        self.message_user(
            request, f"Unlocked: {names}. They may log in again now.", messages.SUCCESS
        )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log, read-only for everyone (superusers too): it is append-only."""

    list_display = ("at", "username", "action", "object_type", "object_id", "ip_address")
    list_filter = ("action",)
    search_fields = ("username", "object_id")
    date_hierarchy = "at"
    show_full_result_count = False
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
