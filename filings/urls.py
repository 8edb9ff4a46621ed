from __future__ import annotations

from django.urls import path

from filings import views

urlpatterns = [
    path("filings/", views.packet_index, name="filings"),
    path("filings/generate/<int:pk>/", views.packet_generate, name="packet_generate"),
    path("filings/<int:pk>/", views.packet_detail, name="packet_detail"),
    path("filings/<int:pk>/download/", views.packet_download, name="packet_download"),
    path("filings/<int:pk>/file/", views.packet_file, name="packet_file"),
    path("filings/<int:pk>/outcomes/", views.packet_outcomes, name="packet_outcomes"),
    path(
        "filings/<int:pk>/outcomes/upload/",
        views.packet_outcomes_upload,
        name="packet_outcomes_upload",
    ),
]
