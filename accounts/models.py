from __future__ import annotations

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
            ("view_reports", "See impact, equity and agreement reports"),
            ("view_audit", "See the audit log"),
            ("manage_users", "Manage users"),
        ]

    def __str__(self) -> str:
        return "application permissions"
