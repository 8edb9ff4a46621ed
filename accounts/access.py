"""The one way a view states who may use it.

Login is required everywhere by Django's ``LoginRequiredMiddleware``; on top of that each view
names the permission it needs with ``@requires("...")`` (function views) or ``Requires`` (class
views). A logged-in user without it gets the 403 page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.views.defaults import permission_denied

APP = "accounts"

View = TypeVar("View", bound=Callable[..., HttpResponse])


def perm(codename: str) -> str:
    return codename if "." in codename else f"{APP}.{codename}"


def forbidden(request: HttpRequest) -> HttpResponse:
    """The 403 page, answered rather than raised: a refusal is an everyday event, and Django
    logs a raised ``PermissionDenied`` with its whole traceback (the response is still logged,
    as one line: "Forbidden: /path")."""
    return permission_denied(request, PermissionDenied())


def requires(*codenames: str) -> Callable[[View], View]:
    """Let a user in when they hold any of the named permissions (a role may reach a page
    for different reasons: the batches page serves the ASA who submits and the supervisor who
    approves)."""
    perms = [perm(c) for c in codenames]

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not any(request.user.has_perm(p) for p in perms):
                return forbidden(request)
            return view(request, *args, **kwargs)

        wrapped.required_permissions = tuple(perms)  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


class Requires(PermissionRequiredMixin):
    """Class-view form of ``requires``: set ``permission`` to a codename."""

    permission: str = ""
    raise_exception = True

    def get_permission_required(self) -> tuple[str, ...]:
        return (perm(self.permission),)

    def handle_no_permission(self) -> HttpResponse:
        if self.request.user.is_authenticated:
            return forbidden(self.request)
        return super().handle_no_permission()
