from __future__ import annotations

import os

from celery import shared_task


@shared_task
def worker_health() -> dict[str, object]:
    """Answer from the worker with what it sees of the database (used by the health check)."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    return {
        "database": connection.vendor,
        "users": get_user_model().objects.count(),
        "pid": os.getpid(),
    }
