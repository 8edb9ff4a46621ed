from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import django_tables2 as tables
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from accounts.models import AuditEvent


def filtered(**params: str) -> str:
    return f"{reverse('audit')}?{urlencode(params)}"


def detail_text(detail: dict[str, Any]) -> str:
    return json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str) if detail else ""


# The page of an object the log names, by its type (``object_type``) and by the detail's keys
# that hold an id. A link is drawn only when the viewer may open the page (the permissions the
# page's view names, ``accounts.access.requires``).
OBJECT_PAGES = {
    "eligibility.isplist": ("list_detail", "list"),
    "eligibility.conviction": ("conviction_detail", "conviction"),
    "review.batch": ("batch_detail", "batch"),
    "review.validationsample": ("sample_report", "sample"),
    "filings.packet": ("packet_detail", "packet"),
    "auth.user": ("user_detail", "user"),
}
DETAIL_PAGES = {
    "list": "list_detail",
    "conviction": "conviction_detail",
    "convictions": "conviction_detail",
    "carried_to": "conviction_detail",
    "batch": "batch_detail",
    "packet": "packet_detail",
    "blind_sample": "sample_report",
}
DETAIL_LIST_SHOWN = 12  # ids of a long list (a claim of 25) shown before "… N in all"


def _may_open(user: Any, url: str) -> bool:
    try:
        view = resolve(url).func
    except Resolver404:
        return False
    needed = getattr(view, "required_permissions", ())
    return any(user.has_perm(p) for p in needed)


class Links:
    """The pages a viewer may open, by URL name and id (each URL name's permission checked
    once per page)."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.allowed: dict[str, bool] = {}

    def url(self, name: str, pk: Any) -> str | None:
        if self.user is None or not str(pk).isdigit():
            return None
        try:
            url = reverse(name, args=[int(pk)])
        except NoReverseMatch:
            return None
        if name not in self.allowed:
            self.allowed[name] = _may_open(self.user, url)
        return url if self.allowed[name] else None

    def link(self, name: str | None, pk: Any, text: str) -> SafeString:
        url = self.url(name, pk) if name else None
        return format_html('<a href="{}">{}</a>', url, text) if url else format_html("{}", text)


def _words(key: str) -> str:
    return key.replace("_", " ")


def _value(value: Any, links: Links, page: str | None) -> SafeString:
    """One detail value as text: ids as links to their page, lists joined, nested mappings as
    "key: value" pairs, yes/no for booleans."""
    if isinstance(value, bool):
        return format_html("{}", "yes" if value else "no")
    if value is None or value == "" or value == [] or value == {}:
        return format_html("{}", "—")
    if isinstance(value, list):
        shown = format_html_join(
            ", ", "{}", ((_value(v, links, page),) for v in value[:DETAIL_LIST_SHOWN])
        )
        if len(value) > DETAIL_LIST_SHOWN:
            return format_html("{} … ({} in all)", shown, len(value))
        return shown
    if isinstance(value, dict):
        return format_html_join(
            "; ", "{}: {}", ((_words(str(k)), _value(v, links, None)) for k, v in value.items())
        )
    if page is not None and isinstance(value, int):
        return links.link(page, value, f"#{value}")
    return format_html("{}", value)


def detail_html(detail: dict[str, Any], links: Links) -> SafeString:
    """An event's detail as "key: value" lines. A key that is an id (the rulings of
    ``outcome.record``, one per conviction) reads "conviction #id"."""
    lines = []
    for key, value in detail.items():
        if str(key).isdigit():
            label = format_html("conviction {}", links.link("conviction_detail", key, f"#{key}"))
            lines.append((label, _value(value, links, None)))
        else:
            lines.append(
                (format_html("{}", _words(key)), _value(value, links, DETAIL_PAGES.get(key)))
            )
    return format_html('<ul class="detail">{}</ul>', format_html_join("", "<li>{}: {}</li>", lines))


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

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.links = Links(user)
        self._usernames: dict[str, str] | None = None

    def usernames(self) -> dict[str, str]:
        """The names of the accounts the page's events are about: one query per page."""
        if self._usernames is None:
            rows = [row.record for row in self.page.object_list]
            ids = {
                r.object_id for r in rows if r.object_type == "auth.user" and r.object_id.isdigit()
            }
            self._usernames = {
                str(pk): name
                for pk, name in get_user_model()
                .objects.filter(pk__in=ids)
                .values_list("pk", "username")
            }
        return self._usernames

    def render_username(self, value: str) -> SafeString:
        return format_html('<a href="{}">{}</a>', filtered(user=value), value)

    def render_object(self, value: str, record: AuditEvent) -> SafeString:
        """The object by name, linked to its page when the viewer may open it, then a link to
        every event about it."""
        name, word = OBJECT_PAGES.get(value, (None, value))
        text = f"{word} #{record.object_id}"
        if value == "auth.user" and record.object_id in self.usernames():
            text = f"user {self.usernames()[record.object_id]}"
        return format_html(
            '{} <a class="events" href="{}" title="Every event about {}">(events)</a>',
            self.links.link(name, record.object_id, text),
            filtered(object_type=value, object_id=record.object_id),
            text,
        )

    def render_detail(self, value: dict[str, Any]) -> SafeString:
        return detail_html(value, self.links)
