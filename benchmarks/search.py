"""``python -m benchmarks.search --rows 1000000``: finding a person (issue 18) at scale.

Against the configured database (``DATABASE_URL``, PostgreSQL), it creates once (and reuses on
later runs) two synthetic lists of ``--rows`` convictions together, imported and evaluated by
the real pipeline (``demo.synthetic`` → ``list_store_file`` → ``list_import``, tasks run in this
process, rows stored by COPY): the first holds 60 % of them, the second repeats the first 40 %
of the first (a list sent again: the same convictions, matched by identity). Then it searches
``--requests`` times (default 50) for each kind of key, for people drawn at random from both
lists, through Django's test client (the whole request: the query, the paths, the audit entry,
the page): a last name, ``LAST, FIRST``, a SID typed in lower case, a DCN, a court case number
written with dashes and spaces, a date of birth written M/D/YYYY; and opens the person's page.
For each it prints the median and 95th percentile server time and the SQL queries per request.

Nothing is asserted (``make bench``); the target of issue 18 is a p95 of at most 300 ms.
The lists stay in the database (named ``search-bench-*``) and are reused by the next run.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.plans import print_plan
from benchmarks.review_pages import Timing, measure

AS_OF = date(2026, 11, 25)
FIRST_SHARE = 0.6  # of the rows, on the first list; the second repeats the rest of them


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "search-bench-only")
    os.environ.setdefault("IDENTITY_KEY", "search-bench-only")
    os.environ.pop("CELERY_BROKER_URL", None)  # the pipeline's tasks run in this process
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("benchmarks.search needs DATABASE_URL=postgres://... (the target is PostgreSQL)")
    os.environ.setdefault("LIST_UPLOAD_MAX_BYTES", str(4 * 1024**3))
    os.environ.setdefault("MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "search-bench-media"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    from demo.synthetic import HEADERS

    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADERS)
        for row in rows:
            writer.writerow(row[header] for header in HEADERS)
    return path


def _import(path: Path) -> Any:
    from eligibility import services

    started = time.perf_counter()
    isp_list = services.list_store_file(
        path=path, filename=path.name, as_of=AS_OF, user=None, confirm_reimport=True, start=False
    )
    isp_list = services.list_import(list_id=isp_list.pk)
    isp_list.refresh_from_db()
    print(
        f"Imported list #{isp_list.pk} ({path.name}, {isp_list.rows_total:,} rows, "
        f"{isp_list.get_status_display().lower()}) in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return isp_list


def bench_lists(rows: int, seed: int) -> list[Any]:
    """The two ready lists of ``rows`` rows together, imported on the first run."""
    from demo.synthetic import generate_rows
    from eligibility.models import IspList

    first_n = int(rows * FIRST_SHARE)
    names = [f"search-bench-{rows}-{seed}-first.csv", f"search-bench-{rows}-{seed}-again.csv"]
    ready = list(IspList.objects.filter(filename__in=names, status=IspList.Status.READY))
    if len(ready) == 2:
        for isp_list in sorted(ready, key=lambda each: each.pk):
            print(f"Reusing list #{isp_list.pk} ({isp_list.filename}, {isp_list.rows_total:,})")
        return sorted(ready, key=lambda each: each.pk)
    IspList.objects.filter(filename__in=names).delete()
    generated = list(generate_rows(first_n, seed))
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        first = _import(_write(Path(tmp) / names[0], generated))
        again = _import(_write(Path(tmp) / names[1], generated[: rows - first_n]))
    return [first, again]


def bench_user() -> Any:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from accounts.roles import ASA

    user, _ = get_user_model().objects.get_or_create(username="bench-asa")
    user.groups.add(Group.objects.get(name=ASA))
    return user


def spoken_case(number: str) -> str:
    """A case number as a caller reads it out: dashes between its letters and digits."""
    out = []
    for ch in number:
        if out and ch.isdigit() != out[-1][-1].isdigit():
            out.append(ch)
        else:
            out[-1:] = [(out[-1] if out else "") + ch]
    return "-".join(out).lower()


QUERIES: dict[str, Callable[[Any], str]] = {
    "last name": lambda c: c.last_name,
    "last, first": lambda c: f"{c.last_name}, {c.first_name}",
    "SID (lower case)": lambda c: c.sid.lower(),
    "DCN": lambda c: c.dcn,
    "case number (dashes)": lambda c: spoken_case(c.court_case_number),
    "date of birth (M/D/YYYY)": lambda c: f"{c.born_on.month}/{c.born_on.day}/{c.born_on.year}",
}
NEEDS = {
    "SID (lower case)": "sid",
    "DCN": "dcn",
    "case number (dashes)": "court_case_number",
    "date of birth (M/D/YYYY)": "born_on",
}


def run(rows: int, requests: int, seed: int, explain: bool) -> list[Timing]:
    from urllib.parse import urlencode

    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from eligibility.models import Conviction

    lists = bench_lists(rows, seed)
    asa = bench_user()
    with connection.cursor() as cursor:
        # As autovacuum leaves the table once the import's updates (copy_of) are done.
        cursor.execute("VACUUM ANALYZE eligibility_conviction")
    total = Conviction.objects.filter(isp_list__in=lists).count()
    rng = random.Random(seed)
    top = Conviction.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    low = min(each.pk for each in lists)
    picked: dict[str, list[Any]] = {}
    for what in QUERIES:
        chosen: list[Any] = []
        while len(chosen) < requests:
            pks = [rng.randint(1, top) for _ in range(4 * requests)]
            for c in Conviction.objects.filter(
                pk__in=pks, isp_list_id__gte=low, purged_at__isnull=True
            ):
                if len(chosen) < requests and (what not in NEEDS or getattr(c, NEEDS[what])):
                    chosen.append(c)
        picked[what] = chosen

    print(
        f"\nfinding a person on PostgreSQL: {total:,} convictions in lists "
        f"{', '.join(f'#{each.pk} ({each.rows_total:,})' for each in lists)}; "
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
        for what, query in QUERIES.items():
            chosen = picked[what]

            def search(i: int, chosen: list[Any] = chosen, query: Any = query) -> Any:
                response = client.get(
                    "/search/?" + urlencode({"q": query(chosen[i % len(chosen)])})
                )
                assert b"/people/" in response.content, "the person is found"
                return response

            timings.append(measure(f"search: {what}", requests, search))
        people = picked["last, first"]
        timings.append(
            measure(
                "the person's page",
                requests,
                lambda i: client.get(f"/people/{people[i % len(people)].pk}/"),
            )
        )
    if explain:
        row = picked["last, first"][0]
        _explain(row.last_name)
        _explain(f"{row.last_name}, {row.first_name}")
    return timings


def _explain(text: str) -> None:
    from people.selectors import conviction_ids_union, query_read

    union = conviction_ids_union(query=query_read(text))
    assert union is not None, text
    sql, params = union.query.sql_with_params()
    print_plan(sql, params, f"the ids a search finds ({text})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.search", description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="rows of both lists together")
    parser.add_argument("--requests", type=int, default=50, help="requests per kind (default 50)")
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--explain", action="store_true", help="print a search's query plan")
    options = parser.parse_args(argv)
    _setup()
    run(options.rows, options.requests, options.seed, options.explain)
    return 0


if __name__ == "__main__":
    sys.exit(main())
