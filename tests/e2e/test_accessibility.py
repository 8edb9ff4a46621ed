"""Accessibility: axe-core finds nothing on any page each role reaches from its menu, every form
control of the main pages has a label, the queue is worked with the keyboard alone
(static/js/review.js), and the focused element shows a visible outline."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from filings.models import Packet
from review.models import Decision
from review.services import batches, samples

from ..review.conftest import make_list
from .conftest import axe_findings, decide, log_in, log_out, menu_labels, screenshot

# The form controls a person fills in (not hidden inputs or buttons, not a hidden form), and
# those among them without an accessible name: aria-label, aria-labelledby or a <label>.
UNLABELLED = """() => Array.from(document.querySelectorAll("input, select, textarea"))
  .filter(el => !["hidden", "submit", "button", "reset", "image"].includes(el.type))
  .filter(el => !el.closest("[hidden]"))
  .filter(el => {
    const text = s => (s || "").replace(/\\s+/g, " ").trim();
    const byAria = text(el.getAttribute("aria-label"));
    const byIds = text((el.getAttribute("aria-labelledby") || "").split(/\\s+/)
      .map(id => (document.getElementById(id) || {}).textContent).join(" "));
    const byLabel = text(Array.from(el.labels || []).map(l => l.textContent).join(" "));
    return !(byAria || byIds || byLabel);
  })
  .map(el => el.outerHTML.slice(0, 160))"""

CONTROLS = """() => Array.from(document.querySelectorAll("input, select, textarea"))
  .filter(el => !["hidden", "submit", "button", "reset", "image"].includes(el.type)).length"""


def unlabelled(page, url: str) -> int:
    """Open ``url``; fail with the controls that have no label; return how many were checked."""
    response = page.goto(url)
    assert response.status == 200, f"{url}: {response.status}"
    missing = page.evaluate(UNLABELLED)
    assert not missing, f"{url}: controls without a label: {missing}"
    return page.evaluate(CONTROLS)


@pytest.fixture
def pages_data(demo_list, asa, clerk):
    """A conviction to open, a submitted batch, a draft batch and a packet."""
    submitted = make_list(3, court="MUNICIPAL DISTRICT 8", name="ABERNATHY")
    draft = make_list(2, court="MUNICIPAL DISTRICT 9", name="BRANNIGAN")
    for conviction in [*submitted.convictions.all(), *draft.convictions.all()]:
        decide(conviction, asa)
    batch = batches.batch_create(court_location="MUNICIPAL DISTRICT 8", user=asa)
    batches.batch_transition(batch=batch, action="submit", user=asa)
    draft_batch = batches.batch_create(court_location="MUNICIPAL DISTRICT 9", user=asa)
    packet = Packet.objects.create(batch=batch, status=Packet.Status.READY, generated_by=clerk)
    conviction = demo_list.convictions.filter(determination="NEEDS_REVIEW").first()
    return {"conviction": conviction, "batch": batch, "draft": draft_batch, "packet": packet}


# The pages one click beyond each role's menu, by role (a "{name}" is a key of ``deeper``).
DEEPER = {
    "asa": [
        "/review/{conviction}/",
        "/review/decisions/",
        "/batches/{batch}/",
        "/batches/{draft}/",
        "/search/?q={surname}",
        "/people/{conviction}/",
    ],
    "supervisor": [
        "/lists/upload/",
        "/lists/{list}/",
        "/review/{conviction}/",
        "/review/decisions/",
        "/batches/{batch}/",
        "/filings/{packet}/",
        "/audit/?user=asa&action=person&date_after=2020-01-01&date_before=2099-12-31",
        "/review/samples/",
        "/review/samples/{sample}/",
        "/search/?q={surname}",
        "/people/{conviction}/",
    ],
    "clerk": [
        "/filings/{packet}/",
        "/filings/{filed}/",
        "/search/?q={surname}",
        "/people/{conviction}/",
    ],
    "admin": [
        "/lists/upload/",
        "/lists/{list}/",
        "/audit/?user=asa&action=person&date_after=2020-01-01&date_before=2099-12-31",
    ],
}


def test_axe_core_finds_nothing_on_the_pages_each_role_reaches(
    page, settings, asa, supervisor, supervisor2, clerk, admin, demo_list, pages_data
):
    """axe-core's WCAG 2.1 A and AA rules and "region", in the demo's layout (its banner too),
    on every page of each role's menu and one click beyond: no finding of any impact."""
    settings.DEMO_MODE = True
    sample = samples.sample_draw(isp_list=demo_list, user=supervisor, size=4, seed=2026)
    filed = make_list(2, court="MUNICIPAL DISTRICT 6", name="CALLOWAY")
    for conviction in filed.convictions.all():
        decide(conviction, asa)
    filed_batch = batches.batch_create(court_location="MUNICIPAL DISTRICT 6", user=asa)
    batches.batch_transition(batch=filed_batch, action="submit", user=asa)
    batches.batch_transition(batch=filed_batch, action="approve", user=supervisor2)
    filed_packet = Packet.objects.create(
        batch=filed_batch, status=Packet.Status.FILED, generated_by=clerk
    )
    conviction = pages_data["conviction"]
    deeper = {
        "conviction": conviction.pk,
        "batch": pages_data["batch"].pk,
        "draft": pages_data["draft"].pk,
        "packet": pages_data["packet"].pk,
        "filed": filed_packet.pk,
        "list": demo_list.pk,
        "sample": sample.pk,
        "surname": conviction.last_name,
    }

    findings: dict[str, list[str]] = {}
    checked = 0

    def check(role: str) -> None:
        nonlocal checked
        checked += 1
        found = axe_findings(page)
        if found:
            findings[f"{role} /{page.url.split('/', 3)[3]}"] = found

    page.goto("/accounts/login/")
    check("anonymous")
    for role, beyond in DEEPER.items():
        log_in(page, role)
        assert page.locator(".demo-banner").is_visible()
        check(role)  # the dashboard
        for label in menu_labels(page)[1:]:
            link = page.get_by_role("navigation", name="Main").get_by_role("link", name=label)
            response = page.goto(link.get_attribute("href"))
            assert response.status == 200, f"{role} {label}: {response.status}"
            check(role)
        for url in beyond:
            response = page.goto(url.format(**deeper))
            assert response.status == 200, f"{role} {url}: {response.status}"
            if "date_after" in url:  # the audit log's dates, each in its own labelled field
                expect(page.get_by_label("From", exact=True)).to_have_value("2020-01-01")
                expect(page.get_by_label("To", exact=True)).to_have_value("2099-12-31")
            check(role)
        log_out(page)
    assert checked >= 40, f"only {checked} pages were checked"
    assert not findings, "axe-core findings:\n" + "\n".join(
        f"{where}\n  " + "\n  ".join(found) for where, found in findings.items()
    )


