"""Issue 20: an administrator adds a second supervisor through the application's own Users page
(not Django's admin), who then logs in and may approve batches; the audit log names who was
affected and fits a 1366 px screen."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts.models import AuditEvent

from .conftest import go, log_in, log_out, menu_labels, screenshot

pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

NEW_PASSWORD = "amber walrus lighthouse"


def test_an_administrator_adds_a_supervisor_through_the_users_page(page, admin, supervisor):
    log_in(page, "admin")
    needs = page.locator("#needs-me")
    expect(needs).to_contain_text("locked out")
    go(page, "Users")
    page.wait_for_url("**/users/")
    expect(page.locator("#users")).to_contain_text("supervisor")
    page.get_by_role("link", name="Add a user").click()
    page.wait_for_url("**/users/add/")

    form = page.locator("#user-add")
    form.get_by_label("Username").fill("m.okafor")
    form.get_by_label("First name").fill("Mira")
    form.get_by_label("Last name").fill("Okafor")
    form.get_by_label("E-mail").fill("m.okafor@example.org")
    form.get_by_label("Supervisor").check()
    # Too short first: Django's validators refuse it, and say why.
    form.get_by_label("Password", exact=True).fill("short")
    form.get_by_label("Password again").fill("short")
    form.get_by_role("button", name="Add the user").click()
    expect(page.locator("#user-add")).to_contain_text("This password is too short")
    form = page.locator("#user-add")
    expect(form.get_by_label("Supervisor")).to_be_checked()
    form.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    form.get_by_label("Password again").fill(NEW_PASSWORD)
    screenshot(page, "admin-add-user")
    form.get_by_role("button", name="Add the user").click()
    expect(page.locator(".messages")).to_contain_text("Added m.okafor (Supervisor).")
    expect(page.locator("#account-roles")).to_have_text("Supervisor")
    user = get_user_model().objects.get(username="m.okafor")
    assert not user.is_superuser and not user.is_staff
    assert AuditEvent.objects.filter(action="user.add", object_id=str(user.pk)).exists()

    # The audit log names who was affected, and fits a 1366 px screen.
    page.set_viewport_size({"width": 1366, "height": 768})
    go(page, "Audit")
    page.get_by_label("Action").fill("add")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#audit-events")).to_contain_text("user m.okafor")
    expect(page.locator("#audit-events")).to_contain_text("roles: Supervisor")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366, width
    log_out(page)

    # The new supervisor logs in with the password the administrator gave.
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("m.okafor")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    assert "Batches" in menu_labels(page) and "Users" not in menu_labels(page)
