from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import requires


@requires("review_convictions")
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "review/queue.html")


@requires("submit_batches", "approve_batches")
def batch_index(request: HttpRequest) -> HttpResponse:
    return render(request, "review/batch_index.html")


@requires("approve_batches")
def sample_index(request: HttpRequest) -> HttpResponse:
    return render(request, "review/sample_index.html")