def test_every_form_control_of_the_main_pages_has_a_label(page, supervisor, pages_data):
    checked = 0
    log_in(page, "supervisor")
    for url in (
        "/review/",
        f"/review/{pages_data['conviction'].pk}/",
        "/review/decisions/",
        "/batches/",
        f"/batches/{pages_data['batch'].pk}/",
        "/lists/",
        "/lists/upload/",
        "/policy/",
        f"/filings/{pages_data['packet'].pk}/",
    ):
        checked += unlabelled(page, url)
    log_out(page)

    log_in(page, "asa")
    checked += unlabelled(page, f"/batches/{pages_data['draft'].pk}/")
    log_out(page)

    log_in(page, "clerk")
    packet = pages_data["packet"]
    checked += unlabelled(page, "/filings/")
    checked += unlabelled(page, f"/filings/{packet.pk}/")  # the "mark it filed" form
    Packet.objects.filter(pk=packet.pk).update(status=Packet.Status.FILED)
    checked += unlabelled(page, f"/filings/{packet.pk}/")  # the rulings form
    assert checked > 30, f"only {checked} controls were checked"


def current_row(page) -> str:
    return page.locator("#queue tbody tr.current").get_attribute("id")


def test_the_queue_is_worked_with_the_keyboard_alone(page, asa, demo_list):
    log_in(page, "asa")
    page.goto("/review/")

    # Tab to "Take the next 25" and press Enter.
    for _ in range(80):
        if page.evaluate("document.activeElement.id") == "take-next":
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("Tab never reached the “Take the next 25” button")
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("You now hold 25 more convictions")

    # j / k move the current row; x ticks it.
    rows = page.locator("#queue tbody tr[data-href]")
    ids = [rows.nth(i).get_attribute("id") for i in range(3)]
    expect(page.locator("#queue tbody tr.current")).to_have_count(1)
    assert current_row(page) == ids[0]
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert current_row(page) == ids[2]
    expect(rows.nth(2)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("k")
    assert current_row(page) == ids[1]
    page.keyboard.press("x")
    expect(rows.nth(1).locator("input[type=checkbox]")).to_be_checked()
    page.keyboard.press("x")
    expect(rows.nth(1).locator("input[type=checkbox]")).not_to_be_checked()
    screenshot(page, "queue-keyboard")

    # c confirms the current row; the queue of undecided held rows comes back without it.
    confirmed = int(ids[1].removeprefix("row-"))
    page.keyboard.press("c")
    expect(page.locator(".messages")).to_contain_text("Confirmed:")
    expect(page).to_have_url(re.compile(rf"#row-{confirmed}$"))
    assert Decision.objects.get(conviction_id=confirmed).kind == "confirm"
    expect(page.locator(f"#row-{confirmed}")).to_have_count(0)
    assert current_row(page) == ids[0]

    # Enter opens the current row; c confirms it there (htmx) and the next held item opens.
    page.keyboard.press("j")
    opened = int(current_row(page).removeprefix("row-"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/review/{opened}/$"))
    page.keyboard.press("c")
    expect(page.locator("#review-item .messages")).to_contain_text("Confirmed:")
    assert Decision.objects.get(conviction_id=opened).kind == "confirm"

    # o goes to the override; the form is filled and sent with the keyboard.
    overridden = int(page.locator("#review-item").get_attribute("data-conviction"))
    assert overridden not in {confirmed, opened}
    page.keyboard.press("o")
    expect(page.locator("#override select[name=outcome]")).to_be_focused()
    if page.locator("#override select[name=outcome]").input_value() == "":
        page.keyboard.press("ArrowDown")  # a row that needs review: resolve it to Eligible
    page.keyboard.press("Tab")
    expect(page.locator("#override select[name=reason]")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.type("Checked the court file.")
    page.keyboard.press("Tab")
    expect(page.locator("#override-button")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#review-item .messages")).to_contain_text("Overridden:")
    decision = Decision.objects.get(conviction_id=overridden)
    assert decision.kind == "override" and decision.reason and decision.note


VISIBLE_OUTLINE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase() + (el.id ? "#" + el.id : ""),
    focusVisible: el.matches(":focus-visible"),
    style: style.outlineStyle,
    width: parseFloat(style.outlineWidth),
  };
}"""


def test_the_focused_element_has_a_visible_outline(page, asa, demo_list):
    log_in(page, "asa")
    conviction = demo_list.convictions.filter(determination="ELIGIBLE").first()
    for url in ("/review/", f"/review/{conviction.pk}/", "/batches/"):
        page.goto(url)
        seen = 0
        for _ in range(15):
            page.keyboard.press("Tab")
            focused = page.evaluate(VISIBLE_OUTLINE)
            if focused is None:
                continue
            seen += 1
            assert focused["focusVisible"], f"{url}: {focused}"
            assert focused["style"] != "none" and focused["width"] >= 2, f"{url}: {focused}"
        assert seen >= 10, f"{url}: only {seen} elements took the focus"
    page.goto("/review/")
    for _ in range(3):
        page.keyboard.press("Tab")
    screenshot(page, "focus-visible")
