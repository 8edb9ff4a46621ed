from __future__ import annotations

from django.urls import path

from eligibility import views

urlpatterns = [
    path("lists/", views.list_index, name="lists"),
    path("lists/upload/", views.list_upload, name="list_upload"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("lists/<int:pk>/progress/", views.list_progress, name="list_progress"),
    path("lists/<int:pk>/results.xlsx", views.list_results, name="list_results"),
    path("lists/<int:pk>/reevaluate/", views.list_reevaluate, name="list_reevaluate"),
    path("lists/<int:pk>/resume/", views.list_resume, name="list_resume"),
    path("policy/", views.policy, name="policy"),
    path("policy/reevaluate/", views.policy_reevaluate, name="policy_reevaluate"),
    path("policy/county/", views.county_profile, name="county_profile"),
]
