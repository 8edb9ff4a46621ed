"""Every write of the eligibility app: receiving a list, reading it into rows, evaluating it.

The pipeline of one list (design.md "The path of one list"):

1. ``list_receive`` checks the upload (size, content, header, zip bomb, declared sheet size,
   a row under the header, repeat) without reading its rows, and stores the list; nothing is
   stored for a refused file. On commit it sends ``tasks.import_list`` to the workers; when the
   broker cannot be reached the list waits, and ``lists_restart_stalled`` (every minute from
   celery beat) sends it later, as it restarts an import that stalled.
2. ``list_parse`` streams the file and stores every non-blank row in large batches (COPY on
   PostgreSQL, of rows prepared as tuples: no dict or model per row). A CSV list larger than
   ``LIST_PART_BYTES`` is split at record boundaries into parts (``listfiles.csv_parts``, one
   pass that also numbers the rows) that ``tasks.parse_part`` reads side by side, one worker
   each; the part that completes the list starts its evaluation. It resumes after the last
   stored row (of each part) when run again, and two runs at once (a restart while the first
   still reads, a task delivered again) store each row once. A file
   refused only here (an oversize cell, a workbook cell far beyond the rest, no row at all) keeps
   its list, marked failed with the reason, but neither its rows nor the file. A list of at
   least ``LIST_JUDGE_WHILE_STORING_BYTES`` is judged as it is stored: each batch is judged (each
   person with their rows in the batch) and each row written once, with its result. A list read in
   parts that brings many rows is stored without the indexes whose entries go to random places,
   built again before it is evaluated (``eligibility.indexes``).
3. ``list_evaluate_start`` finds the people not yet judged whole in the list's run (every
   person, unless the list was judged as it was stored: then only those whose rows fell in
   different batches), packs their buckets into chunks (each person in one bucket) and starts
   one ``tasks.evaluate_chunk`` per chunk as a Celery group; ``list_evaluate_chunk`` judges the
   people of one chunk, each with all their rows, and writes the results in bulk; the chunk
   that leaves no row unevaluated marks the list ready (compare-and-set on the status).
"""

from __future__ import annotations

import io
import json
import logging
import operator
import re
import secrets
import tempfile
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from itertools import chain
from pathlib import Path
from typing import Any

import orjson
from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import MD5, Cast, Concat
from django.utils import timezone

from accounts.audit import audit_record
from core.uploads import size_problem
from eligibility import selectors
from eligibility.counties import CONFIRMABLE, EDITABLE, office_county
from eligibility.identity import FACTS, conviction_identity, fact_changes, identity_hasher
from eligibility.indexes import indexes_build, indexes_defer
from eligibility.listfiles import (
    EXTRA_FIELDS,
    CsvPart,
    ListFile,
    ListRefused,
    ListRow,
    check_list,
    csv_parts,
    file_sha256,
    no_rows_message,
    open_csv_part,
    open_list,
    unreadable_fields,
)
from eligibility.models import Conviction, CountyProfile, IspList, ListPart, OfficePolicy
from eligibility.rules import RULESET_VERSION, ListJudge, evaluate
from eligibility.rules.dates import DateMemo
from eligibility.rules.engine import person_key
from eligibility.rules.identifiers import case_key
from eligibility.rules.records import Record, Result
from eligibility.signals import list_evaluated

log = logging.getLogger(__name__)

BUCKETS = 1024
RECORD_FIELDS = tuple(f for f in Record.__dataclass_fields__ if f != "row")
TEXT_FIELDS = RECORD_FIELDS + EXTRA_FIELDS


class DuplicateList(ListRefused):
    """The same file (SHA-256) was imported before; the user may confirm a re-import."""

    def __init__(self, message: str, earlier: IspList) -> None:
        super().__init__(message)
        self.earlier = earlier


def person_key_text(record: Record) -> str:
    """The engine's person key as stored text (SID, else names and date of birth)."""
    key = person_key(record)
    if isinstance(key, str):
        return f"S|{key}"
    last, first, birth = key
    born = f"D:{birth.isoformat()}" if isinstance(birth, date) else f"T:{birth}"
    return f"N|{last}|{first}|{born}"


def bucket_of(person: str) -> int:
    return zlib.crc32(person.encode("utf-8")) % BUCKETS


# 1. Receiving an upload --------------------------------------------------------------------------


