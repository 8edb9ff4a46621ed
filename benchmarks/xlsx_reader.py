"""``python -m benchmarks.xlsx_reader``: a workbook's rows read as a stream (``SheetRows``, what
the list reader uses since issue 19) against python-calamine's ``iter_rows()`` (what it used
before), on the same synthetic list, each in a fresh process: rows per second, CPU seconds and
peak resident memory (VmHWM). Both give the cells' text as the list reader sees it (calamine's
values through ``cell_text``). Nothing is asserted: the numbers are for people.

``--file`` reads a workbook already written (``demo.synthetic.write_xlsx(path, n, seed=n)``
writes the one the pipeline benchmark uses); otherwise one is written for each ``--rows``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from core import xlsxparts
from core.xlsxparts import cell_text


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def read_stream(path: str) -> int:
    rows = 0
    with zipfile.ZipFile(path) as archive:
        part = xlsxparts.first_sheet_part(archive, budget=None)
        assert part is not None
        sheet = xlsxparts.SheetRows(archive, part)
        try:
            for values in sheet:
                if type(values) is not list:
                    values = [cell_text(value, False) for value in values]
                rows += 1
        finally:
            sheet.close()
    return rows


def read_calamine(path: str) -> int:
    from python_calamine import CalamineWorkbook

    rows = 0
    book = CalamineWorkbook.from_path(path)
    for values in book.get_sheet_by_index(0).iter_rows():
        values = [
            value if type(value) is str and "\x00" not in value else cell_text(value, False)
            for value in values
        ]
        rows += 1
    book.close()
    return rows


def measure(reader: Callable[[str], int], path: str) -> tuple[int, float, float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    rows = reader(path)
    return rows, time.perf_counter() - started, time.process_time() - cpu, _peak_mb()


def run(path: Path) -> None:
    for name, reader in (("SheetRows", read_stream), ("calamine", read_calamine)):
        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
            rows, seconds, cpu, peak = pool.submit(measure, reader, str(path)).result()
        print(
            f"{name:<10} {rows:>10,} {seconds:>8.1f} {cpu:>8.1f} {rows / seconds:>9,.0f} "
            f"{peak:>8,.0f}",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.xlsx_reader", description=__doc__)
    parser.add_argument("--rows", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--file", type=Path, help="a workbook to read instead of writing one")
    options = parser.parse_args(argv)
    print(f"{'reader':<10} {'rows':>10} {'wall s':>8} {'CPU s':>8} {'rows/s':>9} {'peak MB':>8}")
    if options.file:
        run(options.file)
        return 0
    from demo.synthetic import write_xlsx

    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        for n in options.rows:
            run(write_xlsx(Path(directory) / f"list-{n}.xlsx", n, seed=n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
