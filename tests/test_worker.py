from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model

from accounts.tasks import worker_health

from .conftest import worker_nodename


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


@pytest.mark.worker
def test_a_real_worker_acknowledges_work_when_done_and_requeues_that_of_a_lost_process(
    celery_worker, settings
):
    """What redelivers lost work, as the running worker has it (tests/eligibility/test_pipeline.py
    kills a pool process mid-import and sees the list finish)."""
    from config.celery_app import app

    inspect = app.control.inspect(destination=[worker_nodename(settings)], timeout=10)
    [conf] = inspect.conf(with_defaults=True).values()
    assert conf["task_acks_late"] is True
    assert conf["task_reject_on_worker_lost"] is True
    visibility = conf["broker_transport_options"]["visibility_timeout"]
    assert visibility == settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert 15 * 60 <= visibility < 60 * 60, "past the longest task, short of Redis's hour"