def list_receive(
    *,
    upload: UploadedFile,
    as_of: date,
    user: Any,
    confirm_reimport: bool = False,
    in_background: bool = False,
) -> IspList:
    """Check an uploaded list and store it; raise ``ListRefused`` (nothing stored) if refused.
    ``in_background``: see ``list_pipeline_start``."""
    if problem := size_problem(
        upload.size,
        limit=settings.LIST_UPLOAD_MAX_BYTES,
        advice="Split the list, or ask an administrator",
    ):
        raise ListRefused(problem)
    with tempfile.TemporaryDirectory(prefix="isp-upload-") as tmp:
        path = Path(tmp) / "upload"
        with open(path, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return list_store_file(
            path=path,
            filename=Path(upload.name or "list").name,
            as_of=as_of,
            user=user,
            confirm_reimport=confirm_reimport,
            in_background=in_background,
        )


def list_store_file(
    *,
    path: Path,
    filename: str,
    as_of: date,
    user: Any,
    confirm_reimport: bool = False,
    start: bool = True,
    in_background: bool = False,
) -> IspList:
    """Check a list file on disk and store a copy with a new ``IspList`` (the upload form and
    ``import_list`` both come here). Raises ``ListRefused``; nothing is stored then."""
    size = path.stat().st_size
    if problem := size_problem(size, limit=settings.LIST_UPLOAD_MAX_BYTES):
        raise ListRefused(problem)
    kind = check_list(
        path,
        max_expanded_bytes=settings.LIST_MAX_EXPANDED_BYTES,
        max_cells=settings.LIST_MAX_CELLS,
    )
    digest = file_sha256(path)
    # A list refused while it was read kept no file: the same file again is no repeat of it.
    earlier = (
        IspList.objects.filter(sha256=digest)
        .exclude(status=IspList.Status.FAILED)
        .order_by("-uploaded_at")
        .first()
    )
    if earlier is not None and not confirm_reimport:
        raise DuplicateList(
            f"This file is identical to “{earlier.filename}”, imported on "
            f"{timezone.localtime(earlier.uploaded_at):%B %-d, %Y at %-I:%M %p} (list "
            f"#{earlier.pk}). Tick “import it again” to import a second copy.",
            earlier,
        )
    with transaction.atomic():
        isp_list = IspList(
            filename=filename[:255],
            sha256=digest,
            size_bytes=size,
            kind=kind,
            uploaded_by=user,
            as_of=as_of,
            policy=selectors.policy_current(),
        )
        with open(path, "rb") as handle:
            isp_list.file.save(f"{digest[:16]}.{kind}", File(handle), save=False)
        isp_list.save()
        audit_record(
            action="list.upload",
            actor=user,
            obj=isp_list,
            detail={
                "filename": isp_list.filename,
                "sha256": digest,
                "as_of": as_of.isoformat(),
                "policy_version": isp_list.policy.version,
                "reimport": earlier is not None,
            },
        )
        if start:
            list_pipeline_start(isp_list=isp_list, in_background=in_background)
    return isp_list


def list_pipeline_start(*, isp_list: IspList, in_background: bool = False) -> None:
    """Send the list to the workers once the transaction commits. When the broker cannot be
    reached the list waits for them, and ``isp_list`` (the caller's copy) says so too.

    ``in_background``: with no broker (``make demo``, tasks run in the process that sends
    them), run the import in a thread of this process instead, so that the upload answers at
    once and its page shows the progress as it would with workers."""

    def send() -> None:
        if in_background and settings.CELERY_TASK_ALWAYS_EAGER:
            _import_in_a_thread(isp_list.pk)
            return
        if not list_pipeline_send(list_id=isp_list.pk):
            isp_list.refresh_from_db(fields=["status", "message", "progress_at"])

    transaction.on_commit(send)


def _import_in_a_thread(list_id: int) -> threading.Thread:
    from eligibility import tasks

    def run() -> None:
        try:
            tasks.import_list.apply(args=(list_id,))
        finally:
            connection.close()  # the thread's own connection

    thread = threading.Thread(target=run, name=f"import-list-{list_id}", daemon=True)
    thread.start()
    return thread


WAITING_MESSAGE = "Received; the workers cannot be reached; it starts when they are."


def list_pipeline_send(*, list_id: int) -> bool:
    """Send the import of a list to the workers; return whether the broker took it.

    Called after the commit, so a broker that is down must not surface as an error (the list is
    stored already, and the user would see a server error for it): a list not yet started waits
    for the workers, one part-way says they cannot be reached, and the periodic check
    (``lists_restart_stalled``) sends it again.
    """
    from kombu.exceptions import OperationalError

    from eligibility import tasks

    working = IspList.objects.filter(pk=list_id, status__in=IspList.WORKING)
    try:
        tasks.import_list.delay(list_id)
    except OperationalError as error:
        log.warning("list #%s waits: the broker cannot be reached (%s)", list_id, error)
        with transaction.atomic():
            working.filter(status=IspList.Status.RECEIVED).update(
                status=IspList.Status.WAITING, progress_at=timezone.now()
            )
            working.filter(status=IspList.Status.WAITING).update(message=WAITING_MESSAGE)
            working.exclude(status=IspList.Status.WAITING).update(
                message="The workers cannot be reached; the import continues when they are."
            )
        return False
    working.filter(status=IspList.Status.WAITING).update(
        status=IspList.Status.RECEIVED, message="", progress_at=timezone.now()
    )
    return True


def list_restart(*, list_id: int, seen: datetime) -> bool:
    """Send a list's import to the workers again (it continues where it stopped), unless it is
    done or has moved since ``seen``, its ``progress_at`` when the page was shown or the check
    read it. Compare-and-set: of two restarts of one sight (a button pressed twice, two tabs, the
    periodic check at the same time as a user) only the first sends an import. Returns whether
    this call restarted it."""
    with transaction.atomic():
        restarted = IspList.objects.filter(
            pk=list_id, status__in=IspList.WORKING, progress_at=seen
        ).update(progress_at=timezone.now(), message="")
        if restarted:
            transaction.on_commit(lambda: list_pipeline_send(list_id=list_id))
    if restarted:
        log.info("list #%s restarted (no progress since %s)", list_id, seen.isoformat())
    return bool(restarted)


def lists_restart_stalled() -> list[int]:
    """Restart every list waiting for the workers or stalled (``selectors.lists_to_restart``);
    return their ids. Safe to run from two schedulers at once (see ``list_restart``)."""
    restarted = [
        list_id
        for list_id, seen in selectors.lists_to_restart(now=timezone.now()).values_list(
            "pk", "progress_at"
        )
        if list_restart(list_id=list_id, seen=seen)
    ]
    # Indexes a list was stored without, should it have stopped for good (deleted part-way):
    # none is missing while no list is being read.
    if not IspList.objects.filter(status=IspList.Status.PARSING).exists():
        indexes_build()
    return restarted


# 2. Reading the file into rows -------------------------------------------------------------------


# A row as it is stored: its number, and its line of COPY's text format (the columns of
# ``_COPY_COLUMNS``), with its result when the list is judged as it is stored. Building the line is
# the hot loop of an import: no dict or model per row, JSON by orjson, one ``join`` per row, and
# escaping only for the rare row whose text holds a backslash, a tab or a line break.
StoredRow = tuple[int, str]
_record_texts = operator.attrgetter(*RECORD_FIELDS)
_extra_texts = operator.itemgetter(*EXTRA_FIELDS)
_json_encode = json.JSONEncoder(ensure_ascii=False).encode
_NULL = "\\N"
# No correction yet (``list_match`` finds them when the list is ready); not judged yet: no
# determination, reasons or details, evaluation run 0, judged with no row, no earlier copy, no
# rule set, policy or as-of date.
_UNJUDGED = "\t{}\t\t[]\t{}\t0\t0\t\\N\t\t\\N\t\\N\n"
# Escapes of COPY's text format, both ways.
_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_UNESCAPE = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
# NUL, which PostgreSQL's text and jsonb cannot hold, becomes U+FFFD (shown, never lost): in JSON
# its escape, which an escaped backslash before "u0000" (a cell's own text) is not.
_JSON_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")


def _to_json(value: Any) -> str:
    try:
        text = orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except orjson.JSONEncodeError:  # text orjson refuses (a lone surrogate): the slow encoder
        text = _json_encode(value)
    if "\\u0000" in text:
        text = _JSON_NUL.sub(r"\1\\ufffd", text)
    return text


def _date_text(value: date | None) -> str:
    return _NULL if value is None else value.isoformat()


def _free_text(texts: tuple[str, ...]) -> str:
    """The tab-separated texts of a row, escaped for COPY when they need it (NUL becomes
    U+FFFD)."""
    body = "\t".join(texts)
    if (
        "\\" in body
        or "\n" in body
        or "\r" in body
        or "\x00" in body
        or body.count("\t") != len(texts) - 1
    ):
        body = "\t".join(text.replace("\x00", "\ufffd").translate(_ESCAPE) for text in texts)
    return body


class _Storing:
    """What the rows of one list are stored with: the list, and, when they are judged as they
    are stored (a file of at least ``LIST_JUDGE_WHILE_STORING_BYTES``), its run, policy and as-of
    date."""

    def __init__(self, isp_list: IspList) -> None:
        self.list_id = isp_list.pk
        # The list's dates, each read once (the rows' own, their identity's, the engine's).
        self.dates = DateMemo()
        self.read_date = self.dates.__getitem__
        self.hash_identity = identity_hasher()
        # Whether the rows may have earlier copies to probe for (not so for the first list).
        self.earlier = _earlier_rows_exist(self.list_id)
        self.judging = isp_list.size_bytes >= settings.LIST_JUDGE_WHILE_STORING_BYTES
        if self.judging:
            policy = isp_list.policy
            self.judge = ListJudge(selectors.rules_policy(policy), isp_list.as_of, self.dates)
            self.run = isp_list.evaluation_run
            self.versions = f"{RULESET_VERSION}\t{policy.version}\t{isp_list.as_of.isoformat()}\n"


# A batch is judged as it is stored when at least this share of its rows share their person with
# another row of it: the list gives a person's rows together (73-85 % in the lists seen so far,
# 1-9 % once their rows are shuffled). Otherwise most of its people have rows in other batches,
# and would be judged again.
JUDGED_TOGETHER_SHARE = 0.25


def _stored_rows(storing: _Storing, rows: Sequence[ListRow]) -> list[StoredRow]:
    """The rows of a batch as stored: each row's number and line for COPY. When the list is judged
    as it is stored, and gives its people's rows together (``JUDGED_TOGETHER_SHARE``), the batch
    is judged here (each person with their rows in the batch: a person with rows elsewhere in the
    list is judged again, whole, by ``list_evaluate_start``), and each row carries its result and
    the same conviction on the newest earlier list."""
    records = [row.record for row in rows]
    persons = [person_key_text(record) for record in records]
    read = storing.read_date
    identities = [
        conviction_identity(record, person, read, storing.hash_identity)
        for record, person in zip(records, persons, strict=True)
    ]
    together = Counter(persons)
    if (
        not storing.judging
        or sum(1 for person in persons if together[person] > 1)
        < len(persons) * JUDGED_TOGETHER_SHARE
    ):
        return [
            _stored_row(storing, row, person, identity, _UNJUDGED)
            for row, person, identity in zip(rows, persons, identities, strict=True)
        ]
    results = storing.judge(records)
    earlier = _earlier_copies(storing.list_id, identities) if storing.earlier else {}
    stored = []
    # Results share their reason sets and details (engine.evaluate): each pair is written once
    # (by identity: ``results`` holds them until the batch is written).
    texts: dict[tuple[int, int], str] = {}
    for row, person, identity, result in zip(rows, persons, identities, results, strict=True):
        shared = (id(result.reasons), id(result.details))
        text = texts.get(shared)
        if text is None:
            determination, reasons, details = _result_values(result)
            text = texts[shared] = (
                f"{determination}\t{_free_text((_to_json(reasons), _to_json(details)))}"
            )
        copy_of = earlier.get(identity)
        judged = (
            f"\t{{}}\t{text}\t{storing.run}\t{together[person]}\t"
            f"{_NULL if copy_of is None else copy_of}\t{storing.versions}"
        )
        stored.append(_stored_row(storing, row, person, identity, judged))
    return stored


def _stored_row(
    storing: _Storing, row: ListRow, person: str, identity: str, judged: str
) -> StoredRow:
    """One row of the list as stored: its number and its line for COPY, ending in ``judged``
    (its result, or ``_UNJUDGED``)."""
    record = row.record
    read = storing.read_date
    disposed = read(record.disposition_date)
    born = read(record.date_of_birth)
    body = _free_text(
        (
            _to_json(row.as_read) if row.as_read else "{}",
            _to_json(row.other) if row.other else "{}",
            *_record_texts(record),
            *_extra_texts(row.extra),
            _to_json(unreadable) if (unreadable := unreadable_fields(record, read=read)) else "[]",
            person,
            case_key(record.court_case_number),
            identity,
        )
    )
    return row.number, (
        f"{storing.list_id}\t{row.number}\t{bucket_of(person)}\t{_date_text(disposed)}\t"
        f"{_date_text(born)}\t{body}{judged}"
    )


# PostgreSQL: the row of the same conviction (``identity``) on the newest list before ``list``,
# one probe of the (identity, list) index. As stored (``_earlier_copies``) and with a result
# (``_write_results_postgresql``); SQLite matches in ``list_match``.
_NEWEST_EARLIER_COPY = (
    f"(SELECT e.id FROM {Conviction._meta.db_table} e WHERE e.identity = {{identity}} "
    "AND e.isp_list_id < {list} ORDER BY e.isp_list_id DESC, e.id DESC LIMIT 1)"
)


def _earlier_copies(list_id: int, identities: Iterable[str]) -> dict[str, int]:
    """The same convictions on the newest earlier list: each identity found, with the id of its
    row there. None on SQLite, where ``list_match`` matches every row when the list finishes."""
    wanted = [identity for identity in set(identities) if identity]
    if not wanted or connection.vendor != "postgresql":
        return {}
    # One probe for each identity: asked for thousands at once with IN, the planner scans the
    # whole table instead. The identities (hexadecimal) are sent as one text, one a line:
    # psycopg2 quotes each item of a list, a fifth of the Python this costs.
    newest = _NEWEST_EARLIER_COPY.format(identity="w.identity", list="%s")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT w.identity, {newest} "
            "FROM unnest(string_to_array(%s, E'\\n')::varchar[]) AS w (identity)",
            [list_id, "\n".join(wanted)],
        )
        return {identity: pk for identity, pk in cursor.fetchall() if pk is not None}


