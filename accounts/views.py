from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import requires


def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/dashboard.html")


@requires("view_audit")
def audit(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/audit.html")
