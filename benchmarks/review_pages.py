"""``python -m benchmarks.review_pages --rows 1000000``: the review pages' server time at scale.

Against the configured database (``DATABASE_URL``, PostgreSQL), it creates once (and reuses on
later runs) a synthetic list of ``--rows`` convictions, imported and evaluated by the real
pipeline (``demo.synthetic`` → ``list_store_file`` → ``list_import``, tasks run in this
process), gives a sample of them a decision, and then requests each page through Django's test
client ``--requests`` times (default 50): the queue (default order and each filter), one
conviction's page, a decision, and "Take the next 25". For each it prints the median and 95th
percentile server time and the SQL queries per request (the same number every time: no N+1).

Nothing is asserted: machines are noisy, and the numbers are for people (``make bench``).
The target of issue 5 is a p95 of at most 300 ms for the queue and the detail page.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.plans import print_plan

AS_OF = date(2026, 11, 25)
DECIDED_SHARE = 0.02  # of the rows, given a decision before measuring


@dataclass(frozen=True)
class Timing:
    what: str
    seconds: list[float]
    queries: list[int]

    def percentile(self, p: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "review-bench-only")
    os.environ.setdefault("IDENTITY_KEY", "review-bench-only")
    # The pipeline's tasks run in this process (no worker needed to build the list).
    os.environ.pop("CELERY_BROKER_URL", None)
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit(
            "benchmarks.review_pages needs DATABASE_URL=postgres://... (the target is PostgreSQL)"
        )
    # A million synthetic rows make a file over the upload limit; the bench is no upload.
    os.environ.setdefault("LIST_UPLOAD_MAX_BYTES", str(4 * 1024**3))
    # The generated list file is kept outside the project's media folder.
    os.environ.setdefault("MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "review-bench-media"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def bench_list(rows: int, seed: int) -> Any:
    """The ready synthetic list of ``rows`` rows, imported on the first run and reused after."""
    from demo.synthetic import write_csv
    from eligibility import services
    from eligibility.models import IspList

    name = f"review-bench-{rows}-{seed}.csv"
    ready = IspList.objects.filter(filename=name, status=IspList.Status.READY).first()
    if ready is not None:
        print(f"Reusing list #{ready.pk} ({name}, {ready.rows_total:,} rows)", flush=True)
        return ready
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="review-bench-") as tmp:
        path = write_csv(Path(tmp) / name, rows, seed)
        isp_list = services.list_store_file(
            path=path, filename=name, as_of=AS_OF, user=None, confirm_reimport=True, start=False
        )
        isp_list = services.list_import(list_id=isp_list.pk)
    isp_list.refresh_from_db()
    print(
        f"Imported list #{isp_list.pk} ({name}, {isp_list.rows_total:,} rows, "
        f"{isp_list.get_status_display().lower()}) in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return isp_list


def bench_users() -> tuple[Any, Any]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from accounts.roles import ASA, SUPERVISOR

    users = []
    for username, role in (("bench-asa", ASA), ("bench-supervisor", SUPERVISOR)):
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.groups.add(Group.objects.get(name=role))
        users.append(user)
    return users[0], users[1]


def decide_a_sample(isp_list: Any, reviewer: Any, share: float, seed: int) -> int:
    """Give ``share`` of the list a decision (written in bulk: this is the bench's setup, not
    what it measures), so that the decided filters and the joins have rows to find."""
    from django.db import transaction
    from django.utils import timezone

    from eligibility.models import Conviction
    from review.models import Decision, Review

    if Review.objects.filter(conviction__isp_list=isp_list, decision__isnull=False).exists():
        return 0
    rng = random.Random(seed)
    rows = list(
        Conviction.objects.filter(isp_list=isp_list)
        .exclude(determination="NEEDS_REVIEW")
        .exclude(determination="")
        .values_list("pk", "determination", "reasons")
    )
    sample = rng.sample(rows, min(len(rows), int(isp_list.rows_total * share)))
    now = timezone.now()
    with transaction.atomic():
        decisions = Decision.objects.bulk_create(
            [
                Decision(
                    conviction_id=pk,
                    reviewer=reviewer,
                    decided_at=now,
                    kind=Decision.Kind.CONFIRM,
                    machine_determination=determination,
                    machine_reasons=reasons,
                    previous=determination,
                    outcome=determination,
                )
                for pk, determination, reasons in sample
            ],
            batch_size=5000,
        )
        Review.objects.bulk_create(
            [Review(conviction_id=d.conviction_id, decision=d, version=1) for d in decisions],
            batch_size=5000,
            ignore_conflicts=True,
        )
    return len(decisions)


def measure(what: str, n: int, request: Callable[[int], Any], warm: int = 3) -> Timing:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(warm):
        request(i)
    seconds, queries = [], []
    for i in range(n):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = request(i)
            seconds.append(time.perf_counter() - started)
        if response.status_code not in {200, 302}:
            raise RuntimeError(f"{what}: HTTP {response.status_code}")
        queries.append(len(captured))
    timing = Timing(what, seconds, queries)
    _print_row(timing)
    return timing


def _print_row(t: Timing) -> None:
    q = (
        f"{min(t.queries)}"
        if min(t.queries) == max(t.queries)
        else f"{min(t.queries)}-{max(t.queries)}"
    )
    print(
        f"{t.what:<44} {len(t.seconds):>5} {statistics.median(t.seconds) * 1000:>9.1f} "
        f"{t.percentile(95) * 1000:>8.1f} {max(t.seconds) * 1000:>8.1f} {q:>8}",
        flush=True,
    )


def run(rows: int, requests: int, seed: int, explain: bool) -> list[Timing]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from eligibility.models import Conviction
    from review.selectors import queue as queue_selectors
    from review.services import reviews as review_services

    isp_list = bench_list(rows, seed)
    asa, supervisor = bench_users()
    decided = decide_a_sample(isp_list, supervisor, DECIDED_SHARE, seed)
    if decided:
        print(f"Gave {decided:,} rows a decision", flush=True)
    review_services.review_release(reviewer=asa)
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE eligibility_conviction; ANALYZE review_review; ANALYZE review_decision"
        )
    rng = random.Random(seed)
    total = Conviction.objects.filter(isp_list=isp_list).count()
    ids = list(
        Conviction.objects.filter(isp_list=isp_list)
        .exclude(determination="")
        .values_list("pk", flat=True)[: 10 * requests]
    )
    detail_ids = rng.sample(ids, min(requests, len(ids)))
    year = 2005

    print(
        f"\nreview pages on PostgreSQL: {total:,} convictions in list #{isp_list.pk}; "
        f"{requests} requests each (after 3 warm-up requests); times in ms"
    )
    print(f"{'page':<44} {'reqs':>5} {'median':>9} {'p95':>8} {'max':>8} {'queries':>8}")
    timings: list[Timing] = []
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(
        ALLOWED_HOSTS=["testserver"],
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": static,
        },
        SECURE_SSL_REDIRECT=False,
    ):
        client = Client()
        client.force_login(asa)
        pages = [
            ("queue: default, pages 1-50", lambda i: f"/review/?page={i % 50 + 1}"),
            ("queue: undecided", lambda i: f"/review/?state=undecided&page={i % 10 + 1}"),
            (
                "queue: Eligible, no reason code",
                lambda i: f"/review/?determination=ELIGIBLE&reason=none&page={i % 10 + 1}",
            ),
            (
                "queue: Needs review",
                lambda i: f"/review/?determination=NEEDS_REVIEW&page={i % 10 + 1}",
            ),
            (
                "queue: reason JUVENILE_AT_OFFENSE",
                lambda i: f"/review/?reason=JUVENILE_AT_OFFENSE&page={i % 5 + 1}",
            ),
            ("queue: this list", lambda i: f"/review/?isp_list={isp_list.pk}&page={i % 10 + 1}"),
            (
                "queue: court MUNICIPAL DISTRICT 3",
                lambda i: f"/review/?court=MUNICIPAL+DISTRICT+3&page={i % 10 + 1}",
            ),
            (
                f"queue: disposition year {year}",
                lambda i: f"/review/?year={year}&page={i % 10 + 1}",
            ),
            ("queue: decided", lambda i: f"/review/?state=decided&page={i % 10 + 1}"),
            ("queue: 100 a page", lambda i: f"/review/?per_page=100&page={i % 10 + 1}"),
        ]
        for what, url in pages:
            timings.append(measure(what, requests, lambda i, url=url: client.get(url(i))))
        timings.append(
            measure(
                "detail page",
                requests,
                lambda i: client.get(f"/review/{detail_ids[i % len(detail_ids)]}/"),
            )
        )

        def claim(i: int) -> Any:
            review_services.review_release(reviewer=asa)
            return client.post("/review/claim/")

        timings.append(measure("take the next 25 (POST, after a release)", requests, claim))
        timings.append(
            measure("queue: held by me", requests, lambda i: client.get("/review/?mine=on"))
        )

        # Hold enough items first, so that each timed request is one decision and nothing else.
        review_services.review_release(reviewer=asa)
        review_services.review_claim_next(reviewer=asa, count=requests + 5)
        held = iter(
            Conviction.objects.filter(queue_selectors.held_by_q(asa))
            .order_by(*queue_selectors.QUEUE_ORDER)
            .values_list("pk", "determination")
        )

        def decide(i: int) -> Any:
            pk, determination = next(held)
            data: dict[str, Any] = {"kind": "confirm", "version": 1}
            if determination == "NEEDS_REVIEW":
                data.update(kind="override", outcome="ELIGIBLE", reason="court_file")
            return client.post(f"/review/{pk}/decide/", data, headers={"HX-Request": "true"})

        timings.append(measure("decide by htmx (the next item comes back)", requests, decide))
        review_services.review_release(reviewer=asa)
    if explain:
        _explain(queue_selectors.queue_convictions())
    return timings


def _explain(queryset: Any) -> None:
    sql, params = queryset[:26].query.sql_with_params()
    print_plan(sql, params, "the default queue page")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.review_pages", description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="list size (default 100000)")
    parser.add_argument("--requests", type=int, default=50, help="requests per page (default 50)")
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--explain", action="store_true", help="print the queue query's plan")
    options = parser.parse_args(argv)
    _setup()
    run(options.rows, options.requests, options.seed, options.explain)
    return 0


if __name__ == "__main__":
    sys.exit(main())