def _earlier_rows_exist(list_id: int) -> bool:
    """Whether a list before this one may hold rows: one not refused (a refused list keeps
    none). With none, no row of this list is a copy of an earlier one. Asked of the lists, not
    of the convictions: while a list is stored the planner, whose statistics do not know its
    rows yet, would scan all of them to answer."""
    return IspList.objects.filter(pk__lt=list_id).exclude(status=IspList.Status.FAILED).exists()


class _NotParsing(Exception):
    """The list stopped being read while this run read it: another run of its import finished
    reading it (or refused it)."""


def list_parse(*, list_id: int) -> bool:
    """Store every non-blank row of the list's file (step 1 of the pipeline), then mark it for
    evaluation. Idempotent: rows already stored (a worker died part-way) are skipped by row
    number, also when two runs read the list at once. Returns whether this run finished reading
    it (and so is the one to start its evaluation)."""
    claimed = IspList.objects.filter(
        pk=list_id,
        status__in=[IspList.Status.RECEIVED, IspList.Status.WAITING, IspList.Status.PARSING],
    ).update(
        status=IspList.Status.PARSING,
        # The run its rows are judged in, when they are judged as they are stored.
        evaluation_run=1,
        parse_started_at=timezone.now(),
        progress_at=timezone.now(),
    )
    if not claimed:
        return False  # read already (or failed): nothing to do
    isp_list = IspList.objects.get(pk=list_id)
    if (
        isp_list.kind == "csv"
        and isp_list.size_bytes > settings.LIST_PART_BYTES
        and connection.vendor == "postgresql"
    ):
        try:
            parts = _list_parts(isp_list)
        except ListRefused as refused:
            list_fail(list_id=list_id, message=refused.message)
            return False
        if parts:
            # The first list has no earlier copies to probe for through the identity index.
            keep = {"conviction_identity"} if _earlier_rows_exist(list_id) else set()
            indexes_defer(rows=sum(part.rows for part in parts if not part.done), keep=keep)
            _parts_send(list_id, parts)
            return False
    done_up_to = selectors.list_last_stored_row(isp_list=isp_list)
    try:
        with open_list(
            isp_list.file.path,
            max_expanded_bytes=settings.LIST_MAX_EXPANDED_BYTES,
            max_cells=settings.LIST_MAX_CELLS,
        ) as listfile:
            _store_after(listfile, isp_list, done_up_to, lambda rows: _store_rows(isp_list, rows))
            blank_rows = listfile.blank_rows
            if not listfile.rows_read:
                raise ListRefused(no_rows_message(blank_rows))
    except ListRefused as refused:
        # A problem found only when reading reached it (e.g. an oversize cell): refuse the whole
        # list and keep no rows of it.
        list_fail(list_id=list_id, message=refused.message)
        return False
    except _NotParsing:
        return False
    return _parse_finished(list_id, blank_rows)


