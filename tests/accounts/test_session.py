"""Sessions end after 30 minutes without a request and when the browser closes; the cookie is
HttpOnly, SameSite and (outside DEBUG) Secure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

PASSWORD = "correct horse battery"

pytestmark = pytest.mark.django_db


def seconds_left() -> float:
    return (Session.objects.get().expire_date - timezone.now()).total_seconds()


def test_a_session_expires_30_minutes_after_the_last_request(client, asa):
    client.post("/accounts/login/", {"username": "asa", "password": PASSWORD})
    assert 1790 < seconds_left() <= 1800


def test_every_request_pushes_the_expiry_back(client, asa):
    client.force_login(asa)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get("/").status_code == 200
    assert 1790 < seconds_left() <= 1800


def test_after_30_idle_minutes_the_next_request_goes_to_the_login_page(client, asa):
    client.force_login(asa)
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/review/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/review/"


def test_the_session_cookie_is_httponly_samesite_secure_and_ends_with_the_browser(client, asa):
    response = client.post("/accounts/login/", {"username": "asa", "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["secure"] is True
    assert cookie["max-age"] == "" and cookie["expires"] == "", "a browser-session cookie"
    csrf = client.get("/accounts/login/").cookies["csrftoken"]
    assert csrf["secure"] is True and csrf["samesite"] == "Lax"
