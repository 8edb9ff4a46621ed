from __future__ import annotations

from django.urls import path

from reports import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reports/", views.report_index, name="reports"),
    path("reports/export.xlsx", views.report_export, name="report_export"),
    path(
        "reports/lists/<int:pk>/referrals.xlsx",
        views.referral_download,
        name="referral_download",
    ),
]
