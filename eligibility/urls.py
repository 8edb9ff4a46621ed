from __future__ import annotations

from django.urls import path

from eligibility import views

urlpatterns = [
    path("lists/", views.list_index, name="lists"),
    path("policy/", views.policy, name="policy"),
]