def _parse_finished(list_id: int, blank_rows: int) -> bool:
    # Compare-and-set: of two runs that read to the end, one marks the list for evaluation. The
    # counter is exact (each batch adds the rows it stored, in the transaction that stores them),
    # and reading it spares a count of every row (2 s at a million rows).
    finished = IspList.objects.filter(pk=list_id, status=IspList.Status.PARSING).update(
        status=IspList.Status.EVALUATING,
        rows_total=F("rows_parsed"),
        blank_rows=blank_rows,
        parse_finished_at=timezone.now(),
        progress_at=timezone.now(),
    )
    if finished and connection.vendor == "postgresql":
        # The planner's statistics know nothing of rows just stored: it would take the list for
        # a few rows and scan all of it for the few people judged again (0.3 s against 0.03 s
        # for 300 rows of a 100,000-row list). What the list's queries filter on is enough.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Conviction._meta.db_table} (isp_list_id, bucket)")
    return bool(finished)


def _list_parts(isp_list: IspList) -> list[ListPart]:
    """The parts a large CSV list is read in, split once (``listfiles.csv_parts``); none when
    it is read whole."""
    parts = list(ListPart.objects.filter(isp_list=isp_list).order_by("number"))
    if parts:
        return parts
    header_end, found = csv_parts(isp_list.file.path, part_bytes=settings.LIST_PART_BYTES)
    if len(found) < 2:
        return []
    with transaction.atomic():
        # Two runs of the import may split the list at once: the list's row lets one store them.
        IspList.objects.select_for_update().filter(pk=isp_list.pk).first()
        if not ListPart.objects.filter(isp_list=isp_list).exists():
            ListPart.objects.bulk_create(
                ListPart(isp_list=isp_list, number=number, header_end=header_end, **part._asdict())
                for number, part in enumerate(found)
            )
    return list(ListPart.objects.filter(isp_list=isp_list).order_by("number"))


def _parts_send(list_id: int, parts: list[ListPart]) -> None:
    """Send the parts not yet stored to the workers, as a Celery group (they are read side by
    side); with every part stored, finish reading the list."""
    from celery import group

    from eligibility import tasks

    pending = [part.number for part in parts if not part.done]
    if not pending:
        _parts_finish(list_id)
        return
    signatures = [tasks.parse_part.si(list_id, number) for number in pending]
    transaction.on_commit(lambda: group(signatures).apply_async())


def list_parse_part(*, list_id: int, number: int) -> bool:
    """Store every non-blank row of one part of a list (``_list_parts``); the part that
    completes the list starts its evaluation. Idempotent like ``list_parse``: rows of the part
    already stored are skipped by row number, also when two runs read the part at once.
    Returns whether this call finished reading the list."""
    isp_list = IspList.objects.get(pk=list_id)
    part = ListPart.objects.filter(isp_list_id=list_id, number=number).first()
    if part is None or isp_list.status != IspList.Status.PARSING:
        return False
    if not part.done:
        bounds = CsvPart(part.start, part.end, part.rows_before, part.rows)
        done_up_to = _part_last_stored_row(part)
        try:
            with open_csv_part(
                isp_list.file.path, header_end=part.header_end, part=bounds
            ) as listfile:
                _store_after(
                    listfile, isp_list, done_up_to, lambda rows: _store_rows(isp_list, rows, part)
                )
                if listfile.last_number != part.rows_before + part.rows:
                    raise ListRefused(
                        "The file changed while it was read: upload it again."
                    )  # never for a stored file; a guard on the numbering
        except ListRefused as refused:
            list_fail(list_id=list_id, message=refused.message)
            return False
        except _NotParsing:
            return False
        ListPart.objects.filter(pk=part.pk, done=False).update(
            done=True, blank_rows=listfile.blank_rows
        )
    return _parts_finish(list_id)


def _parts_finish(list_id: int) -> bool:
    """Once every part is stored, mark the list for evaluation and start it (of two parts that
    finish together, the compare-and-set of ``_parse_finished`` lets one do it)."""
    parts = ListPart.objects.filter(isp_list_id=list_id)
    if parts.filter(done=False).exists():
        return False
    blank_rows = sum(parts.values_list("blank_rows", flat=True))
    if not Conviction.objects.filter(isp_list_id=list_id).exists():
        list_fail(list_id=list_id, message=no_rows_message(blank_rows))
        return False
    # Before the list is marked read: a run that stops here leaves it to be read again, and
    # the run that finishes it builds them (the evaluation needs the bucket index).
    indexes_build()
    if not _parse_finished(list_id, blank_rows):
        return False
    list_evaluate_start(list_id=list_id, new_run=False)
    return True


def _part_last_stored_row(part: ListPart) -> int:
    return ListPart.objects.get(pk=part.pk).last_stored_row


def _store_after(
    listfile: ListFile,
    isp_list: IspList,
    done_up_to: int,
    store: Callable[[list[StoredRow]], None],
) -> None:
    """Store, in batches of ``LIST_STORE_BATCH_ROWS``, the rows of ``listfile`` after row
    ``done_up_to`` (the ones a run before this one stored are skipped)."""
    storing = _Storing(isp_list)
    # The columns before any row: a row stores only the cells its fields do not hold as read.
    if isp_list.columns != listfile.column_fields:
        IspList.objects.filter(pk=isp_list.pk).update(columns=listfile.column_fields)
    batch: list[ListRow] = []
    batch_rows = settings.LIST_STORE_BATCH_ROWS
    for row in listfile:
        if row.number <= done_up_to:
            continue
        batch.append(row)
        if len(batch) >= batch_rows:
            store(_stored_rows(storing, batch))
            batch = []
    if batch:
        store(_stored_rows(storing, batch))


def _store_rows(isp_list: IspList, batch: list[StoredRow], part: ListPart | None = None) -> None:
    """Store the rows of ``batch`` that no other run of the import stored meanwhile."""
    with transaction.atomic():
        if part is None:
            # First write the list's row: it stays locked until this batch commits, so two runs
            # of one import store one after the other, each seeing what the other stored.
            if not IspList.objects.filter(pk=isp_list.pk, status=IspList.Status.PARSING).update(
                progress_at=timezone.now()
            ):
                raise _NotParsing
            stored_up_to = selectors.list_last_stored_row(isp_list=isp_list)
        else:
            # Parts of one list store side by side: the list's row is only key-share locked
            # (a refusal, ``list_fail``, waits for the batches under way and stops the later
            # ones), and the part's row is locked (two runs of one part store one after the
            # other, each seeing what the other stored).
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT 1 FROM {IspList._meta.db_table} WHERE id = %s AND status = %s "
                    "FOR KEY SHARE",
                    [isp_list.pk, IspList.Status.PARSING],
                )
                if cursor.fetchone() is None:
                    raise _NotParsing
            locked = ListPart.objects.select_for_update().get(pk=part.pk)
            stored_up_to = locked.last_stored_row
        batch = [row for row in batch if row[0] > stored_up_to]
        if not batch:
            return
        if connection.vendor == "postgresql":
            _copy_rows(batch)
        else:
            Conviction.objects.bulk_create([_conviction_of(values) for values in batch])
        last = batch[-1][0]  # rows come in the file's order
        if part is None:
            IspList.objects.filter(pk=isp_list.pk).update(
                rows_parsed=F("rows_parsed") + len(batch),
                stored_up_to=last,
                progress_at=timezone.now(),
            )
        else:
            IspList.objects.filter(pk=isp_list.pk).update(
                rows_parsed=F("rows_parsed") + len(batch), progress_at=timezone.now()
            )
            ListPart.objects.filter(pk=part.pk).update(stored_up_to=last)


