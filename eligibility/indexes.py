"""The conviction table's indexes that a large list is stored without, and built again after it
(issue 19). PostgreSQL only; on SQLite nothing here does anything.

Eight of the table's indexes take their entries at random places. Once they outgrow PostgreSQL's
buffer cache, every row stored costs a page read and, after each checkpoint, a whole page written
to the WAL, in each of them: the database spends more on them than on the rows. Built again after
the list, each is one sort of the table. Seven are left out while a large list is stored (the
bucket of a row within its list, the identity, and the five a person is found by); the
newest-first order is kept, since the review queue walks it on every page: without it, a page of
the queue over a million convictions takes about 2 s instead of 70 ms.

A CSV list read in parts (the only lists whose rows are counted before they are stored) with at
least ``LIST_DEFER_INDEXES_ROWS`` rows still to store (0: never), and at least half as many as
the table holds already (a build sorts every row of the table, not the list's alone), is stored
without them. ``indexes_build`` builds the missing ones: when the list's last part is stored,
before its evaluation (which needs the bucket index); when the list is refused; and from the
periodic check of the imports whenever no list is being read, in case a list stopped for good
while they were missing. Meanwhile finding a person reads the table instead (about 3 s instead of
0.15 s at a million convictions): slower, never wrong. The identity index is kept when an earlier
list holds rows: each row stored is probed through it for its copy on the newest earlier list.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from django.conf import settings
from django.db import OperationalError, connection, transaction

from eligibility.models import Conviction

log = logging.getLogger(__name__)

DEFERRED = (
    "conviction_bucket",
    "conviction_identity",
    "conviction_person",
    "conviction_name",
    "conviction_case",
    "conviction_dcn",
    "conviction_born",
)
# One advisory lock (a number of this program's own) orders the drops and the builds: two lists
# that finish together build each index once.
_LOCK = 0x434D_5249
# The most a drop waits for the table (a query under way on it, an export say, holds it; every
# other query would wait behind the drop): past it the list is stored with the indexes.
_DROP_WAIT = "2s"
# What one build may sort in memory (PostgreSQL's default, 64 MB, sorts a million rows on disk).
_BUILD_MEMORY = "256MB"


def index_definitions() -> dict[str, str]:
    """The conviction table's indexes in the database: each name, with its definition."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = %s",
            [Conviction._meta.db_table],
        )
        return dict(cursor.fetchall())


def indexes_present() -> set[str]:
    """The names of the conviction table's indexes in the database."""
    return set(index_definitions())


def _table_holds_more_than(rows: int) -> bool:
    """Whether the table holds more than ``rows`` rows: counted, but no further than that (the
    planner's estimate may be far off: a list deleted, a test's rows rolled back)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {Conviction._meta.db_table} LIMIT %s) AS rows",
            [rows + 1],
        )
        (counted,) = cursor.fetchone()
    return counted > rows


def indexes_defer(*, rows: int, keep: Collection[str] = ()) -> list[str]:
    """Drop the ``DEFERRED`` indexes but ``keep`` before ``rows`` rows are stored, when that
    many rows are worth it (see the module); return the ones dropped (none: the rows are stored
    with every index)."""
    least = settings.LIST_DEFER_INDEXES_ROWS
    if connection.vendor != "postgresql" or least <= 0 or rows < least:
        return []
    dropping = [name for name in DEFERRED if name not in keep]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        if _table_holds_more_than(2 * rows):
            return []
        present = indexes_present()
        dropping = [name for name in dropping if name in present]
        if not dropping:
            return []
        try:
            with transaction.atomic():
                cursor.execute(f"SET LOCAL lock_timeout = '{_DROP_WAIT}'")
                for name in dropping:
                    cursor.execute(f'DROP INDEX "{name}"')
        except OperationalError as error:  # the table stayed busy: stored with its indexes
            log.warning("the conviction indexes are kept: %s", error)
            return []
        finally:
            cursor.execute("SET LOCAL lock_timeout TO DEFAULT")
    log.info("indexes %s dropped to store %s rows", ", ".join(dropping), rows)
    return dropping


def indexes_build() -> list[str]:
    """Build every ``DEFERRED`` index missing from the database, as the model defines it;
    return the ones built. Writes to the table wait while an index is built (seconds for a
    million rows); reads do not."""
    if connection.vendor != "postgresql":
        return []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        missing = [name for name in DEFERRED if name not in indexes_present()]
        if not missing:
            return []
        wanted = {index.name: index for index in Conviction._meta.indexes}
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{_BUILD_MEMORY}'")
        # An index cannot be built while checks of rows written in this transaction wait for
        # its commit (the foreign keys are deferred): check them now. Only where the rows were
        # stored in this transaction (a test's); a worker commits each batch as it stores it.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with connection.schema_editor(atomic=False) as editor:
            for name in missing:
                editor.add_index(Conviction, wanted[name])
        cursor.execute("SET LOCAL maintenance_work_mem TO DEFAULT")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    log.info("indexes %s built", ", ".join(missing))
    return missing
