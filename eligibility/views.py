from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import requires
from eligibility.rules.records import Policy


@requires("upload_lists")
def list_index(request: HttpRequest) -> HttpResponse:
    return render(request, "eligibility/list_index.html")


@requires("change_policy")
def policy(request: HttpRequest) -> HttpResponse:
    return render(request, "eligibility/policy.html", {"policy": Policy().as_dict()})