_COPY_COLUMNS = (
    "isp_list_id",
    "row_number",
    "bucket",
    "disposition_on",
    "born_on",
    "raw",
    "other",
    *TEXT_FIELDS,
    "unreadable",
    "person_key",
    "case_key",
    "identity",
    "changes",
    "determination",
    "reasons",
    "details",
    "evaluation_run",
    "judged_with",
    "copy_of_id",
    "ruleset_version",
    "policy_version",
    "as_of",
)
_JSON_COLUMNS = ("raw", "other", "unreadable", "changes", "reasons", "details")
_INTEGER_COLUMNS = ("isp_list_id", "row_number", "bucket", "evaluation_run", "judged_with")
_NULL_INTEGER_COLUMNS = ("copy_of_id", "policy_version")
_DATE_COLUMNS = ("disposition_on", "born_on", "as_of")


def _copy_rows(batch: list[StoredRow]) -> None:
    """COPY a batch of rows into PostgreSQL (several times faster than INSERT)."""
    buffer = io.StringIO("".join([line for _number, line in batch]))
    table = Conviction._meta.db_table
    columns = ", ".join(_COPY_COLUMNS)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer, size=1 << 18)


def _copy_field(text: str) -> str | None:
    if text == _NULL:
        return None
    return _ESCAPED.sub(lambda match: _UNESCAPE.get(match[1], match[1]), text)


def _conviction_of(row: StoredRow) -> Conviction:
    """A stored row as a model (SQLite: ``bulk_create``), read back from its COPY line."""
    texts = row[1].removesuffix("\n").split("\t")
    fields: dict[str, Any] = dict(zip(_COPY_COLUMNS, map(_copy_field, texts), strict=True))
    for name in _JSON_COLUMNS:
        fields[name] = json.loads(fields[name])
    for name in _INTEGER_COLUMNS:
        fields[name] = int(fields[name])
    for name in _NULL_INTEGER_COLUMNS:
        fields[name] = fields[name] and int(fields[name])
    for name in _DATE_COLUMNS:
        fields[name] = fields[name] and date.fromisoformat(fields[name])
    return Conviction(**fields)


def list_fail(*, list_id: int, message: str) -> None:
    """Refuse a list found unreadable while its rows were read: it is marked failed with the
    message (the list page says why), and keeps none of its rows and not its file."""
    with transaction.atomic():
        # The list's row first: another run of the import stores no batch after this one.
        isp_list = IspList.objects.select_for_update().get(pk=list_id)
        stored = isp_list.file.name
        now = timezone.now()
        IspList.objects.filter(pk=list_id).update(
            status=IspList.Status.FAILED,
            message=f"{message} The file was not kept.",
            rows_parsed=0,
            rows_total=0,
            stored_up_to=0,
            progress_at=now,
            file="",
            file_purged_at=now if stored else isp_list.file_purged_at,
        )
        Conviction.objects.filter(isp_list_id=list_id).delete()
        audit_record(action="list.refuse", obj=isp_list, detail={"message": message})
        if stored:
            storage = isp_list.file.storage
            transaction.on_commit(lambda: storage.delete(stored))
        # Those it was stored without (a list refused part-way, ``indexes_defer``).
        transaction.on_commit(indexes_build)


# 3. Evaluating -----------------------------------------------------------------------------------


def chunk_ranges(bucket_counts: dict[int, int], rows_per_chunk: int) -> list[tuple[int, int]]:
    """Pack consecutive buckets into ranges ``[lo, hi)`` of about ``rows_per_chunk`` rows."""
    ranges: list[tuple[int, int]] = []
    lo, rows = 0, 0
    for bucket in range(BUCKETS):
        rows += bucket_counts.get(bucket, 0)
        if rows >= rows_per_chunk:
            ranges.append((lo, bucket + 1))
            lo, rows = bucket + 1, 0
    if rows or not ranges:
        ranges.append((lo, BUCKETS))
    return ranges


def people_to_judge(rows: QuerySet[Conviction], run: int) -> QuerySet[Conviction]:
    """The people of ``rows`` (by bucket and person key, with their number of ``rows``) not yet
    judged whole in ``run``: a row of theirs is of an earlier run, or was judged without some of
    their rows (it was judged as it was stored, and the person has rows in other batches)."""
    return (
        rows.order_by()
        .values("bucket", "person_key")
        .annotate(rows=Count("pk"), judged=Min("judged_with"), oldest=Min("evaluation_run"))
        .filter(Q(rows__gt=F("judged")) | Q(oldest__lt=run))
    )


def list_evaluate_start(*, list_id: int, new_run: bool = True) -> list[tuple[int, int]]:
    """Start (or, with ``new_run=False``, resume) the evaluation of a parsed list as a Celery
    group of chunks of the people not yet judged whole in its run (every person, in a new run;
    after a list judged as it was stored, only those whose rows fell in different batches).
    Returns the chunks started."""
    from celery import group

    from eligibility import tasks

    with transaction.atomic():
        isp_list = IspList.objects.select_for_update().get(pk=list_id)
        if new_run or isp_list.evaluation_run == 0:
            isp_list.evaluation_run += 1
            isp_list.rows_evaluated = 0
        isp_list.status = IspList.Status.EVALUATING
        isp_list.ruleset_version = RULESET_VERSION
        if new_run or isp_list.evaluate_started_at is None:
            isp_list.evaluate_started_at = timezone.now()
        isp_list.evaluate_finished_at = None
        isp_list.progress_at = timezone.now()
        isp_list.save()
        run = isp_list.evaluation_run
        rows = Conviction.objects.filter(isp_list_id=list_id)
        # With no row of this run yet (a new run, a list stored unjudged), every person is
        # judged: the chunks read every row of their buckets, and none groups them first.
        whole = new_run or not rows.filter(evaluation_run=run).exists()
        counts: dict[int, int] = {}
        # PostgreSQL: the rows of the people to judge again, by bucket, found by this one scan
        # of the list: each chunk reads its rows by id, not by a second scan of its buckets.
        ids: dict[int, list[int]] | None = None
        if whole:
            pending = rows.order_by().values("bucket").annotate(rows=Count("pk"))
        else:
            pending = people_to_judge(rows, run)
            if connection.vendor == "postgresql":
                pending, ids = pending.annotate(ids=ArrayAgg("pk")), {}
        fields = ("bucket", "rows") if ids is None else ("bucket", "rows", "ids")
        for bucket, count, *found in pending.values_list(*fields).iterator(chunk_size=10_000):
            counts[bucket] = counts.get(bucket, 0) + count
            if ids is not None:
                ids.setdefault(bucket, []).extend(found[0])
        if not counts:
            chunks: list[tuple[int, int]] = []
        else:
            chunks = chunk_ranges(counts, settings.EVALUATION_CHUNK_ROWS)
        # Exact under the list's lock: a chunk still writing commits its rows and its count
        # after this (both or neither are seen here).
        IspList.objects.filter(pk=list_id).update(
            chunks_total=len(chunks),
            rows_evaluated=(isp_list.rows_total or 0) - sum(counts.values()),
        )
        if not chunks:
            transaction.on_commit(lambda: list_finish(list_id=list_id, run=run))
        else:
            signatures = [
                tasks.evaluate_chunk.si(list_id, run, lo, hi, whole, _chunk_ids(ids, lo, hi))
                for lo, hi in chunks
            ]
            transaction.on_commit(lambda: group(signatures).apply_async())
    return chunks


