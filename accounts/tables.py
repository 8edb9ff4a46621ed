from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accounts.models import AuditEvent


def filtered(**params: str) -> str:
    return f"{reverse('audit')}?{urlencode(params)}"


def detail_text(detail: dict[str, Any]) -> str:
    return json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str) if detail else ""


class AuditEventTable(tables.Table):
    at = tables.DateTimeColumn(verbose_name="When", format="Y-m-d H:i:s")
    username = tables.Column(verbose_name="User", default="(system)")
    action = tables.Column(verbose_name="Action")
    object = tables.Column(verbose_name="Object", accessor="object_type", default="")
    detail = tables.Column(verbose_name="Detail", default="", empty_values=(None, "", {}))
    ip_address = tables.Column(verbose_name="Address", default="")

    class Meta:
        model = AuditEvent
        fields = ("at", "username", "action", "object", "detail", "ip_address")
        orderable = False
        attrs = {"class": "table", "id": "audit-events"}
        template_name = "accounts/_audit_table.html"
        empty_text = "No events match."

    def render_username(self, value: str) -> SafeString:
        return format_html('<a href="{}">{}</a>', filtered(user=value), value)

    def render_object(self, value: str, record: AuditEvent) -> SafeString:
        return format_html(
            '<a href="{}">{} #{}</a>',
            filtered(object_type=value, object_id=record.object_id),
            value,
            record.object_id,
        )

    def render_detail(self, value: dict[str, Any]) -> SafeString:
        return format_html("<code>{}</code>", detail_text(value))
