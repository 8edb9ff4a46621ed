from __future__ import annotations

from django.urls import path

from review import sample_views, views

urlpatterns = [
    path("review/", views.queue, name="review_queue"),
    path("review/count/", views.queue_count, name="review_count"),
    path("review/claim/", views.claim_next, name="review_claim_next"),
    path("review/release/", views.release, name="review_release"),
    path("review/reassign/", views.reassign, name="review_reassign"),
    path("review/bulk-confirm/", views.bulk_confirm, name="review_bulk_confirm"),
    path("review/decisions/", views.decision_index, name="review_decisions"),
    path("review/<int:pk>/", views.conviction_detail, name="conviction_detail"),
    path("review/<int:pk>/claim/", views.claim, name="review_claim"),
    path("review/<int:pk>/decide/", views.decide, name="review_decide"),
    path("review/samples/", sample_views.sample_index, name="samples"),
    path("review/samples/<int:pk>/", sample_views.sample_report, name="sample_report"),
    path("review/samples/<int:pk>/blind/", sample_views.sample_blind, name="sample_blind"),
    path("review/samples/<int:pk>/report.xlsx", sample_views.sample_export, name="sample_export"),
    path("batches/", views.batch_index, name="batches"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/transition/", views.batch_transition, name="batch_transition"),
    path("batches/<int:pk>/remove/", views.batch_remove, name="batch_remove"),
]
