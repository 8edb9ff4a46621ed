"""``python -m benchmarks.packets``: how long a court packet takes, and how much memory, here.

Builds the packet (motion, orders, Exhibit A, notices, mailing list, manifest, zip) for
``--convictions`` synthetic convictions (default 1,000): the first rows of a synthetic ISP list
(``demo.synthetic``) of the ``--county``'s people (default cook) that the engine finds ELIGIBLE,
each with its basis, all put in one court location as a batch would be. The papers are in the
words of that county's shipped profile; ``--shape`` (per_case or omnibus) overrides its packet
shape: ``--county will --shape omnibus --convictions 1653`` is Will County's filing of 2020.
Generating and evaluating the list is not timed. Prints the seconds of each document and of the
whole, the counts, the zip's size and the peak resident memory. Nothing is asserted: the numbers
are for people (``make bench``).
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

AS_OF = date(2026, 11, 25)
# The batch's court location in a county whose list's column names it (a one-courthouse county
# files in its courthouse).
LOCATION = "MUNICIPAL DISTRICT 1"

if TYPE_CHECKING:
    from filings.documents.data import PacketConviction, PacketCounty


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS)
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def _cpu_seconds() -> float:
    """User and system time of this process and of its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def shipped_county(county: str, shape: str | None) -> tuple[PacketCounty, str]:
    """The shipped profile of ``county`` as the papers take it, in ``shape`` if given, and
    where it files a batch of the list's ``LOCATION`` (a one-courthouse county: there)."""
    from eligibility.counties import SHIPPED
    from eligibility.models import CountyProfile
    from filings.documents.data import PacketCounty

    values = {**SHIPPED[county], **({"packet_shape": shape} if shape else {})}
    profile = CountyProfile(county=county, version=1, **values)
    return PacketCounty.from_profile(profile), profile.location_of(LOCATION)


def synthetic_convictions(
    count: int, seed: int, *, county: str = "cook", location: str = LOCATION
) -> list[PacketConviction]:
    """``count`` ELIGIBLE convictions of a synthetic list of ``county``'s people, as a batch
    would hand them over."""
    from demo.synthetic import PLACES, generate_rows
    from eligibility.counties import SHIPPED
    from eligibility.listfiles import CANONICAL_HEADERS
    from eligibility.rules import Policy, Record, evaluate
    from filings.documents.data import PacketConviction

    def rows(n: int) -> Iterator[tuple[Record, dict[str, str]]]:
        record_fields = set(Record.__dataclass_fields__)
        for number, raw in enumerate(generate_rows(n, seed, PLACES[county]), start=1):
            values = {field: raw[header].strip() for field, header in CANONICAL_HEADERS.items()}
            if any(values.values()):
                known = {k: v for k, v in values.items() if k in record_fields}
                yield Record(row=number, **known), values

    size = count * 8
    while True:
        pairs = list(rows(size))
        policy = Policy(county=SHIPPED[county]["name"])
        results = evaluate([record for record, _ in pairs], policy, AS_OF)
        chosen = [
            (values, result.details.get("basis", ""))
            for (_, values), result in zip(pairs, results, strict=True)
            if result.determination == "ELIGIBLE"
        ]
        if len(chosen) >= count:
            break
        size *= 2
    fields = set(PacketConviction.__dataclass_fields__)
    return [
        PacketConviction(
            **{k: v for k, v in values.items() if k in fields and k != "court_location"},
            court_location=location,
            basis=basis,
        )
        for values, basis in chosen[:count]
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--convictions", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument(
        "--county", default="cook", help="a shipped county profile: cook, will, mchenry"
    )
    parser.add_argument(
        "--shape", choices=("per_case", "omnibus"), help="default: the county profile's"
    )
    parser.add_argument(
        "--processes", type=int, help="rendering processes (default: FILINGS_PACKET_PROCESSES)"
    )
    parser.add_argument("--keep", type=Path, help="write the zip into this folder and keep it")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("IDENTITY_KEY", "bench-only")
    import django

    django.setup()
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

    from filings.documents.data import PacketRequest
    from filings.packets import build_packet, packet_processes

    county, location = shipped_county(args.county, args.shape)
    convictions = synthetic_convictions(
        args.convictions, args.seed, county=args.county, location=location
    )
    request = PacketRequest(
        batch_reference="BENCH-1",
        court_location=location,
        generated_on=AS_OF,
        convictions=convictions,
        county=county,
    )
    processes = args.processes or packet_processes()
    start_rss = _peak_rss_mb()
    cpu_before = _cpu_seconds()
    with tempfile.TemporaryDirectory() as scratch:
        began = time.perf_counter()
        result = build_packet(request, args.keep or Path(scratch), processes=processes)
        seconds = time.perf_counter() - began
    cpu = _cpu_seconds() - cpu_before
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    counts = result.counts
    print(
        f"benchmarks.packets: CPython {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{processes} rendering process{'es' if processes > 1 else ''}"
    )
    print(
        f"{county.name} County, {county.packet_shape} packet of {counts.convictions} "
        f"convictions: {counts.cases} cases, {counts.orders} order{'s' * (counts.orders != 1)}, "
        f"{counts.people} people, {counts.notices} notices; {len(result.files)} files, "
        f"zip {result.size / 1024 / 1024:.1f} MB"
    )
    for kind, spent in result.render_seconds.items():
        print(f"  rendering {kind:8s} {spent:7.1f} s")
    # CPU seconds do not depend on what else the machine is doing; wall seconds do
    print(f"total {seconds:.1f} s wall, {cpu:.1f} s CPU (all processes)")
    print(
        f"peak RSS: this process {_peak_rss_mb():.0f} MB (before the packet: {start_rss:.0f} MB)"
        + (f", largest rendering process {children:.0f} MB" if processes > 1 else "")
    )


if __name__ == "__main__":
    main()
