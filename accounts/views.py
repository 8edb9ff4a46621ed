from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django_tables2 import RequestConfig
from django_tables2.paginators import LazyPaginator

from accounts import selectors, services
from accounts.access import forbidden, requires
from accounts.audit import audit_record
from accounts.filters import FILTER_PARAMETERS, AuditEventFilter
from accounts.forms import AccountAddForm, AccountForm, PasswordResetForm
from accounts.tables import AuditEventTable, detail_text
from core.spreadsheets import xlsx_response

AUDIT_PAGE_ROWS = 50
# One worksheet holds 1,048,576 rows, the header included.
AUDIT_EXPORT_MAX_ROWS = 1_048_575


def _audit_filter(request: HttpRequest) -> AuditEventFilter:
    return AuditEventFilter(request.GET, queryset=selectors.audit_events())


@requires("view_audit")
def audit(request: HttpRequest) -> HttpResponse:
    events = _audit_filter(request)
    # Filters that do not read (a malformed date) show their error and no events, never all.
    table = AuditEventTable(
        events.qs if events.is_valid() else events.queryset.none(), user=request.user
    )
    # No COUNT(*) over the whole log for each page: the pager only knows whether there is more.
    RequestConfig(
        request, paginate={"per_page": AUDIT_PAGE_ROWS, "paginator_class": LazyPaginator}
    ).configure(table)
    return render(
        request,
        "accounts/audit.html",
        {
            "filter": events,
            "table": table,
            "actions": selectors.audit_actions(),
            "object_types": selectors.audit_object_types(),
            "export_max_rows": AUDIT_EXPORT_MAX_ROWS,
        },
    )


@requires("view_audit")
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered events as a workbook (formulas neutralised); the export is itself audited."""
    events = _audit_filter(request)
    if not events.is_valid():
        page = audit(request)  # the page, with the filters' errors
        page.status_code = 400
        return page
    used = {name: request.GET[name][:200] for name in FILTER_PARAMETERS if request.GET.get(name)}
    audit_record(action="audit.export", request=request, detail={"filters": used})
    rows = events.qs.values_list(
        "at", "username", "action", "object_type", "object_id", "detail", "ip_address"
    )[:AUDIT_EXPORT_MAX_ROWS].iterator(chunk_size=5000)
    return xlsx_response(
        filename=f"audit-log-{timezone.localdate():%Y-%m-%d}.xlsx",
        title="Audit log",
        header=["when", "user", "action", "object type", "object id", "detail", "address"],
        rows=_export_rows(rows),
    )


def _export_rows(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    for at, username, action, object_type, object_id, detail, ip in rows:
        # Excel has no time zones: the office's local time, as on the page.
        when = timezone.localtime(at).replace(tzinfo=None)
        yield when, username, action, object_type, object_id, detail_text(detail), ip or ""


def _locked_out(user: Any) -> bool:
    return (getattr(user, "failed_logins", None) or 0) >= settings.AXES_FAILURE_LIMIT


@requires("manage_users")
def user_index(request: HttpRequest) -> HttpResponse:
    users = list(selectors.accounts_listed())
    for user in users:
        user.locked_out = _locked_out(user)
    return render(request, "accounts/user_index.html", {"users": users})


@requires("manage_users")
def user_add(request: HttpRequest) -> HttpResponse:
    form = AccountAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.account_create(
            username=data["username"],
            password=data["password1"],
            roles=data["roles"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            by=request.user,
            request=request,
        )
        roles = ", ".join(data["roles"])
        messages.success(request, f"Added {user.get_username()} ({roles}).")
        return redirect("user_detail", pk=user.pk)
    return render(request, "accounts/user_add.html", {"form": form})


@requires("manage_users")
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One account: its names, roles and activity; a password reset; an unlock. A superuser's
    account is shown, never changed (only a superuser does that, in /admin/)."""
    account: Any = selectors.account_for_page(pk)
    own = account.pk == request.user.pk
    manageable = not account.is_superuser or request.user.is_superuser
    roles = sorted(account.groups.values_list("name", flat=True))
    initial = {
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "roles": roles,
        "is_active": account.is_active,
    }
    form = AccountForm(initial=initial, own=own)
    password_form = PasswordResetForm(account, prefix="password")
    if request.method == "POST":
        if not manageable:
            return forbidden(request)
        step = request.POST.get("step")
        try:
            if step == "details":
                form = AccountForm(request.POST, initial=initial, own=own)
                if form.is_valid():
                    return _account_update(request, account, form)
            elif step == "password":
                password_form = PasswordResetForm(account, request.POST, prefix="password")
                if password_form.is_valid():
                    services.account_password_set(
                        user=account,
                        password=password_form.cleaned_data["new_password1"],
                        by=request.user,
                        request=request,
                    )
                    messages.success(request, f"New password set for {account.get_username()}.")
                    return redirect("user_detail", pk=pk)
            elif step == "unlock":
                services.account_unlock(user=account, by=request.user, request=request)
                messages.success(request, f"Unlocked {account.get_username()}.")
                return redirect("user_detail", pk=pk)
            else:
                return redirect("user_detail", pk=pk)
        except services.AccountRefused as refused:
            messages.error(request, refused.message)
            return redirect("user_detail", pk=pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": account,
            "roles": roles,
            "own": own,
            "manageable": manageable,
            "locked_out": _locked_out(account),
            "form": form,
            "password_form": password_form,
        },
    )


def _account_update(request: HttpRequest, account: Any, form: AccountForm) -> HttpResponse:
    data = form.cleaned_data
    changed = services.account_update(
        user=account,
        by=request.user,
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data["email"],
        roles=data.get("roles"),
        is_active=data.get("is_active"),
        request=request,
    )
    if changed:
        messages.success(request, f"Saved {account.get_username()}: {', '.join(changed)} changed.")
    else:
        messages.info(request, "Nothing changed.")
    return redirect("user_detail", pk=account.pk)
