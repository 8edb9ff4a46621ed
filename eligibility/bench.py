"""``python -m eligibility.bench``: how fast the engine and the list readers are, on this machine.

Measures, on synthetic lists (``eligibility.synthetic``):

* the pure engine ``evaluate()`` on one core, rows per second and peak memory, for each
  ``--rows`` size (default 100,000 and 1,000,000);
* the CSV and .xlsx readers (``eligibility.listfiles``), rows per second and peak memory, on
  ``--reader-rows`` rows (default 100,000).

Every measurement runs in a fresh process, so that its peak resident memory (``ru_maxrss``) is
its own. Generating the rows is not timed. Nothing is asserted: machines are noisy, and the
numbers are for people (``make bench``).
"""

from __future__ import annotations

import argparse
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from multiprocessing import get_context
from pathlib import Path

from eligibility.listfiles import CANONICAL_HEADERS, open_list
from eligibility.rules import RULESET_VERSION, evaluate
from eligibility.rules.records import Policy, Record
from eligibility.synthetic import DEFAULT_SEED, generate_rows, write_csv, write_xlsx

AS_OF = date(2026, 11, 25)
_RECORD_COLUMNS = tuple(
    (field, CANONICAL_HEADERS[field])
    for field in Record.__dataclass_fields__
    if field in CANONICAL_HEADERS
)


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


def synthetic_records(n: int, seed: int = DEFAULT_SEED) -> Iterator[Record]:
    """The non-blank rows of ``generate_rows(n, seed)`` as the engine's records (as read)."""
    for number, row in enumerate(generate_rows(n, seed), start=1):
        values = {field: row[header].strip() for field, header in _RECORD_COLUMNS}
        if any(values.values()):
            yield Record(row=number, **values)


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS)
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def measure_engine(n: int, seed: int) -> Measurement:
    records = list(synthetic_records(n, seed))
    start_rss = _peak_rss_mb()
    started = time.perf_counter()
    results = evaluate(records, Policy(), AS_OF)
    seconds = time.perf_counter() - started
    assert len(results) == len(records)
    return Measurement("engine evaluate()", len(records), seconds, _peak_rss_mb(), start_rss)


def measure_reader(path: Path, what: str) -> Measurement:
    start_rss = _peak_rss_mb()
    started = time.perf_counter()
    rows = 0
    with open_list(path) as listfile:
        for _row in listfile:
            rows += 1
    seconds = time.perf_counter() - started
    return Measurement(what, rows, seconds, _peak_rss_mb(), start_rss)


def _in_fresh_process(function: Callable[..., Measurement], *args: object) -> Measurement:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def run(rows: list[int], reader_rows: int, seed: int) -> list[Measurement]:
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
        measurement = _in_fresh_process(measure_engine, n, seed)
        measurements.append(measurement)
        _print_row(measurement)
    return measurements


def _print_header() -> None:
    print(
        f"Python {platform.python_version()} on {platform.machine()}, "
        f"rule set {RULESET_VERSION}, as of {AS_OF}; one process per line"
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
    parser = argparse.ArgumentParser(prog="python -m eligibility.bench", description=__doc__)
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
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    options = parser.parse_args(argv)
    _print_header()
    run(options.rows, options.reader_rows, options.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
