"""What a browser's console and the server's log show on everyday pages (issue 20, "Console and
logs"): no 404 for the icon, no traceback for a refusal, no warning from the demo's broker."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_the_icon_is_found_by_every_browser(client, asa):
    assert client.get("/favicon.ico").url == "/static/favicon.svg"  # asked for by name
    assert finders.find("favicon.svg")
    client.force_login(asa)
    assert 'rel="icon" href="/static/favicon.svg"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_refusal_is_a_403_page_and_one_log_line_without_a_traceback(client, clerk, caplog):
    client.force_login(clerk)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/review/")
    assert response.status_code == 403
    assert "not allowed" in response.content.decode().lower()
    refused = [r for r in caplog.records if r.name == "django.request"]
    assert [r.getMessage() for r in refused] == ["Forbidden: /review/"]
    assert refused[0].exc_info is None


def test_the_demo_s_in_memory_broker_sends_tasks_without_a_warning():
    code = (
        "import logging, config.settings as s; from kombu import Connection;"
        "logging.basicConfig(level=logging.WARNING);"
        "print(s.CELERY_BROKER_URL); Connection(s.CELERY_BROKER_URL).clone()"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "DATABASE_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("memory://")
    assert "No hostname was supplied" not in result.stderr
