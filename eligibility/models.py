from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Left, Upper
from django.utils import timezone

from eligibility.listfiles import cells_of
from eligibility.rules.records import Policy

# How a search reads the texts it finds people by: the same expressions as the indexes, so that
# a lookup is an index scan (eligibility.selectors.people_find). The first characters only: a
# text longer than that is still found by them, and compared whole after.
SEARCH_PREFIX = 100
SEARCH_KEYS = {
    "person": Left("person_key", 2 * SEARCH_PREFIX),
    "last": Upper(Left("last_name", SEARCH_PREFIX)),
    "first": Upper(Left("first_name", SEARCH_PREFIX)),
    "case": Left("case_key", SEARCH_PREFIX),
    "dcn": Upper(Left("dcn", SEARCH_PREFIX)),
}


class Determination(models.TextChoices):
    ELIGIBLE = "ELIGIBLE", "Eligible"
    NEEDS_REVIEW = "NEEDS_REVIEW", "Needs review"
    NOT_ELIGIBLE = "NOT_ELIGIBLE", "Not eligible"


class OfficePolicy(models.Model):
    """One version of the office's policy switches (spec section 9). Versions are never edited:
    a change adds a version, and every list records the version it was evaluated under."""

    class Section5Misdemeanor(models.TextChoices):
        REVIEW = "review", "Send to review"
        ELIGIBLE = "eligible", "Eligible"
        NOT_ELIGIBLE = "not_eligible", "Not eligible"

    class ViolentAssociation(models.TextChoices):
        NOT_ELIGIBLE = "not_eligible", "Not eligible"
        REVIEW = "review", "Send to review"

    version = models.PositiveIntegerField(unique=True)
    max_grams = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        default=30,
        help_text="Empty: no program cap.",
    )
    section5_misdemeanor = models.CharField(
        max_length=20, choices=Section5Misdemeanor.choices, default=Section5Misdemeanor.REVIEW
    )
    violent_association = models.CharField(
        max_length=20, choices=ViolentAssociation.choices, default=ViolentAssociation.NOT_ELIGIBLE
    )
    recent_sentence_days = models.PositiveIntegerField(default=1095)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = "office policies"

    def __str__(self) -> str:
        return f"policy v{self.version}"

    def as_rules_policy(self, *, county: str) -> Policy:
        """The engine's policy: these switches, and the county of the office's profile (the
        county is not a switch of the policy: ``CountyProfile.name``, issue 21)."""
        return Policy(
            county=county,
            max_grams=None if self.max_grams is None else float(self.max_grams),
            section5_misdemeanor=self.section5_misdemeanor,  # type: ignore[arg-type]
            violent_association=self.violent_association,  # type: ignore[arg-type]
            recent_sentence_days=self.recent_sentence_days,
        )

    def values(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "max_grams": None if self.max_grams is None else float(self.max_grams),
            "section5_misdemeanor": self.section5_misdemeanor,
            "violent_association": self.violent_association,
            "recent_sentence_days": self.recent_sentence_days,
        }


