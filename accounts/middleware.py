"""Response headers that Django 5.2 does not set itself, and the limit on request bodies."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

View = TypeVar("View", bound=Callable[..., HttpResponse])


class SecurityHeadersMiddleware:
    """The Content-Security-Policy on every response (Django's SecurityMiddleware and
    XFrameOptionsMiddleware send the others), and ``Cache-Control: no-store`` on what a signed-in
    user is served: pages of criminal history must not stay in the browser's cache, to be paged
    back to after logout or the idle timeout."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        user = getattr(request, "user", None)  # absent for static files served by WhiteNoise
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response


def accepts_upload(max_file_bytes: Callable[[], int]) -> Callable[[View], View]:
    """Let a view's requests carry a file of up to ``max_file_bytes()`` bytes besides the form
    (``REQUEST_MAX_BYTES``); every other view takes ``REQUEST_MAX_BYTES`` in all. The limit is
    read per request, so that a changed setting holds at once."""

    def decorator(view: View) -> View:
        view.max_file_bytes = max_file_bytes  # type: ignore[attr-defined]
        return view

    return decorator


class RequestBodyLimitMiddleware:
    """Refuse a request whose body is larger than its page accepts with a 413 page, before any
    of it is read: Django would otherwise take any body in, spooling what is past
    ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to disk (an anonymous POST to the login page included).

    Judged on the length the request declares: Django reads no more than ``Content-Length``, and
    reads nothing of a body that declares none. The proxy in front should refuse larger bodies
    still sooner (README, "Request bodies")."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body either
        if length > settings.REQUEST_MAX_BYTES:
            limit = self.limit(request)
            if length > limit:
                upload = limit > settings.REQUEST_MAX_BYTES
                context = {"length": length, "limit": limit, "upload": upload}
                return render(request, "413.html", context, status=413)
        return self.get_response(request)

    @staticmethod
    def limit(request: HttpRequest) -> int:
        try:
            view = resolve(request.path_info).func
        except Resolver404:
            return int(settings.REQUEST_MAX_BYTES)
        max_file_bytes = getattr(view, "max_file_bytes", None)
        extra = max_file_bytes() if max_file_bytes is not None else 0
        return int(settings.REQUEST_MAX_BYTES) + extra
