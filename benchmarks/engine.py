"""``python -m benchmarks.engine``: how fast the engine and the list readers are, on this machine.

Measures, on synthetic lists (``demo.synthetic``):

* the pure engine ``evaluate()`` on one core, rows per second and peak memory, for each
  ``--rows`` size (default 100,000 and 1,000,000);
* the CSV and .xlsx readers (``eligibility.listfiles``), rows per second and peak memory, on
  ``--reader-rows`` rows (default 100,000).

Every measurement runs in a fresh process, so that its peak resident memory (``ru_maxrss``) is
its own. Generating the rows is not timed. The engine is timed ``--repeat`` times on the same
rows (every cache of the rules emptied before each run) and the best and the median are shown:
on a shared machine other processes only ever add time, so the best run is the engine's speed
and the spread is the machine's (as ``timeit`` reports). Nothing is asserted: the numbers are
for people (``make bench``).
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from multiprocessing import get_context
from pathlib import Path
from typing import TypeVar

from demo.synthetic import DEFAULT_SEED, synthetic_records, write_csv, write_xlsx
from eligibility.listfiles import open_list
from eligibility.rules import RULESET_VERSION, evaluate
from eligibility.rules.records import Policy

AS_OF = date(2026, 11, 25)
T = TypeVar("T")


@dataclass(frozen=True)
class Measurement:
    what: str
    rows: int
    seconds: float
    peak_rss_mb: float
    # resident memory before the timed part began (the input, for the engine)
    start_rss_mb: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else float("inf")


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS)
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


# The rules' own caches (functools.lru_cache), emptied before each timed run.
_RULE_CACHES = (
    "eligibility.rules.amounts",
    "eligibility.rules.classes",
    "eligibility.rules.dates",
    "eligibility.rules.dispositions",
    "eligibility.rules.engine",
    "eligibility.rules.identifiers",
    "eligibility.rules.sentences",
    "eligibility.rules.statutes",
)


def _clear_rule_caches() -> None:
    for module_name in _RULE_CACHES:
        for value in vars(sys.modules[module_name]).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def measure_engine(n: int, seed: int, repeat: int = 1) -> list[Measurement]:
    records = list(synthetic_records(n, seed))
    start_rss = _peak_rss_mb()
    measurements = []
    for run in range(1, repeat + 1):
        _clear_rule_caches()
        started = time.perf_counter()
        results = evaluate(records, Policy(), AS_OF)
        seconds = time.perf_counter() - started
        assert len(results) == len(records)
        del results
        measurements.append(
            Measurement(
                f"engine run {run}/{repeat}", len(records), seconds, _peak_rss_mb(), start_rss
            )
        )
    return measurements


def measure_reader(path: Path, what: str) -> Measurement:
    start_rss = _peak_rss_mb()
    started = time.perf_counter()
    rows = 0
    with open_list(path) as listfile:
        for _row in listfile:
            rows += 1
    seconds = time.perf_counter() - started
    return Measurement(what, rows, seconds, _peak_rss_mb(), start_rss)


def _in_fresh_process(function: Callable[..., T], *args: object) -> T:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def run(rows: list[int], reader_rows: int, seed: int, repeat: int = 3) -> list[Measurement]:
    measurements: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        if reader_rows:
            csv_path = write_csv(Path(directory) / "list.csv", reader_rows, seed)
            xlsx_path = write_xlsx(Path(directory) / "list.xlsx", reader_rows, seed)
            for path, what in ((csv_path, "CSV reader"), (xlsx_path, "xlsx reader")):
                size = path.stat().st_size / 1024**2
                measurement = _in_fresh_process(measure_reader, path, f"{what} ({size:.0f} MB)")
                measurements.append(measurement)
                _print_row(measurement)
    for n in rows:
        runs = _in_fresh_process(measure_engine, n, seed, repeat)
        for measurement in runs:
            _print_row(measurement)
        measurements += runs
        speeds = sorted(m.rows_per_second for m in runs)
        print(
            f"engine, {runs[0].rows:,} rows: best {speeds[-1]:,.0f} rows/s, "
            f"median {statistics.median(speeds):,.0f}, slowest {speeds[0]:,.0f}; "
            f"peak RSS {max(m.peak_rss_mb for m in runs):,.0f} MB",
            flush=True,
        )
    return measurements


def _print_header() -> None:
    print(
        f"Python {platform.python_version()} on {platform.machine()}, "
        f"rule set {RULESET_VERSION}, as of {AS_OF}; one process per size"
    )
    print(
        f"{'measure':<24} {'rows':>10} {'seconds':>9} {'rows/s':>10} "
        f"{'start RSS MB':>13} {'peak RSS MB':>12}"
    )


def _print_row(m: Measurement) -> None:
    print(
        f"{m.what:<24} {m.rows:>10,} {m.seconds:>9.2f} {m.rows_per_second:>10,.0f} "
        f"{m.start_rss_mb:>13,.0f} {m.peak_rss_mb:>12,.0f}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.engine", description=__doc__)
    parser.add_argument(
        "--rows",
        type=int,
        nargs="*",
        default=[100_000, 1_000_000],
        help="list sizes for the engine (default: 100000 1000000)",
    )
    parser.add_argument(
        "--reader-rows",
        type=int,
        default=100_000,
        help="rows in the CSV and .xlsx files the readers read (0: skip; default: 100000)",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs of the engine per size (default: 3)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    options = parser.parse_args(argv)
    _print_header()
    run(options.rows, options.reader_rows, options.seed, max(1, options.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
