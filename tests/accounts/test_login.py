from __future__ import annotations

import re

import pytest

MENUS = {
    "asa": {"Review", "Batches"},
    "supervisor": {"Lists", "Review", "Batches", "Filings", "Policy", "Reports", "Audit"},
    "clerk": {"Filings"},
    "admin": {"Lists", "Policy", "Reports", "Audit", "Users"},
}


def menu_labels(html: str) -> set[str]:
    nav = re.search(r'<nav class="menu".*?</nav>', html, re.S)
    assert nav, "the page has a menu"
    labels = set(re.findall(r"<a [^>]*>([^<]+)</a>", nav.group(0)))
    return labels - {"Dashboard"}


def test_the_login_page_is_served_to_anyone(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="password"' in response.content


@pytest.mark.parametrize("role", sorted(MENUS))
def test_a_user_logs_in_with_a_password_and_sees_the_menu_of_the_role(client, request, role):
    request.getfixturevalue(role)
    response = client.post(
        "/accounts/login/", {"username": role, "password": "correct horse battery"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert menu_labels(response.content.decode()) == MENUS[role]


def test_a_wrong_password_is_refused(client, asa):
    response = client.post("/accounts/login/", {"username": "asa", "password": "wrong"})
    assert response.status_code == 200
    assert b"did not match" in response.content
    assert "_auth_user_id" not in client.session


def test_logging_out_ends_the_session(client, asa):
    client.force_login(asa)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_the_user_admin_is_open_to_the_admin_role_only(client, admin, supervisor):
    client.force_login(admin)
    assert client.get("/admin/auth/user/").status_code == 200
    client.force_login(supervisor)
    assert client.get("/admin/auth/user/").status_code == 302