def _chunk_ids(ids: dict[int, list[int]] | None, lo: int, hi: int) -> list[int] | None:
    """The ids of the rows of buckets ``[lo, hi)`` among ``ids`` (by bucket), in order."""
    if ids is None:
        return None
    return sorted(chain.from_iterable(ids.get(bucket, ()) for bucket in range(lo, hi)))


_LOAD_FIELDS = ("id", "person_key", "row_number", *RECORD_FIELDS)


def list_evaluate_chunk(
    *, list_id: int, run: int, lo: int, hi: int, whole: bool = False, ids: list[int] | None = None
) -> int:
    """Judge the people of buckets ``[lo, hi)`` of a list not yet judged whole in ``run``
    (``people_to_judge``; with ``whole``, every person of them; with ``ids``, the people whose
    rows these are, all their rows, as ``list_evaluate_start`` found them), each with every row
    of theirs (all rows of a person are in one bucket, so association and duplicates are
    complete), and write the results in bulk. Idempotent: running a chunk twice writes the same
    results, and counts only the rows not yet written whole. Returns the rows evaluated."""
    isp_list = IspList.objects.select_related("policy").get(pk=list_id)
    if isp_list.evaluation_run != run or isp_list.status != IspList.Status.EVALUATING:
        return 0  # a newer run replaced this one, or the list failed
    chunk = Conviction.objects.filter(isp_list_id=list_id, bucket__gte=lo, bucket__lt=hi)
    if ids is not None:
        chunk = chunk.filter(pk__in=ids)
    elif not whole:
        people: QuerySet[Conviction] | list[str] = people_to_judge(chunk, run).values("person_key")
        if connection.vendor == "postgresql":
            # Their keys, not the subquery: with statistics that do not know the list yet, the
            # planner, expecting a few rows, joins every row of the chunk to every person of it.
            people = list(people.values_list("person_key", flat=True))
        chunk = chunk.filter(person_key__in=people)
    rows = list(chunk.order_by("row_number").values_list(*_LOAD_FIELDS))
    if not rows:
        _maybe_finish(list_id, run)
        return 0
    records = [Record(*row[2:]) for row in rows]
    results = evaluate(records, selectors.rules_policy(isp_list.policy), isp_list.as_of)
    ids = [row[0] for row in rows]
    together = Counter(row[1] for row in rows)
    judged = [together[row[1]] for row in rows]
    with transaction.atomic():
        # Rows this run already wrote whole are skipped (same run, same results), so ``fresh``
        # counts each row once even when a chunk runs twice, or twice at the same time.
        fresh = _write_results(ids, results, judged, isp_list, run, buckets=(lo, hi))
        if fresh:
            IspList.objects.filter(pk=list_id).update(
                rows_evaluated=F("rows_evaluated") + fresh, progress_at=timezone.now()
            )
    _maybe_finish(list_id, run)
    return fresh


def _result_values(result: Result) -> tuple[str, list[str], dict[str, Any]]:
    return result.determination, sorted(result.reasons), result.details


def _write_results(
    ids: Sequence[int],
    results: Sequence[Result],
    judged: Sequence[int],
    isp_list: IspList,
    run: int,
    *,
    buckets: tuple[int, int],
) -> int:
    """Write the results of rows not yet judged whole in ``run`` (of the buckets ``[lo, hi)``),
    each judged with ``judged`` rows of its person; return how many rows were written."""
    if connection.vendor == "postgresql":
        return _write_results_postgresql(ids, results, judged, isp_list, run, buckets)
    # Django's bulk_update builds a CASE per row and is slow; one prepared UPDATE per row is
    # what SQLite does fastest.
    import json

    table = Conviction._meta.db_table
    params = []
    for pk, result, with_rows in zip(ids, results, judged, strict=True):
        determination, reasons, details = _result_values(result)
        params.append(
            (
                determination,
                json.dumps(reasons),
                json.dumps(details),
                run,
                with_rows,
                result.ruleset_version,
                isp_list.policy.version,
                result.as_of.isoformat(),
                pk,
                run,
                with_rows,
            )
        )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET determination = %s, reasons = %s, details = %s, "
            "evaluation_run = %s, judged_with = %s, ruleset_version = %s, policy_version = %s, "
            "as_of = %s WHERE id = %s AND (evaluation_run <> %s OR judged_with <> %s)",
            params,
        )
        return int(cursor.rowcount)


def _write_results_postgresql(
    ids: Sequence[int],
    results: Sequence[Result],
    judged: Sequence[int],
    isp_list: IspList,
    run: int,
    buckets: tuple[int, int],
) -> int:
    """COPY the results into a temporary table, then one UPDATE ... FROM it. The UPDATE names
    the chunk's list and buckets: joined on the id alone, the planner (which has no statistics
    of the temporary table) hashes it against a scan of every row of every list."""
    buffer = io.StringIO(
        "".join(
            [
                f"{pk}\t{with_rows}\t{determination}\t"
                f"{_free_text((_to_json(reasons), _to_json(details)))}\n"
                for pk, with_rows, (determination, reasons, details) in zip(
                    ids, judged, map(_result_values, results), strict=True
                )
            ]
        )
    )
    table = Conviction._meta.db_table
    # The same conviction on the newest earlier list (issue 18), in this same write: no second
    # version of the row. With no row before this list, none (and no probe a row).
    newest = (
        "CASE WHEN c.identity <> '' THEN "
        f"{_NEWEST_EARLIER_COPY.format(identity='c.identity', list='c.isp_list_id')} END"
        if _earlier_rows_exist(isp_list.pk)
        else "NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS judged_results (id bigint PRIMARY KEY, "
            "judged_with integer, determination varchar(12), reasons jsonb, details jsonb) "
            "ON COMMIT DELETE ROWS"
        )
        cursor.cursor.copy_expert(
            "COPY judged_results (id, judged_with, determination, reasons, details) FROM STDIN",
            buffer,
            size=1 << 18,
        )
        cursor.execute(
            f"UPDATE {table} AS c SET determination = r.determination, reasons = r.reasons, "
            "details = r.details, evaluation_run = %s, judged_with = r.judged_with, "
            "ruleset_version = %s, "
            f"policy_version = %s, as_of = %s, copy_of_id = {newest} "
            "FROM judged_results AS r "
            "WHERE c.id = r.id AND (c.evaluation_run <> %s OR c.judged_with <> r.judged_with) "
            "AND c.isp_list_id = %s AND c.bucket >= %s AND c.bucket < %s",
            [
                run,
                RULESET_VERSION,
                isp_list.policy.version,
                isp_list.as_of,
                run,
                isp_list.pk,
                *buckets,
            ],
        )
        written = int(cursor.rowcount)
        cursor.execute("DELETE FROM judged_results")
    return written


