"""`manage.py check --deploy` is clean with production settings, and the demo (DEBUG over plain
HTTP on 127.0.0.1) keeps working."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Only what a production start would set: nothing of the test run's own environment.
    base = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    return subprocess.run(
        [sys.executable, *args],
        env={**base, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "IDENTITY_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "cmr.sao.example",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def test_check_deploy_passes_with_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_a_protection_is_turned_off():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {**PRODUCTION, "SECURE_SSL_REDIRECT": "0"},
    )
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_check_deploy_fails_when_demo_mode_is_on():
    """Demo mode lets load_demo create users with known passwords: never in production."""
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {**PRODUCTION, "DEMO_MODE": "1"},
    )
    assert result.returncode != 0
    assert "accounts.E001" in result.stderr and "DEMO_MODE is on" in result.stderr


def test_check_deploy_fails_without_an_identity_key_of_its_own():
    production = {key: value for key, value in PRODUCTION.items() if key != "IDENTITY_KEY"}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production)
    assert result.returncode != 0
    assert "accounts.E002" in result.stderr and "IDENTITY_KEY is not set" in result.stderr


def test_the_demo_passes_the_plain_checks():
    """`make demo` (migrate, load_demo, gunicorn) runs the plain checks: demo mode is no error
    there, only for --deploy."""
    demo = {"DEBUG": "1", "DEMO_MODE": "1"}
    result = run(["manage.py", "check", "--fail-level", "WARNING"], demo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def settings_of(env: dict[str, str], names: list[str]) -> list[str]:
    code = "import config.settings as s; " + "; ".join(
        f"print(getattr(s, {name!r}, False))" for name in names
    )
    result = run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


SECURITY = [
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
]


def test_production_redirects_to_https_with_secure_cookies_and_hsts():
    assert settings_of(PRODUCTION, SECURITY) == ["True", "True", "True", "31536000", "True"]


def test_the_demo_runs_over_plain_http():
    demo = {"DEBUG": "1", "DEMO_MODE": "1"}
    assert settings_of(demo, SECURITY) == ["False", "False", "False", "False", "False"]
