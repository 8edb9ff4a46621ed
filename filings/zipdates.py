"""The dates inside a packet's zips. A zip records when each member was written, and a workbook
when it was saved: every one of them is the packet's day at midnight instead, so that the same
packet gives the same bytes, and its hash says so (the packet zip and ``exhibit-a.xlsx``)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

ZipDateTime = tuple[int, int, int, int, int, int]

_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def zip_date_time(day: date) -> ZipDateTime:
    """The ``date_time`` of a zip member written on ``day``."""
    return (day.year, day.month, day.day, 0, 0, 0)


def zip_redated(data: bytes, day: date) -> bytes:
    """The workbook with its parts and its document properties dated ``day``: openpyxl stamps
    both with the time of saving."""
    stamp = zip_date_time(day)
    when = f"{day.isoformat()}T00:00:00Z".encode()
    result = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            member = source.read(info)
            if info.filename == "docProps/core.xml":
                member = _CORE_DATES.sub(rb"\g<1>" + when + rb"\g<2>", member)
            target.writestr(
                zipfile.ZipInfo(info.filename, date_time=stamp), member, zipfile.ZIP_DEFLATED
            )
    return result.getvalue()
