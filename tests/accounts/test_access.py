"""Every page of the URL map, role by role: anonymous → login, allowed → 200, others → 403."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import BatchFactory, UserFactory

ROLES = ("asa", "supervisor", "clerk", "admin")
EXAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "examples"
UPLOADERS = {"supervisor", "admin"}

# The URL map of design.md with the roles allowed on each page (written out, not derived from
# the code, so that a change to the code's permissions that breaks the design fails here).
# {list} and {conviction} are filled with the ids of a real imported list, {batch} of a batch,
# {user} of an account.
PAGES: dict[str, set[str]] = {
    "/": {"asa", "supervisor", "clerk", "admin"},
    "/lists/": UPLOADERS,
    "/lists/upload/": UPLOADERS,
    "/lists/{list}/": UPLOADERS,
    "/lists/{list}/progress/": UPLOADERS,
    "/lists/{list}/results.xlsx": UPLOADERS,
    "/review/": {"asa", "supervisor"},
    "/review/count/": {"asa", "supervisor"},
    "/people/path/{conviction}/": {"asa", "supervisor", "clerk"},
    "/review/{conviction}/": {"asa", "supervisor", "admin"},
    "/review/decisions/": {"asa", "supervisor"},
    "/review/samples/": {"supervisor"},
    "/review/samples/{sample}/": {"supervisor"},
    "/review/samples/{sample}/blind/": {"asa", "supervisor"},
    "/review/samples/{sample}/report.xlsx": {"supervisor"},
    "/batches/": {"asa", "supervisor"},
    "/batches/{batch}/": {"asa", "supervisor"},
    "/filings/": {"supervisor", "clerk"},
    "/filings/{packet}/": {"supervisor", "clerk"},
    "/filings/{packet}/download/": {"clerk"},
    "/filings/{packet}/outcomes/upload/": {"clerk"},
    "/search/?q=SMITH": {"asa", "supervisor", "clerk"},
    "/people/{conviction}/": {"asa", "supervisor", "clerk"},
    "/policy/": {"supervisor", "admin"},
    "/policy/county/": {"admin"},
    "/audit/": {"supervisor", "admin"},
    "/users/": {"admin"},
    "/users/add/": {"admin"},
    "/users/{user}/": {"admin"},
    "/audit/export.xlsx": {"supervisor", "admin"},
    "/reports/": {"supervisor", "admin"},
    "/reports/export.xlsx": {"supervisor", "admin"},
    "/reports/lists/{list}/referrals.xlsx": {"supervisor", "admin"},
}

# Endpoints that only take POST: the roles that may use them.
ACTIONS: dict[str, set[str]] = {
    "/lists/{list}/reevaluate/": UPLOADERS,
    "/lists/{list}/resume/": UPLOADERS,
    "/review/claim/": {"asa", "supervisor"},
    "/review/release/": {"asa", "supervisor"},
    "/review/reassign/": {"supervisor"},
    "/review/bulk-confirm/": {"asa", "supervisor"},
    "/review/{conviction}/claim/": {"asa", "supervisor"},
    "/review/{conviction}/decide/": {"asa", "supervisor"},
    "/policy/reevaluate/": {"supervisor", "admin"},
    "/batches/{batch}/transition/": {"asa", "supervisor"},
    "/batches/{batch}/remove/": {"asa", "supervisor"},
    "/filings/generate/{batch}/": {"clerk"},
    "/filings/{packet}/file/": {"clerk"},
    "/filings/{packet}/outcomes/": {"clerk"},
}

ROUTE_OF = {
    "{list}": "<int:pk>",
    "{conviction}": "<int:pk>",
    "{batch}": "<int:pk>",
    "{packet}": "<int:pk>",
    "{sample}": "<int:pk>",
    "{user}": "<int:pk>",
}


@pytest.fixture
def ids(db, settings, tmp_path, django_capture_on_commit_callbacks) -> dict[str, int]:
    from eligibility import services

    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        isp_list = services.list_store_file(
            path=EXAMPLES / "worked-examples.csv",
            filename="worked-examples.csv",
            as_of=date(2026, 11, 25),
            user=None,
        )

    from review.models import Batch

    maker = UserFactory(username="batch-maker")
    batch = BatchFactory(court_location="MUNICIPAL DISTRICT 1", created_by=maker)
    from django.core.files.base import ContentFile

    from filings.models import Packet

    shipped = BatchFactory(
        court_location="MUNICIPAL DISTRICT 2", created_by=maker, state=Batch.State.FILED
    )
    packet = Packet(batch=shipped, generated_by=maker, status=Packet.Status.READY)
    packet.file.save("packet.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18), save=False)
    packet.save()
    from review.services.samples import sample_draw

    sample = sample_draw(isp_list=isp_list, user=maker, size=5, seed=1)
    return {
        "{user}": maker.pk,
        "{sample}": sample.pk,
        "{packet}": packet.pk,
        "{list}": isp_list.pk,
        "{conviction}": isp_list.convictions.first().pk,
        "{batch}": batch.pk,
    }


def fill(url: str, ids: dict[str, int]) -> str:
    for key, value in ids.items():
        url = url.replace(key, str(value))
    return url


@pytest.mark.parametrize("url", [*PAGES, *ACTIONS])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, ids, url):
    response = client.get(fill(url, ids))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    ("url", "role", "allowed"),
    [(url, role, role in allowed) for url, allowed in PAGES.items() for role in ROLES],
)
def test_each_role_reaches_only_its_pages(client, request, ids, url, role, allowed):
    client.force_login(request.getfixturevalue(role))
    response = client.get(fill(url, ids))
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert b"Not allowed" in response.content


@pytest.mark.parametrize(
    ("url", "role", "allowed"),
    [(url, role, role in allowed) for url, allowed in ACTIONS.items() for role in ROLES],
)
def test_each_role_may_post_only_its_actions(client, request, ids, url, role, allowed):
    client.force_login(request.getfixturevalue(role))
    response = client.post(fill(url, ids), {})
    assert response.status_code == (302 if allowed else 403)
    assert client.get(fill(url, ids)).status_code == (405 if allowed else 403)


def test_a_user_without_a_role_sees_only_the_dashboard(client, ids, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x" * 12))
    assert client.get("/").status_code == 200
    for url in set(PAGES) - {"/"}:
        assert client.get(fill(url, ids)).status_code == 403, url


def _routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    routes = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not route.startswith("admin/"):
                routes.extend(_routes(pattern, route))
        elif isinstance(pattern, URLPattern):
            routes.append("/" + route)
    return routes


# Served to anyone, logged in or not: the icon (a redirect to a static file).
PUBLIC = {"/favicon.ico"}


def test_the_public_paths_give_nothing_away(client):
    for url in PUBLIC:
        response = client.get(url)
        assert response.status_code == 301 and response["Location"].startswith("/static/")


def test_the_matrix_covers_every_page_the_application_serves():
    served = {r for r in _routes(get_resolver()) if not r.startswith("/accounts/")}
    covered = set(PUBLIC)
    for url in [*PAGES, *ACTIONS]:
        url = url.partition("?")[0]
        for key, route in ROUTE_OF.items():
            url = url.replace(key, route)
        covered.add(url)
    assert served == covered
