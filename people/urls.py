from __future__ import annotations

from django.urls import path

from people import views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/path/<int:pk>/", views.conviction_path, name="conviction_path"),
]
