from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Clear My Record — administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("eligibility.urls")),
    path("", include("review.urls")),
    path("", include("filings.urls")),
    path("", include("people.urls")),
    path("", include("reports.urls")),
]
