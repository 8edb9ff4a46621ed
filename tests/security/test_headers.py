"""Response headers (CSP, framing, sniffing, referrer, HSTS, caching) and no inline script or
style anywhere, in the templates or in the pages they render."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.accounts.test_access import PAGES, ROLES, fill, ids  # noqa: F401 - ids is a fixture

ROOT = Path(__file__).resolve().parent.parent.parent
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# What the Content-Security-Policy would block: inline script, inline style, event handlers,
# javascript: URLs, and htmx's own inline handlers and eval.
INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "style= attribute": re.compile(r"<[^>]+\sstyle\s*=", re.I),
    "on…= handler": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "hx-on handler": re.compile(r"\b(?:data-)?hx-on", re.I),
    "js: expression": re.compile(r"\bhx-(?:vals|vars)\s*=\s*['\"]\s*js:", re.I),
}


def inline_problems(html: str) -> list[str]:
    return [name for name, pattern in INLINE.items() if pattern.search(html)]


# Court documents are templates turned into PDF files (filings/documents/), never served as pages.
NOT_PAGES = ("filings/documents/",)


def template_files() -> list[Path]:
    dirs = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    dirs += [ROOT / app / "templates" for app in ("accounts", "eligibility", "review", "filings")]
    return sorted(
        path
        for d in dirs
        if d.is_dir()
        for path in d.rglob("*.html")
        if not path.relative_to(d).as_posix().startswith(NOT_PAGES)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True])
def test_every_response_carries_the_security_headers(client, asa, signed_in):
    if signed_in:
        client.force_login(asa)
    response = client.get("/" if signed_in else "/accounts/login/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CSP
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_error_pages_carry_them_too(client, asa):
    client.force_login(asa)
    for url, status in (("/lists/", 403), ("/no-such-page/", 404)):
        response = client.get(url)
        assert response.status_code == status
        assert response["Content-Security-Policy"] == CSP
        assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_pages_for_a_signed_in_user_are_never_cached(client, asa):
    client.force_login(asa)
    assert client.get("/")["Cache-Control"] == "no-store"
    assert client.get("/review/")["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_https_responses_carry_hsts(client):
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_outside_the_tests(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"
    # Behind the TLS proxy, which says so in X-Forwarded-Proto, there is no redirect.
    assert client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


@pytest.mark.django_db
def test_htmx_is_told_to_add_no_inline_style_and_to_eval_nothing(client):
    page = client.get("/accounts/login/").content.decode()
    assert (
        '<meta name="htmx-config" content=\'{"includeIndicatorStyles":false,"allowEval":false}\'>'
    ) in page
    assert re.search(r'<script src="/static/vendor/htmx-[\d.]+\.min\.js" defer></script>', page)


def test_the_template_scan_finds_every_template():
    names = {p.name for p in template_files()}
    assert {"base.html", "login.html", "audit.html", "list_detail.html"} <= names


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_inline_script_or_style(path):
    assert inline_problems(path.read_text()) == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", sorted(PAGES))
def test_no_page_renders_inline_script_or_style(client, request, ids, url):  # noqa: F811
    allowed = [role for role in ROLES if role in PAGES[url]]
    client.force_login(request.getfixturevalue(allowed[0]))
    response = client.get(fill(url, ids))
    assert response.status_code == 200
    if response["Content-Type"].startswith("text/html"):
        assert inline_problems(response.content.decode()) == []


@pytest.mark.django_db
def test_the_login_lockout_and_admin_pages_render_no_inline_script_or_style(client, admin, asa):
    pages = {"/accounts/login/": client.get("/accounts/login/")}
    for _ in range(5):
        pages["lockout"] = client.post("/accounts/login/", {"username": "asa", "password": "x"})
    assert pages["lockout"].status_code == 429
    client.force_login(admin)
    for url in (
        "/admin/",
        "/admin/auth/user/",
        f"/admin/auth/user/{asa.pk}/change/",
        "/admin/auth/user/add/",
        "/admin/axes/accessattempt/",
        "/admin/accounts/auditevent/",
    ):
        pages[url] = client.get(url)
    for name, response in pages.items():
        assert inline_problems(response.content.decode()) == [], name
