from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import requires


@requires("view_packets", "handle_packets")
def packet_index(request: HttpRequest) -> HttpResponse:
    return render(request, "filings/packet_index.html")
