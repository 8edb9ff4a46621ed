"""Response headers that Django 5.2 does not set itself."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


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
