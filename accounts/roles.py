"""The four roles of design.md and what each may do. The migration and the tests read this."""

from __future__ import annotations

from typing import Any

ASA = "ASA"
SUPERVISOR = "Supervisor"
CLERK = "Clerk"
ADMIN = "Admin"

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    ASA: ("review_convictions", "submit_batches", "find_people"),
    SUPERVISOR: (
        "upload_lists",
        "review_convictions",
        "submit_batches",
        "approve_batches",
        "view_packets",
        "change_policy",
        "view_reports",
        "view_audit",
        "find_people",
    ),
    CLERK: ("view_packets", "handle_packets", "find_people"),
    ADMIN: (
        "upload_lists",
        "change_policy",
        "change_county_profile",
        "view_reports",
        "view_audit",
        "manage_users",
    ),
}

# The roles by name: the only groups the Admin role gives in the Users admin.
ROLES: tuple[str, ...] = tuple(ROLE_PERMISSIONS)

# Django's own permissions the admin role needs in the admin site (by app): managing users, seeing
# who is locked out (django-axes; the user admin's "unlock" action releases a lock) and reading the
# audit log there (read-only for everyone).
ADMIN_SITE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "auth": ("add_user", "change_user", "view_user", "view_group"),
    "axes": ("view_accessattempt",),
    "accounts": ("view_auditevent",),
}


def sync_roles(group_model: Any, permission_model: Any) -> None:
    """Create the role groups and give each exactly its permissions (idempotent).

    Takes the model classes so that the migration can pass its historical models.
    """
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        perms = list(
            permission_model.objects.filter(
                content_type__app_label="accounts", codename__in=codenames
            )
        )
        if role == ADMIN:
            for app_label, site_codenames in ADMIN_SITE_PERMISSIONS.items():
                perms += list(
                    permission_model.objects.filter(
                        content_type__app_label=app_label, codename__in=site_codenames
                    )
                )
        group.permissions.set(perms)