def _maybe_finish(list_id: int, run: int) -> None:
    # The counter is exact (see list_evaluate_chunk): the chunk that completes it finishes.
    done = IspList.objects.filter(
        pk=list_id, evaluation_run=run, rows_evaluated__gte=F("rows_total")
    ).exists()
    if done:
        list_finish(list_id=list_id, run=run)


def list_finish(*, list_id: int, run: int) -> bool:
    """Mark the list ready once every row carries this run's result: match its rows to the
    lists before it (``list_match``), let the apps above act on it (``signals.list_evaluated``:
    decisions carried over), and record what it brought in ``history``, all in one transaction.
    When two chunks finish together, the list row's lock lets one mark it. Returns whether this
    call marked it."""
    with transaction.atomic():
        isp_list = (
            IspList.objects.select_for_update()
            .filter(pk=list_id, status=IspList.Status.EVALUATING, evaluation_run=run)
            .first()
        )
        if isp_list is None:
            return False
        # The counters are exact (list_evaluate_chunk), and reading them spares two scans of
        # every row of the list (8 s at a million rows).
        if isp_list.rows_evaluated < isp_list.rows_total:
            return False  # rows remain: resuming the pipeline evaluates them
        total = isp_list.rows_total
        history: dict[str, int] = list_match(isp_list=isp_list)
        for _receiver, counts in list_evaluated.send(
            sender=IspList, isp_list=isp_list, known=history["known"]
        ):
            history.update(counts or {})
        IspList.objects.filter(pk=list_id).update(
            status=IspList.Status.READY,
            rows_evaluated=total,
            rows_total=total,
            evaluate_finished_at=timezone.now(),
            progress_at=timezone.now(),
            message="",
            history=history,
        )
        audit_record(
            action="list.import",
            obj=IspList(pk=list_id),
            detail={"rows": total, "run": run, **history},
        )
    return True


def list_match(*, isp_list: IspList) -> dict[str, int]:
    """Match each row of the list to the same conviction on the newest earlier list (the
    identity, an index lookup) and record the facts that changed since (a correction).
    Returns the counts ``new``, ``known`` and ``corrected`` (the corrected are among the
    known). Earlier lists are the ones uploaded before (smaller id): matching again, after a
    re-evaluation, gives the same answer."""
    rows = Conviction.objects.filter(isp_list_id=isp_list.pk)
    earlier = Conviction.objects.filter(isp_list_id__lt=isp_list.pk).exclude(identity="")
    if isp_list.history:  # matched before (a re-evaluation): forget the corrections found then
        rows.exclude(changes={}).update(changes={})
    if not _earlier_rows_exist(isp_list.pk):  # none of its rows is read
        return {"new": isp_list.rows_total, "known": 0, "corrected": 0}
    if connection.vendor != "postgresql":
        # (PostgreSQL sets ``copy_of`` in the row's own write: as it is stored, when it is judged
        # then, ``_stored_rows``, else with its result, ``_write_results_postgresql``)
        newest = earlier.filter(identity=OuterRef("identity")).order_by("-isp_list_id", "-pk")
        rows.update(copy_of=Subquery(newest.values("pk")[:1]))
    matched = rows.filter(copy_of__isnull=False).values_list(
        "pk", "identity", *FACTS, *(f"copy_of__{name}" for name in FACTS)
    )
    corrected: list[Conviction] = []
    rematched: list[Conviction] = []
    known = 0
    for pk, identity, *facts in matched.iterator(chunk_size=10_000):
        known += 1
        now = dict(zip(FACTS, facts[: len(FACTS)], strict=True))
        before = dict(zip(FACTS, facts[len(FACTS) :], strict=True))
        if changes := fact_changes(before, now):
            # A list may hold one conviction twice (R20): an earlier copy with these very facts
            # is the one this row repeats.
            twin = (
                earlier.filter(identity=identity, **now)
                .order_by("-isp_list_id", "-pk")
                .values_list("pk", flat=True)
                .first()
            )
            if twin is not None:
                rematched.append(Conviction(pk=pk, copy_of_id=twin))
            else:
                corrected.append(Conviction(pk=pk, changes=changes))
    Conviction.objects.bulk_update(rematched, ["copy_of"], batch_size=2000)
    Conviction.objects.bulk_update(corrected, ["changes"], batch_size=2000)
    total = isp_list.rows_total
    return {"new": total - known, "known": known, "corrected": len(corrected)}


def list_import(*, list_id: int) -> IspList:
    """The whole pipeline for one list, resuming wherever it stopped. Two runs at once (a
    restart, a task delivered again) store each row once and evaluate in one run."""
    isp_list = IspList.objects.get(pk=list_id)
    if isp_list.status in {
        IspList.Status.RECEIVED,
        IspList.Status.WAITING,
        IspList.Status.PARSING,
    }:
        if list_parse(list_id=list_id):
            # Not a new run: one started by a restart meanwhile is resumed, not replaced.
            list_evaluate_start(list_id=list_id, new_run=False)
    elif isp_list.status == IspList.Status.EVALUATING:
        list_evaluate_start(list_id=list_id, new_run=False)
    return IspList.objects.get(pk=list_id)


def list_keys_refresh(*, list_id: int) -> int:
    """Store again the person key, case key, bucket and identity of the rows of a list whose
    keys the current rule set reads differently (rule set 2026.12.1: SID ``a301`` is ``A301``,
    case ``12345.0`` is ``12345``): a person's rows must share a bucket to be judged together.
    Keys that are not the engine's (a purged person's random token) are left alone. Returns the
    number of rows changed."""
    changed: list[Conviction] = []
    rows = (
        Conviction.objects.filter(isp_list_id=list_id)
        .filter(Q(person_key__startswith="S|") | Q(person_key__startswith="N|"))
        .values_list(
            "id",
            "sid",
            "last_name",
            "first_name",
            "date_of_birth",
            "court_case_number",
            "statute",
            "disposition_date",
            "person_key",
            "case_key",
            "identity",
        )
    )
    for (
        pk,
        sid,
        last,
        first,
        born,
        case,
        statute,
        disposed,
        stored_person,
        stored_case,
        stored_identity,
    ) in rows.iterator(chunk_size=10_000):
        record = Record(
            row=0,
            sid=sid,
            last_name=last,
            first_name=first,
            date_of_birth=born,
            court_case_number=case,
            statute=statute,
            disposition_date=disposed,
        )
        person = person_key_text(record)
        case_text = case_key(case)
        identity = conviction_identity(record, person)
        if (person, case_text, identity) != (stored_person, stored_case, stored_identity):
            changed.append(
                Conviction(
                    pk=pk,
                    person_key=person,
                    case_key=case_text,
                    bucket=bucket_of(person),
                    identity=identity,
                )
            )
    Conviction.objects.bulk_update(
        changed, ["person_key", "case_key", "bucket", "identity"], batch_size=2000
    )
    return len(changed)


