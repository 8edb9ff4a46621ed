"""The menu: each entry is offered only to users who hold its permission."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from accounts.access import perm


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    permissions: tuple[str, ...]


MENU: tuple[MenuEntry, ...] = (
    MenuEntry("Lists", "lists", ("upload_lists",)),
    MenuEntry("Review", "review_queue", ("review_convictions",)),
    MenuEntry("Batches", "batches", ("submit_batches", "approve_batches")),
    MenuEntry("Filings", "filings", ("view_packets", "handle_packets")),
    MenuEntry("Policy", "policy", ("change_policy",)),
    MenuEntry("Reports", "reports", ("view_reports",)),
    MenuEntry("Audit", "audit", ("view_audit",)),
    MenuEntry("Users", "users", ("manage_users",)),
)


def menu_for(request: HttpRequest) -> list[dict[str, object]]:
    user = request.user
    if not user.is_authenticated:
        return []
    entries = []
    for entry in MENU:
        if any(user.has_perm(perm(p)) for p in entry.permissions):
            url = reverse(entry.url_name)
            entries.append(
                {
                    "label": entry.label,
                    "url": url,
                    "active": request.path == url or (request.path.startswith(url) and url != "/"),
                }
            )
    return entries
