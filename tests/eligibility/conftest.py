from __future__ import annotations

import csv
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "examples"


def expected(name: str) -> dict[int, tuple[str, str]]:
    with open(EXAMPLES / name, newline="") as handle:
        return {
            int(row["row"]): (row["determination"], row["reasons"])
            for row in csv.DictReader(handle)
        }


def stored(isp_list) -> dict[int, tuple[str, str]]:
    return {
        number: (determination, ";".join(sorted(reasons)))
        for number, determination, reasons in isp_list.convictions.values_list(
            "row_number", "determination", "reasons"
        )
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