def list_reevaluate(*, isp_list: IspList, as_of: date, policy: OfficePolicy, user: Any) -> None:
    """Evaluate a ready list again under another as-of date, policy or rule set (attorneys'
    decisions are kept; the review app flags those whose determination changed). A list last
    evaluated under another rule set has its stored keys read again first."""
    with transaction.atomic():
        evaluated_under = (
            IspList.objects.filter(pk=isp_list.pk).values_list("ruleset_version", flat=True).get()
        )
        keys_changed = 0
        if evaluated_under != RULESET_VERSION:
            keys_changed = list_keys_refresh(list_id=isp_list.pk)
        IspList.objects.filter(pk=isp_list.pk).update(as_of=as_of, policy=policy)
        audit_record(
            action="list.reevaluate",
            actor=user,
            obj=isp_list,
            detail={
                "as_of": as_of.isoformat(),
                "policy_version": policy.version,
                "ruleset_version": RULESET_VERSION,
                "previous_ruleset_version": evaluated_under,
                "keys_changed": keys_changed,
            },
        )
        list_evaluate_start(list_id=isp_list.pk, new_run=True)


# 4. Erasing personal data (the purge) -------------------------------------------------------------

# The texts of a conviction that name the person or lead to them: erased by the purge.
ERASED_TEXT = (
    "sid",
    "last_name",
    "first_name",
    "middle_name",
    "date_of_birth",
    "dcn",
    "court_case_number",
    "case_key",
    "address_line",
    "city",
    "state",
    "zip",
)
# A person key that is a purge's token (``convictions_erase``), not names and a date of birth.
TOKEN_PREFIX = "T|"


def convictions_erase(*, ids: Sequence[int], now: datetime) -> None:
    """Erase the personal data of the convictions ``ids`` (``filings.purge``, once they are
    expunged), keeping a tombstone: their name, date of birth, SID, DCN, case number, address
    and raw cells are erased, the person key of every row of their people in their list becomes
    a token (``_people_pseudonymise``), and ``purged_at`` is ``now``. What remains: counts,
    reason codes, determination, dates but the date of birth, statute, class, court location,
    sex and race."""
    with transaction.atomic():
        _people_pseudonymise(ids)
        erased: dict[str, Any] = dict.fromkeys(ERASED_TEXT, "")
        Conviction.objects.filter(pk__in=ids).update(
            **erased,
            raw={},
            other={},
            unreadable=[],
            born_on=None,
            purged_at=now,
        )


def _people_pseudonymise(ids: Sequence[int]) -> None:
    """Replace the person key (names and date of birth, or the SID) of every row of the people
    being purged, in their list, by one token: reports still count each person once, and
    nothing in the key identifies anyone. The token is a hash of the list and the key with a
    random salt that is never stored, so one UPDATE gives each person one token."""
    salt = secrets.token_hex(16)
    people = Conviction.objects.filter(
        pk__in=ids,
        isp_list_id=OuterRef("isp_list_id"),
        bucket=OuterRef("bucket"),
        person_key=OuterRef("person_key"),
    )
    # The rows are read first: a database that updates row by row (SQLite) would otherwise no
    # longer match a person's later rows once their purged row has its token.
    rows = list(
        Conviction.objects.filter(Exists(people))
        .exclude(person_key__startswith=TOKEN_PREFIX)
        .values_list("pk", flat=True)
    )
    Conviction.objects.filter(pk__in=rows).update(
        person_key=Concat(
            Value(TOKEN_PREFIX),
            MD5(
                Concat(
                    Value(salt),
                    Cast("isp_list_id", TextField()),
                    Value("|"),
                    "person_key",
                    output_field=TextField(),
                )
            ),
            output_field=TextField(),
        )
    )


def list_file_delete(*, isp_list: IspList, now: datetime) -> bool:
    """Delete the uploaded file of a list (``filings.purge``: its rows are in the database, and
    the file holds everyone on the list). Compare-and-set on ``file_purged_at``: of two purges
    at once, one deletes it. Returns whether this call deleted it."""
    with transaction.atomic():
        if (
            IspList.objects.filter(pk=isp_list.pk, file_purged_at__isnull=True).update(
                file="", file_purged_at=now
            )
            != 1
        ):
            return False
        isp_list.file.delete(save=False)
    return True


# The office policy -------------------------------------------------------------------------------


def policy_adopt(*, values: dict[str, Any], user: Any, comment: str) -> OfficePolicy:
    """Adopt a new version of the office policy (versions are never edited in place)."""
    if not comment.strip():
        raise ValueError("A comment saying why the policy changes is required.")
    with transaction.atomic():
        current = OfficePolicy.objects.select_for_update().order_by("-version").first()
        version = (current.version if current else 0) + 1
        policy = OfficePolicy.objects.create(
            version=version,
            max_grams=values.get("max_grams"),
            section5_misdemeanor=values["section5_misdemeanor"],
            violent_association=values["violent_association"],
            recent_sentence_days=values["recent_sentence_days"],
            changed_by=user,
            note=comment.strip(),
        )
        audit_record(
            action="policy.change",
            actor=user,
            obj=policy,
            detail={
                "from": current.values() if current else None,
                "to": policy.values(),
                "comment": policy.note,
            },
        )
    return policy


# The county profile (issue 21) -------------------------------------------------------------------


def profile_adopt(*, values: dict[str, Any], user: Any, comment: str) -> CountyProfile:
    """Adopt a new version of the office's county profile (versions are never edited in place:
    a packet made before keeps the version it was made with). ``values``: the fields of
    ``counties.EDITABLE``, ``locations`` and ``to_confirm``."""
    if not comment.strip():
        raise ValueError("A comment saying why the profile changes is required.")
    with transaction.atomic():
        current = (
            CountyProfile.objects.select_for_update()
            .filter(county=office_county())
            .order_by("-version")
            .first()
        )
        if current is None:
            raise CountyProfile.DoesNotExist(f"no county profile for {office_county()!r}")
        changes = {name: values[name] for name in EDITABLE}
        profile = CountyProfile.objects.create(
            county=current.county,
            version=current.version + 1,
            name=current.name,
            **changes,
            locations=values["locations"],
            to_confirm=[name for name in CONFIRMABLE if name in values.get("to_confirm", ())],
            changed_by=user,
            note=comment.strip(),
        )
        before, after = current.values(), profile.values()
        audit_record(
            action="county_profile.change",
            actor=user,
            obj=profile,
            detail={
                "from_version": current.version,
                "to_version": profile.version,
                "changed": {
                    name: [before[name], after[name]]
                    for name in after
                    if name != "version" and before.get(name) != after[name]
                },
                "comment": profile.note,
            },
        )
    return profile
