"""Every page of the URL map, role by role: anonymous → login, allowed → 200, others → 403."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

ROLES = ("asa", "supervisor", "clerk", "admin")

# The URL map of design.md with the roles allowed on each page (written out, not derived from
# the code, so that a change to the code's permissions that breaks the design fails here).
PAGES: dict[str, set[str]] = {
    "/": {"asa", "supervisor", "clerk", "admin"},
    "/lists/": {"supervisor", "admin"},
    "/review/": {"asa", "supervisor"},
    "/review/samples/": {"supervisor"},
    "/batches/": {"asa", "supervisor"},
    "/filings/": {"supervisor", "clerk"},
    "/policy/": {"supervisor", "admin"},
    "/audit/": {"supervisor", "admin"},
}

CASES = [(url, role, role in allowed) for url, allowed in PAGES.items() for role in ROLES]


@pytest.mark.parametrize("url", PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(("url", "role", "allowed"), CASES)
def test_each_role_reaches_only_its_pages(client, request, url, role, allowed):
    client.force_login(request.getfixturevalue(role))
    response = client.get(url)
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert b"Not allowed" in response.content


def test_a_user_without_a_role_sees_only_the_dashboard(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x" * 12))
    assert client.get("/").status_code == 200
    for url in set(PAGES) - {"/"}:
        assert client.get(url).status_code == 403, url


def _paths(resolver: URLResolver, prefix: str = "") -> list[str]:
    paths = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith("admin/"):
                continue
            paths.extend(_paths(pattern, route))
        elif isinstance(pattern, URLPattern):
            paths.append("/" + route)
    return paths


def test_the_matrix_covers_every_page_the_application_serves():
    served = {p for p in _paths(get_resolver()) if "<" not in p and not p.startswith("/accounts/")}
    assert served == set(PAGES)
