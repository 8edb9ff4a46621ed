from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Field, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from accounts import selectors, services
from accounts.audit import audit_record
from accounts.models import AuditEvent
from accounts.roles import ROLES

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


def _full(request: HttpRequest) -> bool:
    """Whether the user admin shows Django's full form: to a superuser only. Anyone else who
    manages users (the Admin role) is offered the roles by name and nothing more."""
    return bool(request.user.is_superuser)


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    """Django's user admin, with who is locked out and an audited unlock.

    The Admin role manages accounts through the roles of ``accounts.roles`` only: no superuser
    or staff status, no raw permissions, no group that is no role, no change to a superuser and
    none to its own roles or activity (another administrator does that). A superuser keeps
    Django's full form."""

    list_display = (*auth_admin.UserAdmin.list_display, "locked_out")
    actions = ["unlock"]
    role_fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Roles", {"fields": ("is_active", "groups")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    role_add_fieldsets = (
        (*auth_admin.UserAdmin.add_fieldsets[0],),
        ("Roles", {"fields": ("groups",)}),
    )

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if _full(request):
            return super().get_fieldsets(request, obj)
        return self.role_fieldsets if obj is not None else self.role_add_fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if _full(request):
            return super().get_readonly_fields(request, obj)
        if obj is not None and obj.pk == request.user.pk:
            return ("is_active", "groups", "last_login", "date_joined")
        return ("last_login", "date_joined")

    def formfield_for_manytomany(
        self, db_field: Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "groups" and not _full(request):
            return db_field.formfield(
                queryset=Group.objects.filter(name__in=ROLES).order_by("name"),
                widget=forms.CheckboxSelectMultiple,
                help_text="The roles of this account: each gives exactly what the role may do.",
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not _full(request):
            return False  # nor its password: that would be the superuser's account
        return super().has_change_permission(request, obj)

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        if _full(request):
            super().save_related(request, form, formsets, change)
            return
        if "groups" in form.cleaned_data:  # absent when read-only (one's own account)
            services.account_roles_set(
                user=form.instance,
                roles=[group.name for group in form.cleaned_data["groups"]],
                by=request.user,
            )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

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
