from __future__ import annotations

from django.urls import path

from filings import views

urlpatterns = [
    path("filings/", views.packet_index, name="filings"),
]
