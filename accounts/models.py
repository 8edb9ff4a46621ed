from __future__ import annotations

from django.conf import settings
from django.db import models


class Access(models.Model):
    """Holds the application's permissions; it has no table.

    Each permission names one thing a role may do (design.md "Roles"). Groups (the roles) get
    them in ``accounts/roles.py``; views name the permission they need (``accounts/access.py``).
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("upload_lists", "Upload ISP lists and see import reports"),
            ("review_convictions", "Confirm or override convictions in the review queue"),
            ("submit_batches", "Create and submit batches"),
            ("approve_batches", "Approve or return batches"),
            ("view_packets", "See court packets"),
            ("handle_packets", "Generate and download packets, mark filed, record outcomes"),
            ("change_policy", "Change the office policy"),
            (
                "change_county_profile",
                "See and change the county profile: court, addresses, packet shape",
            ),
            ("view_reports", "See impact, equity and agreement reports"),
            ("view_audit", "See the audit log"),
            ("manage_users", "Manage users"),
            (
                "find_people",
                "Find a person by name, SID, DCN, case number or date of birth, across lists",
            ),
        ]

    def __str__(self) -> str:
        return "application permissions"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class AuditEvent(models.Model):
    """One entry of the append-only audit log: who did what to which object, when."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The username as typed (kept for failed logins of unknown names, and after a user is gone).
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")
