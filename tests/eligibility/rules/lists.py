"""Test-only helpers: the example lists as ``Record`` objects, and an unremarkable record.

The project's file reader (``eligibility/listfiles.py``) is the real way in; this loader reads
only the canonical headers of the CSV examples, so the engine can be tested without Django.
"""

from __future__ import annotations

import csv
import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

from eligibility.rules import Record

EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "examples"
DEFAULT_AS_OF = date(2026, 11, 25)

_FIELDS = {field.name for field in dataclasses.fields(Record)} - {"row"}

# (file stem, as-of date) of every CSV example with an expected file.
CSV_EXAMPLES = (
    ("worked-examples", DEFAULT_AS_OF),
    ("sample-2000", DEFAULT_AS_OF),
    ("sample-1000-asof-2019-12-01", date(2019, 12, 1)),
)


def load_records(path: Path) -> list[Record]:
    """Rows count data rows from 1, blank rows included; blank rows are skipped."""
    records = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [name.strip().lower() for name in next(reader)]
        for number, cells in enumerate(reader, start=1):
            if not any(cell.strip() for cell in cells):
                continue
            values = {
                name: cell.strip()
                for name, cell in zip(header, cells, strict=False)
                if name in _FIELDS
            }
            records.append(Record(row=number, **values))
    return records


def load_expected(path: Path) -> dict[int, tuple[str, frozenset[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {
            int(row["row"]): (
                row["determination"],
                frozenset(code for code in row["reasons"].split(";") if code),
            )
            for row in csv.DictReader(handle)
        }


# An adult, in Cook County, a possession of 10-30 g before 2016 with an eligible class,
# offense a few months before the disposition, sentence long finished, no other rows.
UNREMARKABLE: dict[str, Any] = {
    "sid": "100",
    "last_name": "DOE",
    "first_name": "JANE",
    "date_of_birth": "1970-01-01",
    "dcn": "",
    "county": "COOK",
    "court_case_number": "10C100",
    "arrest_date": "2010-01-01",
    "offense_date": "2010-01-01",
    "statute": "720-550/4(c)",
    "offense_description": "POSS CANNABIS 10-30 GRAMS",
    "offense_class": "A",
    "disposition": "GUILTY",
    "disposition_date": "2010-04-01",
    "sentence": "12 MOS PROBATION",
}


def record(row: int = 1, **fields: str) -> Record:
    """An unremarkable row (see ``UNREMARKABLE``) with the given fields changed."""
    return Record(row=row, **{**UNREMARKABLE, **fields})
