"""The production-like start (docker-compose.yml) and the settings read from the environment."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from config.settings import database_from_url

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def make_targets() -> dict[str, str]:
    text = (ROOT / "Makefile").read_text()
    return {
        m.group(1): m.group(2)
        for m in re.finditer(r"^([a-z0-9-]+):[^\n]*\n((?:\t[^\n]*\n)*)", text, re.M)
    }


def test_compose_runs_web_worker_postgres_and_redis_each_with_a_health_check(compose):
    services = compose["services"]
    assert set(services) == {"web", "worker", "postgres", "redis"}
    for name, service in services.items():
        assert "healthcheck" in service, name
    assert services["postgres"]["volumes"] and services["redis"]["volumes"]


def test_web_and_worker_share_one_image_and_wait_for_healthy_services(compose):
    web, worker = compose["services"]["web"], compose["services"]["worker"]
    assert web["image"] == worker["image"] and web["build"] == worker["build"] == "."
    for service in (web, worker):
        assert service["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert service["environment"]["CELERY_BROKER_URL"].startswith("redis://")


def test_compose_runs_the_same_web_and_worker_commands_as_the_makefile(compose):
    targets = make_targets()
    assert "make serve" in compose["services"]["web"]["command"]
    assert compose["services"]["worker"]["command"] == "make worker"
    assert "gunicorn config.wsgi:application" in targets["serve"]
    assert "celery --app config worker" in targets["worker"]
    for target in ("install", "demo", "test", "lint", "worker", "e2e", "bench", "migrate"):
        assert target in targets, f"make {target} exists"


def test_database_url_becomes_a_postgresql_connection():
    db = database_from_url("postgres://user:p%40ss@db.example:6543/records")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "records",
        "user",
        "p@ss",
        "db.example",
        "6543",
    )


@pytest.mark.django_db
def test_postgresql_connections_compile_no_statement_just_in_time():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_a_database_url_of_another_kind_is_refused():
    with pytest.raises(ValueError, match="postgres"):
        database_from_url("mysql://u@h/db")


def run_settings(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "IDENTITY_KEY",
            "DEBUG",
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "DJANGO_SETTINGS_MODULE",
        }
    }
    return subprocess.run(
        [sys.executable, "-c", f"import config.settings as s; {code}"],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_settings_refuse_to_start_without_a_secret_key_outside_debug():
    result = run_settings({}, "pass")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_without_database_and_broker_urls_the_app_uses_sqlite_and_eager_tasks():
    result = run_settings(
        {"DEBUG": "1"},
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.ALLOWED_HOSTS)",
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "['127.0.0.1',",
        "'localhost']",
    ]


def test_without_an_identity_key_one_is_derived_from_the_secret_key():
    """Every command still runs (the deploy check fails on it: tests/security)."""
    code = "print(s.IDENTITY_KEY_SET, len(s.IDENTITY_KEY), s.IDENTITY_KEY != 'k')"
    result = run_settings({"SECRET_KEY": "k"}, code)
    assert result.stdout.split() == ["False", "64", "True"], result.stderr
    other = run_settings({"SECRET_KEY": "other"}, "print(s.IDENTITY_KEY)")
    assert other.stdout != result.stdout


def test_with_database_and_broker_urls_the_app_uses_postgresql_and_the_broker():
    result = run_settings(
        {
            "SECRET_KEY": "k",
            "IDENTITY_KEY": "i",
            "DATABASE_URL": "postgres://u@h:5432/d",
            "CELERY_BROKER_URL": "redis://h:6379/0",
            "ALLOWED_HOSTS": "sao.example",
        },
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER,"
        " s.CELERY_BROKER_URL, s.ALLOWED_HOSTS)",
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "False",
        "redis://h:6379/0",
        "['sao.example']",
    ]


@pytest.mark.parametrize("name", ["BATCH_FOUR_EYES", "SECURE_COOKIES", "DEMO_MODE"])
def test_a_yes_no_setting_that_is_not_a_yes_no_word_stops_the_start_naming_it(name):
    result = run_settings({"SECRET_KEY": "k", "IDENTITY_KEY": "i", name: "ture"}, "pass")
    assert result.returncode != 0
    assert f"{name}='ture' is not a yes/no word" in result.stderr


@pytest.mark.parametrize(("word", "read"), [("off", "False"), ("No", "False"), ("YES", "True")])
def test_yes_no_settings_read_every_usual_word(word, read):
    result = run_settings(
        {"SECRET_KEY": "k", "IDENTITY_KEY": "i", "BATCH_FOUR_EYES": word},
        "print(s.BATCH_FOUR_EYES)",
    )
    assert result.stdout.strip() == read


def test_a_number_setting_that_is_not_a_number_stops_the_start_naming_it():
    result = run_settings(
        {"SECRET_KEY": "k", "IDENTITY_KEY": "i", "RETENTION_DAYS": "sixty"}, "pass"
    )
    assert result.returncode != 0
    assert "RETENTION_DAYS='sixty' is not a whole number" in result.stderr


def test_the_office_on_the_court_papers_comes_from_the_environment():
    result = run_settings(
        {
            "SECRET_KEY": "k",
            "IDENTITY_KEY": "i",
            "OFFICE_NAME": "Will County State's Attorney",
            "OFFICE_ADDRESS": "121 N. Chicago Street | Joliet, Illinois 60432",
        },
        "print(s.OFFICE_NAME); print(s.OFFICE_ADDRESS)",
    )
    assert result.stdout.splitlines() == [
        "Will County State's Attorney",
        "('121 N. Chicago Street', 'Joliet, Illinois 60432')",
    ]
