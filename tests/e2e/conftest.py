"""Browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "correct horse battery"  # the personas' password (tests/conftest.py)
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "docs" / "screenshots"

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
# plain synchronous calls between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (make e2e installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def log_in(page, username: str) -> None:
    """Log in from the login page, and land on the dashboard (both checked by axe-core)."""
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    assert_accessible(page)


def screenshot(page, name: str) -> None:
    """Keep a screenshot for the README (docs/screenshots/), taken by the tests of this commit,
    of a page axe-core finds nothing on."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert_accessible(page)


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/**")


def menu_labels(page) -> list[str]:
    """The entries of the main menu, in order."""
    return page.get_by_role("navigation", name="Main").get_by_role("link").all_inner_texts()


def go(page, label: str) -> None:
    """Follow an entry of the main menu, to a page axe-core finds nothing on."""
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name=label)
    url = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**{url}")
    assert_accessible(page)


@pytest.fixture
def demo_list(live_server, settings, tmp_path):
    """A synthetic list with realistic names (the demo's generator), imported and evaluated in
    this process (tasks are eager without the ``celery_worker`` fixture)."""
    from datetime import date

    from demo.services import DEMO_SEED
    from demo.synthetic import write_csv
    from eligibility import services
    from eligibility.models import IspList

    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_csv(tmp_path / "demo.csv", DEMO_ROWS, seed=DEMO_SEED)
    isp_list = services.list_store_file(
        path=path, filename="demo.csv", as_of=date(2026, 11, 25), user=None
    )
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.READY, isp_list.status
    return isp_list


DEMO_ROWS = 120


def decide(conviction, reviewer, outcome: str = "ELIGIBLE"):
    """Record a decision through the service, as the queue would (confirm when it agrees)."""
    from review.services import reviews as review_services

    review = getattr(conviction, "review", None)
    kind = "confirm" if outcome == conviction.determination else "override"
    return review_services.decision_record(
        conviction=conviction,
        reviewer=reviewer,
        kind=kind,
        version=review.version if review else 0,
        outcome=outcome,
        reason="court_file" if kind == "override" else "",
    )


# axe-core (bundled in axe-playwright-python: nothing is fetched at run time): the WCAG 2.1 A and
# AA rules, and axe's best practices, among them "region" (all content inside a landmark) and
# "empty-table-header" (issue 20).
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


def axe_findings(page) -> list[str]:
    """axe-core's findings on the page as it is now, one line each: rule, impact, elements."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + "; ".join(", ".join(map(str, node["target"])) for node in v["nodes"])
        for v in results.response["violations"]
    ]


def assert_accessible(page) -> None:
    """Fail with every axe-core finding on the page, of any impact."""
    findings = axe_findings(page)
    assert not findings, f"{page.url}: axe-core findings:\n" + "\n".join(findings)