class CountyProfile(models.Model):
    """One version of a county's profile (``eligibility.counties``): the court, the circuit,
    the caption, the court locations, the service list, the office, the letters' help and the
    packet's shape. Versions are never edited: a change adds a version of the office's own
    county's profile, and every packet records the version it was made with."""

    class LocationRule(models.TextChoices):
        COLUMN = "column", "The list's court location column names it"
        SINGLE = "single", "Always the same: the county's one courthouse"

    class PacketShape(models.TextChoices):
        PER_CASE = "per_case", "Per case: one motion for the batch, one proposed order per case"
        OMNIBUS = (
            "omnibus",
            (
                "Omnibus: one motion and one order for the whole batch, granting the convictions "
                "of Exhibit A by line number"
            ),
        )

    county = models.SlugField(max_length=30)  # OFFICE_COUNTY: "cook", "will", "mchenry"
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=60)
    court = models.CharField(max_length=200)
    circuit = models.CharField(max_length=200)
    caption = models.CharField(max_length=200)
    location_rule = models.CharField(max_length=10, choices=LocationRule.choices)
    # [{"name": ..., "address": ..., "to_confirm": bool}], the one courthouse first
    locations = models.JSONField(default=list)
    clerk = models.CharField(max_length=200)
    clerk_address = models.CharField(max_length=300)
    police = models.CharField(max_length=200)
    police_address = models.CharField(max_length=300)
    state_attorney = models.CharField(max_length=200)
    office_title = models.CharField(max_length=200)
    office_name = models.CharField(max_length=200)
    office_address = models.TextField()  # its lines
    help_line = models.CharField(max_length=100, blank=True)
    legal_aid = models.TextField()
    packet_shape = models.CharField(max_length=10, choices=PacketShape.choices)
    # Fields whose value the office is still to confirm (``counties.CONFIRMABLE``).
    to_confirm = models.JSONField(default=list, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["county", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["county", "version"], name="one_profile_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} County profile v{self.version}"

    @property
    def office_address_lines(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.office_address.splitlines() if line.strip())

    @property
    def single_location(self) -> str:
        """The one courthouse's name when every row is in it, else ""."""
        if self.location_rule == self.LocationRule.SINGLE and self.locations:
            return str(self.locations[0]["name"])
        return ""

    def location_of(self, court_location: str) -> str:
        """Where a row is filed: the courthouse of a one-courthouse county, else its list's
        court location column as written."""
        return self.single_location or court_location

    @property
    def unconfirmed(self) -> list[str]:
        """What the office is still to confirm, in words (the profile page's warning)."""
        from eligibility.counties import FIELDS

        found = [FIELDS[name]["label"] for name in self.to_confirm if name in FIELDS]
        found += [
            f"the address of {location['name']}"
            for location in self.locations
            if location.get("to_confirm")
        ]
        return found

    def values(self) -> dict[str, Any]:
        """Every field a version holds, for the audit log (from → to)."""
        from eligibility.counties import EDITABLE

        return {
            "version": self.version,
            "county": self.county,
            "name": self.name,
            **{name: getattr(self, name) for name in EDITABLE},
            "locations": self.locations,
            "to_confirm": self.to_confirm,
        }


class IspList(models.Model):
    """One uploaded ISP list and the state of its import and evaluation."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        # Received, but the broker could not be reached to send it to the workers; the periodic
        # check (services.lists_restart_stalled) sends it when it can.
        WAITING = "waiting", "Waiting for workers"
        PARSING = "parsing", "Reading the file"
        EVALUATING = "evaluating", "Evaluating"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to="lists/%Y/%m/", max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size_bytes = models.BigIntegerField()
    kind = models.CharField(max_length=8, blank=True)  # csv or xlsx, from the content
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    as_of = models.DateField()
    policy = models.ForeignKey(OfficePolicy, on_delete=models.PROTECT, related_name="lists")
    ruleset_version = models.CharField(max_length=40, blank=True)
    # When the uploaded file was deleted (filings.purge: source files are kept a set time).
    file_purged_at = models.DateTimeField(null=True, blank=True)

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    message = models.TextField(blank=True)
    # Each evaluation of the list has a number; a row is evaluated when its run equals it and it
    # was judged with every row of its person (``Conviction.judged_with``).
    evaluation_run = models.PositiveIntegerField(default=0)
    rows_parsed = models.PositiveIntegerField(default=0)
    # The number of the last row stored when the list is read whole (a list read in parts keeps
    # it for each part): a run of the import resumes after it. Written with each stored batch;
    # reading it needs no query whose plan depends on statistics of rows still arriving.
    stored_up_to = models.PositiveIntegerField(default=0)
    blank_rows = models.PositiveIntegerField(default=0)
    # The file's columns in its order, each ``[header key, field]`` (field None: a column the
    # format does not know, whose cells are in ``Conviction.other``): with them a row's cells
    # are stored once, in its fields (``Conviction.cells``). Written before the first row.
    columns = models.JSONField(default=list, blank=True)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_evaluated = models.PositiveIntegerField(default=0)
    chunks_total = models.PositiveIntegerField(default=0)
    parse_started_at = models.DateTimeField(null=True, blank=True)
    parse_finished_at = models.DateTimeField(null=True, blank=True)
    evaluate_started_at = models.DateTimeField(null=True, blank=True)
    evaluate_finished_at = models.DateTimeField(null=True, blank=True)
    # When the import last moved: a counter (rows_parsed, rows_evaluated) or the status changed,
    # or it was (re)started. A list still working whose progress_at is old has stalled.
    progress_at = models.DateTimeField(default=timezone.now)
    # What the list brought, against the lists before it (issue 18), counted when its evaluation
    # finished: "new", "known" (rows that are a conviction of an earlier list), "corrected" (known,
    # with facts changed), and what the other apps add about the known ones ("decided",
    # "approved", "filed", "granted", "denied", "carried", "flagged"; eligibility.signals).
    history = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = "ISP list"

    def __str__(self) -> str:
        return f"{self.filename} (#{self.pk})"

    WORKING = (Status.RECEIVED, Status.WAITING, Status.PARSING, Status.EVALUATING)

    @property
    def is_working(self) -> bool:
        return self.status in self.WORKING

    @property
    def is_stalled(self) -> bool:
        """Still working, but nothing has moved for ``LIST_STALL_MINUTES``: the workers stopped,
        never took it, or are busy with other lists."""
        idle = timezone.now() - self.progress_at
        return self.is_working and idle >= timedelta(minutes=settings.LIST_STALL_MINUTES)

    @property
    def progress_percent(self) -> int:
        """Reading the file is the first half of the bar, evaluating the second."""
        if self.status == self.Status.READY:
            return 100
        if self.status == self.Status.EVALUATING and self.rows_total:
            return 50 + int(50 * min(self.rows_evaluated, self.rows_total) / self.rows_total)
        if self.status == self.Status.PARSING and self.file and self.size_bytes:
            # rows are parsed at an even pace through the file: estimate from rows so far
            return min(49, int(self.rows_parsed / max(self.rows_parsed + 1000, 1) * 49))
        return 0

    def seconds(self, start: str, end: str) -> float | None:
        begun, ended = getattr(self, start), getattr(self, end)
        return (ended - begun).total_seconds() if begun and ended else None


class Conviction(models.Model):
    """One row of an ISP list: the cells as received, the fields read from them, and the
    machine's determination. (Named for what the office treats it as; a row may turn out not
    to be a conviction, and the determination says so.)"""

    # Not indexed alone: ``one_row_per_number`` and ``conviction_bucket`` begin with it, and every
    # index costs each stored row (issue 19).
    isp_list = models.ForeignKey(
        IspList, on_delete=models.CASCADE, related_name="convictions", db_index=False
    )
    row_number = models.PositiveIntegerField()
    # The cells as read that the fields and ``other`` do not hold as they were read (spaces
    # around them, a number's ``.0``, a column past the header's): most rows have none, and
    # every cell is stored once (issue 19). Rows of lists stored before the list kept its
    # ``columns`` hold all their cells here. Read the row's cells with ``cells``.
    raw = models.JSONField(default=dict)
    other = models.JSONField(default=dict, blank=True)
    # The normalised fields (eligibility.rules.records.Record plus the ones the office needs).
    # Text of any length: a list may hold a value longer than any sensible limit, and a row is
    # never refused or cut for it (the import report shows what could not be read).
    sid = models.TextField(blank=True)
    last_name = models.TextField(blank=True)
    first_name = models.TextField(blank=True)
    middle_name = models.TextField(blank=True)
    date_of_birth = models.TextField(blank=True)
    sex = models.TextField(blank=True)
    race = models.TextField(blank=True)
    dcn = models.TextField(blank=True)
    arrest_date = models.TextField(blank=True)
    arresting_agency = models.TextField(blank=True)
    arrest_ori = models.TextField(blank=True)
    county = models.TextField(blank=True)
    court_case_number = models.TextField(blank=True)
    court_location = models.TextField(blank=True)
    offense_date = models.TextField(blank=True)
    statute = models.TextField(blank=True)
    offense_description = models.TextField(blank=True)
    offense_class = models.TextField(blank=True)
    disposition = models.TextField(blank=True)
    disposition_date = models.TextField(blank=True)
    sentence = models.TextField(blank=True)
    address_line = models.TextField(blank=True)
    city = models.TextField(blank=True)
    state = models.TextField(blank=True)
    zip = models.TextField(blank=True)
    # Read once at import, for sorting and filtering (newest disposition first).
    disposition_on = models.DateField(null=True, blank=True)
    unreadable = models.JSONField(default=list, blank=True)
    person_key = models.TextField()
    case_key = models.TextField(blank=True)
    # Rows of one person share a bucket; evaluation tasks take ranges of buckets.
    bucket = models.PositiveIntegerField()
    # The conviction's identity across lists, a keyed hash (eligibility.identity): the purge
    # keeps it, so a later list that brings the conviction back is recognised.
    identity = models.CharField(max_length=64, blank=True)
    # The date of birth as read, for finding a person by it (eligibility.selectors.people_find).
    born_on = models.DateField(null=True, blank=True)
    # The same conviction on the newest earlier list, if any (matched when the list's evaluation
    # finishes), and the facts that changed since it (``{field: [earlier, now]}``).
    copy_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="later_copies",
        db_index=False,  # indexed where set (``conviction_copy_of``): most rows have none
    )
    changes = models.JSONField(default=dict, blank=True)

    # Set when the personal data was replaced by a tombstone after the conviction was vacated and
    # expunged (filings.purge): counts, reason codes, dates and court location remain.
    purged_at = models.DateTimeField(null=True, blank=True)

    determination = models.CharField(max_length=12, choices=Determination.choices, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    details = models.JSONField(default=dict, blank=True)
    evaluation_run = models.PositiveIntegerField(default=0)
    # How many rows of the person (``person_key``) the row was judged with. A list is judged as it
    # is stored, batch by batch (``services._stored_rows``); a person with more rows in the list
    # than this was judged without some of them and is judged again, whole, before the list is
    # ready (``services.list_evaluate_start``).
    judged_with = models.PositiveIntegerField(default=0)
    ruleset_version = models.CharField(max_length=40, blank=True)
    policy_version = models.PositiveIntegerField(null=True, blank=True)
    as_of = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["isp_list", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["isp_list", "row_number"], name="one_row_per_number"),
        ]
        indexes = [
            models.Index(fields=["isp_list", "bucket"], name="conviction_bucket"),
            models.Index(fields=["-disposition_on", "id"], name="conviction_newest"),
            models.Index(fields=["identity", "isp_list"], name="conviction_identity"),
            models.Index(
                fields=["copy_of"],
                condition=models.Q(copy_of__isnull=False),
                name="conviction_copy_of",
            ),
            # Finding a person (issue 18): by person key (SID), name, case, DCN, date of birth.
            # Texts are indexed by their first characters (SEARCH_KEYS): a cell may be longer
            # than an index entry can be, and a row is never refused for it.
            models.Index(SEARCH_KEYS["person"], name="conviction_person"),
            models.Index(SEARCH_KEYS["last"], SEARCH_KEYS["first"], name="conviction_name"),
            models.Index(SEARCH_KEYS["case"], name="conviction_case"),
            models.Index(SEARCH_KEYS["dcn"], name="conviction_dcn"),
            models.Index(fields=["born_on"], name="conviction_born"),
        ]

    def __str__(self) -> str:
        return f"row {self.row_number} of list {self.isp_list_id}"

    @property
    def cells(self) -> dict[str, str]:
        """Every cell of the row as read, keyed by its header, in the file's order (none once
        purged)."""
        if self.purged_at is not None:
            return {}
        return cells_of(
            self.isp_list.columns, self.raw, functools.partial(getattr, self), self.other
        )

    @property
    def is_correction(self) -> bool:
        return bool(self.changes)


class ListPart(models.Model):
    """A part of a large CSV list that one worker reads and stores while others read the rest
    (``services.list_parse``): bytes ``[start, end)`` of the file, rows ``rows_before + 1`` to
    ``rows_before + rows``. Done once every row of it is stored."""

    isp_list = models.ForeignKey(IspList, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveIntegerField()
    start = models.BigIntegerField()
    end = models.BigIntegerField()
    rows_before = models.PositiveIntegerField()
    rows = models.PositiveIntegerField()
    header_end = models.BigIntegerField()
    done = models.BooleanField(default=False)
    # The number of the last row of the part stored (0: none yet), written with each batch.
    stored_up_to = models.PositiveIntegerField(default=0)
    blank_rows = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["isp_list", "number"], name="one_part_per_number"),
        ]

    def __str__(self) -> str:
        return f"part {self.number} of list {self.isp_list_id}"

    @property
    def last_stored_row(self) -> int:
        """The number of the last row of the part stored, or of the row before it (none yet)."""
        return max(self.rows_before, self.stored_up_to)
