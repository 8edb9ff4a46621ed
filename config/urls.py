from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

lazy_static = lazy(static, str)

admin.site.site_header = "Clear My Record — administration"

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page says: no 404 in every page's console.
    path(
        "favicon.ico",
        # lazily: the static files' manifest is read at the request, not when URLs are loaded
        login_not_required(RedirectView.as_view(url=lazy_static("favicon.svg"), permanent=True)),
    ),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("eligibility.urls")),
    path("", include("review.urls")),
    path("", include("filings.urls")),
    path("", include("people.urls")),
    path("", include("reports.urls")),
]
