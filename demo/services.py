"""The demo (``manage.py load_demo``): one user per role (password "demo"), an invented ISP list
imported and evaluated, and work for every role. Demo mode only; safe to run twice. The list's
people live in the office's county (``OFFICE_COUNTY``: ``make demo COUNTY=will`` shows a Will
County office, whose packets are omnibus).

The top layer (design.md): it may use every app's services; no app imports it.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import ADMIN, ASA, CLERK, SUPERVISOR
from core.refusals import Refused
from demo.synthetic import HEADERS, PLACES, Place, generate_rows, write_csv
from eligibility import services as eligibility_services
from eligibility.counties import office_county
from eligibility.models import Conviction, IspList
from eligibility.selectors import profile_current
from filings.models import Packet
from filings.services import packet_request
from review.models import Batch
from review.services import batches as batch_services
from review.services.reviews import decision_record

DEMO_PASSWORD = "demo"
DEMO_LIST_NAME = "demo-isp-list.csv"
DEMO_LIST_ROWS = 800
DEMO_SEED = 2019
# The police send the list again a month later (issue 18): 40 % of its rows, every fourth of
# those with a corrected sentence, and new rows (their case numbers start with "R").
DEMO_RESENT_NAME = "demo-isp-list-resent.csv"
DEMO_RESENT_NEW_ROWS = 200
DEMO_USERS = {"asa": ASA, "supervisor": SUPERVISOR, "clerk": CLERK, "admin": ADMIN}


class DemoRefused(Refused):
    """The demo was asked for outside demo mode."""


def demo_place() -> Place:
    """Where the demo list's people live: the office's county."""
    return PLACES[office_county()]


def demo_load(*, say: Callable[[str], Any] = print) -> None:
    """Create the demo users, list and work; ``say`` reports each step."""
    if not settings.DEMO_MODE:
        raise DemoRefused("load_demo creates users with a known password: set DEMO_MODE=1.")
    User = get_user_model()
    for username, role in DEMO_USERS.items():
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = role == ADMIN
            user.save()
        user.groups.add(Group.objects.get(name=role))
    say("Demo users (password 'demo'): " + ", ".join(f"{u} ({r})" for u, r in DEMO_USERS.items()))
    _demo_list(supervisor=User.objects.get(username="supervisor"), say=say)
    _demo_work(say=say)
    _demo_resent_list(supervisor=User.objects.get(username="supervisor"), say=say)


def _demo_list(*, supervisor: Any, say: Callable[[str], Any]) -> None:
    """An invented ISP list, imported and evaluated (skipped when it is already there)."""
    if IspList.objects.filter(filename=DEMO_LIST_NAME).exists():
        say(f"Demo list {DEMO_LIST_NAME} already imported.")
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = write_csv(
            Path(tmp) / DEMO_LIST_NAME, DEMO_LIST_ROWS, seed=DEMO_SEED, place=demo_place()
        )
        isp_list = _store(path, supervisor)
    say(
        f"Demo list {DEMO_LIST_NAME}: {isp_list.rows_total} rows, "
        f"{isp_list.get_status_display().lower()}."
    )


def _store(path: Path, supervisor: Any) -> IspList:
    """Import a demo list as the supervisor uploads it (evaluated now: tasks are eager)."""
    isp_list = eligibility_services.list_store_file(
        path=path,
        filename=path.name,
        as_of=timezone.localdate(),
        user=supervisor,
        confirm_reimport=True,
    )
    isp_list.refresh_from_db()
    return isp_list


def _demo_work(*, say: Callable[[str], Any]) -> None:
    """Decisions, batches and a packet, so that every role has something to do at once:
    a batch waiting for the supervisor, an approved batch and a packet for the clerk, and
    undecided convictions for the attorney."""
    if Batch.objects.exists():
        say("Demo batches already there.")
        return
    User = get_user_model()
    asa, supervisor, clerk = (
        User.objects.get(username=name) for name in ("asa", "supervisor", "clerk")
    )
    isp_list = IspList.objects.get(filename=DEMO_LIST_NAME)
    eligible = Conviction.objects.filter(
        isp_list=isp_list, determination="ELIGIBLE", reasons=[]
    ).order_by("-disposition_on", "id")
    # Three batches of 8 in the court locations with the most eligible convictions, as the
    # county profile finds a row's location (a one-courthouse county: three batches there).
    profile = profile_current()
    by_location: dict[str, list[Conviction]] = {}
    for conviction in eligible:
        if location := profile.location_of(conviction.court_location):
            by_location.setdefault(location, []).append(conviction)
    chosen = sorted(by_location, key=lambda loc: (-len(by_location[loc]), loc))[:3]
    made = []
    for number in range(3 if chosen else 0):
        location = chosen[number % len(chosen)]
        for conviction in by_location[location][8 * (number // len(chosen)) :][:8]:
            decision_record(conviction=conviction, reviewer=asa, kind="confirm", version=0)
        batch = batch_services.batch_create(court_location=location, user=asa, limit=8)
        batch_services.batch_transition(batch=batch, action="submit", user=asa)
        made.append(batch)
    if len(made) > 1:
        batch_services.batch_transition(batch=made[1], action="approve", user=supervisor)
    if len(made) > 2:
        batch_services.batch_transition(batch=made[2], action="approve", user=supervisor)
        packet_request(batch=made[2], user=clerk)  # runs now: tasks are eager in the demo
    states = ", ".join(
        f"#{b.pk} {Batch.objects.get(pk=b.pk).get_state_display().lower()}" for b in made
    )
    say(f"Demo batches: {states}; packets: {Packet.objects.count()}.")


def resent_rows() -> list[dict[str, str]]:
    """The demo list as the police send it again: rows 1, 2, 6, 7, 11, 12, … of the first
    (40 %), every fourth of them with its sentence corrected, then new rows."""
    place = demo_place()
    first = [
        row
        for row in generate_rows(DEMO_LIST_ROWS, seed=DEMO_SEED, place=place)
        if any(row.values())
    ]
    again = [row for number, row in enumerate(first) if number % 5 < 2]
    for number, row in enumerate(again):
        if number % 4 == 0:
            fixed = "2 YRS PROBATION" if row["SENTENCE"] != "2 YRS PROBATION" else "1 YR PROBATION"
            again[number] = {**row, "SENTENCE": fixed}
    new = [
        {**row, "COURT_CASE_NUMBER": f"R{number:05d}"}
        for number, row in enumerate(
            generate_rows(DEMO_RESENT_NEW_ROWS, seed=DEMO_SEED + 1, place=place)
        )
        if any(row.values())
    ]
    return again + new


def _demo_resent_list(*, supervisor: Any, say: Callable[[str], Any]) -> None:
    """The first list sent again with corrections and new rows, after attorneys decided some of
    the first: its import report shows what carried over, the queue what needs another look."""
    if IspList.objects.filter(filename=DEMO_RESENT_NAME).exists():
        say(f"Demo list {DEMO_RESENT_NAME} already imported.")
        return
    asa = get_user_model().objects.get(username="asa")
    first = IspList.objects.get(filename=DEMO_LIST_NAME)
    # Some more of the first list decided, so that decisions carry over.
    undecided = (
        Conviction.objects.filter(isp_list=first, review__isnull=True)
        .exclude(determination="NEEDS_REVIEW")
        .order_by("row_number")
    )
    for conviction in undecided[:60]:
        decision_record(conviction=conviction, reviewer=asa, kind="confirm", version=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / DEMO_RESENT_NAME
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(HEADERS)
            for row in resent_rows():
                writer.writerow(row[header] for header in HEADERS)
        isp_list = _store(path, supervisor)
    history = isp_list.history
    say(
        f"Demo list {DEMO_RESENT_NAME}: {isp_list.rows_total} rows, "
        f"{isp_list.get_status_display().lower()}; {history.get('known', 0)} already on the "
        f"first list ({history.get('carried', 0)} decisions carried over, "
        f"{history.get('flagged', 0)} for another look), {history.get('corrected', 0)} "
        f"corrected, {history.get('new', 0)} new."
    )
