from __future__ import annotations

from django.urls import path

from review import views

urlpatterns = [
    path("review/", views.queue, name="review_queue"),
    path("review/<int:pk>/", views.conviction_detail, name="conviction_detail"),
    path("review/samples/", views.sample_index, name="samples"),
    path("batches/", views.batch_index, name="batches"),
]
