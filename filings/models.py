from __future__ import annotations

from django.conf import settings
from django.db import models

from eligibility.counties import office_county
from eligibility.models import Conviction, CountyProfile
from review.models import Batch


def profile_in_force() -> int:
    """The id of the office's county profile in force: a packet is made with it unless told."""
    return (
        CountyProfile.objects.filter(county=office_county())
        .order_by("-version")
        .values_list("pk", flat=True)[0]
    )


class Packet(models.Model):
    """The court packet of one approved batch: a zip of the motion, orders, Exhibit A, notices,
    mailing list and manifest, stored with its SHA-256; then its filing.

    A packet is made from one revision of its batch. A supervisor who sends the batch back
    starts the next revision: the packets of earlier revisions are superseded (kept, listed,
    never downloaded or filed), and once the batch is approved again it gets a new packet."""

    class Status(models.TextChoices):
        GENERATING = "generating", "Generating"
        READY = "ready", "Ready to file"
        FILED = "filed", "Filed"
        FAILED = "failed", "Failed"

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="packets")
    batch_revision = models.PositiveIntegerField(default=0)  # ``Batch.revision`` it was made from
    # The county profile version its documents are made with (issue 21): a profile changed
    # afterwards changes nothing in it, nor in its file rendered again after a purge.
    profile = models.ForeignKey(
        CountyProfile, on_delete=models.PROTECT, related_name="packets", default=profile_in_force
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.GENERATING)
    message = models.TextField(blank=True)
    file = models.FileField(upload_to="packets/%Y/%m/", max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size_bytes = models.BigIntegerField(default=0)
    files = models.JSONField(default=list, blank=True)  # [{name, sha256, size}], the manifest
    counts = models.JSONField(default=dict, blank=True)
    # The conviction on each line of Exhibit A, line 1 first (a clerk uploads the exhibit back
    # with the court's rulings; its "No." column is read against this)
    exhibit_lines = models.JSONField(default=list, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    filed_on = models.DateField(null=True, blank=True)
    court_call = models.CharField(max_length=255, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set when the stored file was deleted after every conviction in it was purged (or when it
    # could not be rendered again without the purged ones).
    purged_at = models.DateTimeField(null=True, blank=True)
    # Convictions purged since the packet was made, whose lines the stored file no longer has:
    # it was rendered again without them (filings.purge). What was filed stays above: the hash,
    # the manifest, the counts and the lines of Exhibit A.
    removed_convictions = models.JSONField(default=list, blank=True)
    reissued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "batch_revision"],
                condition=~models.Q(status="failed"),
                name="one_packet_per_batch_revision",
            )
        ]

    def __str__(self) -> str:
        return f"packet #{self.pk} of batch #{self.batch_id}"

    @property
    def is_superseded(self) -> bool:
        """The batch was sent back after this packet was made."""
        return self.batch_revision != self.batch.revision


class CourtOutcome(models.Model):
    """The court's ruling on one conviction of a filed packet. A grant vacates and expunges the
    conviction; its order date starts the retention clock after which personal data is purged."""

    class Ruling(models.TextChoices):
        GRANTED = "granted", "Granted: vacated and expunged"
        DENIED = "denied", "Denied"

    packet = models.ForeignKey(Packet, on_delete=models.PROTECT, related_name="outcomes")
    conviction = models.OneToOneField(
        Conviction, on_delete=models.PROTECT, related_name="court_outcome"
    )
    ruling = models.CharField(max_length=8, choices=Ruling.choices)
    order_date = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["ruling", "order_date"], name="outcome_ruling_date")]

    def __str__(self) -> str:
        return f"{self.ruling} on conviction {self.conviction_id}"
