"""Lockout after repeated failed logins (django-axes): 5 failures lock an account for 30 minutes,
the right password is refused meanwhile, and an administrator can unlock it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group

from accounts.models import AuditEvent
from accounts.roles import ADMIN

PASSWORD = "correct horse battery"  # the personas' password (tests/conftest.py)

pytestmark = pytest.mark.django_db


def log_in(client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def fail(client, username: str, times: int) -> list[int]:
    return [log_in(client, username, "wrong password").status_code for _ in range(times)]


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_six_wrong_passwords_lock_the_account_and_then_the_right_one_is_refused(client, asa):
    assert fail(client, "asa", 4) == [200] * 4
    response = log_in(client, "asa", "wrong password")
    assert response.status_code == 429, "the fifth failure locks"
    page = response.content.decode()
    assert "Account locked" in page
    assert "locked for 30 minutes" in page and "administrator" in page
    assert fail(client, "asa", 1) == [429]

    response = log_in(client, "asa", PASSWORD)
    assert response.status_code == 429
    assert "Account locked" in response.content.decode()
    assert not signed_in(client)
    assert client.get("/").status_code == 302


def test_the_lock_ends_after_30_minutes_and_tries_during_it_do_not_extend_it(client, asa):
    fail(client, "asa", 6)
    assert log_in(client, "asa", PASSWORD).status_code == 429
    attempt = AccessAttempt.objects.get(username="asa")
    assert attempt.failures_since_start == 5, "tries while locked are not counted"

    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=attempt.attempt_time - timedelta(minutes=29)
    )
    assert log_in(client, "asa", PASSWORD).status_code == 429
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=attempt.attempt_time - timedelta(minutes=31)
    )
    response = log_in(client, "asa", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"


def test_only_consecutive_failures_count(client, asa):
    fail(client, "asa", 4)
    assert log_in(client, "asa", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    assert fail(client, "asa", 4) == [200] * 4
    assert log_in(client, "asa", PASSWORD).status_code == 302


def test_the_lock_is_per_account_not_per_address(client, asa, supervisor):
    fail(client, "asa", 5)
    assert log_in(client, "asa", PASSWORD).status_code == 429
    # The same address (the office proxy) still serves every other user.
    assert log_in(client, "supervisor", PASSWORD).status_code == 302


def test_failures_are_counted_per_account_whichever_browser_or_address_they_come_from(client, asa):
    for n in range(5):
        client.post(
            "/accounts/login/",
            {"username": "asa", "password": "wrong"},
            REMOTE_ADDR=f"10.0.0.{n}",
            HTTP_USER_AGENT=f"browser {n}",
        )
    assert log_in(client, "asa", PASSWORD).status_code == 429


def test_a_name_that_is_no_account_is_locked_too_without_error(client):
    assert fail(client, "nobody-here", 6)[-2:] == [429, 429]


def test_an_administrator_sees_who_is_locked_out_and_unlocks_them(client, asa, admin):
    fail(client, "asa", 5)
    staff = client.__class__()
    staff.force_login(admin)

    users = staff.get("/admin/auth/user/")
    assert users.status_code == 200
    row = next(line for line in users.content.decode().split("<tr") if ">asa</a>" in line)
    assert 'alt="True"' in row.split("</tr>")[0].rsplit("<td", 1)[-1], "asa shows as locked out"
    assert staff.get("/admin/axes/accessattempt/").status_code == 200

    response = staff.post(
        "/admin/auth/user/", {"action": "unlock", "_selected_action": [asa.pk]}, follow=True
    )
    assert "Unlocked: asa" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="asa").exists()
    unlock = AuditEvent.objects.get(action="user.unlock")
    assert (unlock.actor, unlock.object_id, unlock.detail) == (
        admin,
        str(asa.pk),
        {"failures_cleared": 5},
    )

    response = log_in(client, "asa", PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_other_roles_cannot_unlock(client, asa, supervisor):
    fail(client, "asa", 5)
    client.force_login(supervisor)
    response = client.post("/admin/auth/user/", {"action": "unlock", "_selected_action": [asa.pk]})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert AccessAttempt.objects.filter(username="asa").exists()


def test_the_admin_role_holds_exactly_what_unlocking_and_reading_the_log_need():
    perms = set(
        Group.objects.get(name=ADMIN).permissions.values_list("content_type__app_label", "codename")
    )
    assert {("axes", "view_accessattempt"), ("accounts", "view_auditevent")} <= perms
    # Unlocking goes through the user admin's action, which is audited.
    assert ("axes", "delete_accessattempt") not in perms
    assert ("accounts", "delete_auditevent") not in perms


def test_the_admin_site_login_is_locked_out_the_same_way(client, admin):
    for _ in range(5):
        client.post("/admin/login/", {"username": "admin", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 429
    assert not signed_in(client)


def test_failures_lockouts_and_refused_tries_are_in_the_audit_log(client, asa):
    fail(client, "asa", 6)
    log_in(client, "asa", PASSWORD)
    failed = list(
        AuditEvent.objects.filter(action="user.login_failed")
        .order_by("id")
        .values_list("username", "detail__reason")
    )
    assert failed == [("asa", "wrong username or password")] * 5 + [("asa", "account locked")] * 2
    lockout = AuditEvent.objects.get(action="user.lockout")
    assert (lockout.username, lockout.detail, lockout.ip_address) == (
        "asa",
        {"failures": 5},
        "127.0.0.1",
    )
    assert not AuditEvent.objects.filter(action="user.login").exists()
