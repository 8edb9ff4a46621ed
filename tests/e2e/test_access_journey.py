"""Journey 6: each role is refused the pages of the others, and its menu offers only its own."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts import roles
from accounts.access import perm
from accounts.menu import MENU

from .conftest import assert_accessible, log_in, menu_labels, screenshot

# The pages each role works on (a GET answers 200) and the other roles' pages (403, "Not allowed").
ROLES = {
    "asa": {
        "role": roles.ASA,
        "never": ["Lists", "Filings", "Policy", "Reports", "Audit", "Users"],
        "own": ["/review/", "/review/decisions/", "/batches/"],
        "refused": [
            "/lists/",
            "/lists/upload/",
            "/policy/",
            "/audit/",
            "/reports/",
            "/filings/",
            "/review/samples/",
        ],
    },
    "supervisor": {
        "role": roles.SUPERVISOR,
        "never": ["Users"],
        "own": [
            "/lists/",
            "/lists/upload/",
            "/review/",
            "/batches/",
            "/filings/",
            "/policy/",
            "/audit/",
            "/reports/",
            "/review/samples/",
        ],
        # Clerks' actions: a supervisor sees packets but neither generates nor downloads them.
        "refused": ["/filings/generate/1/", "/filings/1/download/"],
    },
    "clerk": {
        "role": roles.CLERK,
        "never": ["Lists", "Review", "Batches", "Policy", "Reports", "Audit", "Users"],
        "own": ["/filings/"],
        "refused": [
            "/review/",
            "/review/decisions/",
            "/review/1/",
            "/batches/",
            "/lists/",
            "/lists/upload/",
            "/policy/",
            "/audit/",
            "/reports/",
            "/review/samples/",
        ],
    },
    "admin": {
        "role": roles.ADMIN,
        "never": ["Review", "Batches", "Filings"],
        "own": [
            "/lists/",
            "/lists/upload/",
            "/policy/",
            "/reports/",
            "/audit/",
            "/admin/auth/user/",
        ],
        "refused": [
            "/review/",
            "/review/decisions/",
            "/batches/",
            "/filings/",
            "/filings/1/download/",
            "/review/samples/",
        ],
    },
}


def menu_of(role: str) -> list[str]:
    """The entries the menu promises a role (accounts/menu.py), from its permissions."""
    held = {perm(codename) for codename in roles.ROLE_PERMISSIONS[role]}
    return ["Dashboard"] + [e.label for e in MENU if held & {perm(p) for p in e.permissions}]


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_is_refused_the_pages_of_the_others(page, request, role):
    request.getfixturevalue(role)  # the persona of that name
    pages = ROLES[role]
    menu = menu_of(pages["role"])
    assert not set(menu) & set(pages["never"])
    log_in(page, role)
    assert menu_labels(page) == menu
    cards = page.locator("ul.cards").get_by_role("link").all_inner_texts()
    samples = ["Validation samples"] if role == "supervisor" else []
    assert cards == menu[1:] + samples, "the dashboard offers the same pages"

    for url in pages["own"]:
        response = page.goto(url)
        assert response.status == 200, f"{role} {url}: {response.status}"
        expect(page.get_by_role("heading", name="Not allowed")).to_have_count(0)

    for url in pages["refused"]:
        response = page.goto(url)
        assert response.status == 403, f"{role} {url}: {response.status}"
        expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
        assert menu_labels(page) == menu, "the 403 page keeps the role's own menu"
    assert_accessible(page)  # the 403 page
    if role == "clerk":
        screenshot(page, "refused-clerk")
