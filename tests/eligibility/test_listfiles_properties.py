"""Property tests of the list readers: whatever the bytes, the only failure is ListRefused."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility.listfiles import ListRefused, ListRow, cells_of, open_list

HEADER = (
    "SID,LAST_NAME,FIRST_NAME,DATE_OF_BIRTH,COURT_CASE_NUMBER,STATUTE,DISPOSITION,DISPOSITION_DATE"
)
# Text that a CSV parser finds interesting: separators, quotes, line ends, NUL, BOM, spaces.
CSV_ALPHABET = st.sampled_from(list(',"\r\n\x00\ufeff \t;ABC123-/é')) | st.characters()


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as directory:
        yield Path(directory) / "list"


def field_of(row: ListRow) -> Callable[[str], str]:
    """A stored row's field, by name (``Conviction`` holds the record's and the extra ones)."""
    return lambda name: row.extra[name] if name in row.extra else getattr(row.record, name)


def read_all(path: Path, content: bytes) -> None:
    path.write_bytes(content)
    try:
        with open_list(path) as listfile:
            for row in listfile:
                assert row.number >= 1
                assert row.record.row == row.number
                # Each cell is stored once: the fields, ``other`` and the cells they do not hold
                # as read give back every cell, in the file's order.
                cells = cells_of(listfile.column_fields, row.as_read, field_of(row), row.other)
                assert list(cells.items()) == list(row.raw.items())
    except ListRefused as refusal:
        assert refusal.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.binary(max_size=2000))
def test_arbitrary_bytes_are_read_or_refused(scratch: Path, content: bytes) -> None:
    read_all(scratch, content)


@settings(max_examples=300, deadline=None)
@given(content=st.binary(max_size=500))
def test_arbitrary_bytes_after_a_valid_header_are_read_or_refused(
    scratch: Path, content: bytes
) -> None:
    read_all(scratch, HEADER.encode() + b"\r\n" + content)


@settings(max_examples=300, deadline=None)
@given(text=st.text(CSV_ALPHABET, max_size=500), bom=st.booleans())
def test_arbitrary_text_after_a_valid_header_is_read_or_refused(
    scratch: Path, text: str, bom: bool
) -> None:
    prefix = b"\xef\xbb\xbf" if bom else b""
    read_all(scratch, prefix + f"{HEADER}\n{text}".encode("utf-8", "surrogatepass"))


@settings(max_examples=200, deadline=None)
@given(text=st.text(CSV_ALPHABET, max_size=300))
def test_arbitrary_text_as_a_header_is_read_or_refused(scratch: Path, text: str) -> None:
    read_all(scratch, text.encode("utf-8", "surrogatepass"))


@pytest.fixture(scope="module")
def a_workbook() -> bytes:
    return (
        Path(__file__).resolve().parents[1] / "fixtures/examples/sample-alias-500.xlsx"
    ).read_bytes()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_damaged_workbook_is_read_or_refused(
    scratch: Path, a_workbook: bytes, data: st.DataObject
) -> None:
    damaged = bytearray(a_workbook)
    for _ in range(data.draw(st.integers(1, 20))):
        position = data.draw(st.integers(0, len(damaged) - 1))
        damaged[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(len(damaged) // 2, len(damaged)))
    read_all(scratch, bytes(damaged[:cut]))
