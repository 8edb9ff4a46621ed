from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model

from accounts.tasks import worker_health


def test_tasks_run_eagerly_in_the_test_process_by_default(db):
    answer = worker_health.delay().get(timeout=1)
    assert answer["users"] == 0
    assert answer["pid"] == os.getpid()


@pytest.mark.worker
def test_a_real_worker_process_runs_a_task_against_the_test_database(celery_worker, asa):
    result = worker_health.delay()
    answer = result.get(timeout=60)
    assert answer["users"] == get_user_model().objects.count() == 1
    assert answer["pid"] == celery_worker.pid, "the task ran in the worker process"
    assert celery_worker.poll() is None, "the worker process is still running"
