"""The attorney's review of each conviction: who holds it now, and every decision ever made.

``Review`` is the current state of one conviction's review (one row per conviction, created
when the conviction is first claimed or decided): the claim and the current decision, with a
``version`` that every change increments (stale forms and compare-and-set claims rely on it).
``Decision`` is the append-only history: a change of mind adds a decision, it never edits one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from eligibility.models import Conviction, Determination


class Outcome(models.TextChoices):
    """What an attorney may decide: a NEEDS_REVIEW row must be resolved to one of the two."""

    ELIGIBLE = Determination.ELIGIBLE.value, Determination.ELIGIBLE.label
    NOT_ELIGIBLE = Determination.NOT_ELIGIBLE.value, Determination.NOT_ELIGIBLE.label


class OverrideReason(models.TextChoices):
    """The office's reasons for departing from (or resolving) the machine's determination."""

    COURT_FILE = "court_file", "The court file shows facts the ISP row lacks or gets wrong"
    CHARGE_IDENTIFIED = "charge_identified", "The charge was identified from the court file"
    AMOUNT_ESTABLISHED = "amount_established", "The amount was established from the court file"
    SENTENCE_VERIFIED = "sentence_verified", "The sentence status was verified"
    NOT_A_CONVICTION = "not_a_conviction", "Not a conviction (dismissed, acquitted, supervision)"
    ALREADY_RELIEVED = "already_relieved", "Already vacated, expunged or sealed"
    DUPLICATE = "duplicate", "Duplicate of another row"
    ASSOCIATED_OFFENSE = "associated_offense", "The associated charges decide it"
    JUVENILE = "juvenile", "Juvenile record: handled under 705 ILCS 405/5-915"
    OFFICE_POLICY = "office_policy", "Office policy (supervisor consulted)"
    OTHER = "other", "Other (explain in the note)"


class Review(models.Model):
    conviction = models.OneToOneField(
        Conviction, on_delete=models.CASCADE, primary_key=True, related_name="review"
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_claims",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    decision = models.OneToOneField(
        "Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["claimed_by", "claimed_at"], name="review_claims")]

    def __str__(self) -> str:
        return f"review of conviction {self.conviction_id}"

    @property
    def needs_another_look(self) -> bool:
        """The machine's determination or reasons changed since the current decision, or the
        decision was carried over from an earlier list onto a row that list corrected."""
        decision, conviction = self.decision, self.conviction
        if decision is None:
            return False
        return (
            decision.machine_determination != conviction.determination
            or sorted(decision.machine_reasons) != sorted(conviction.reasons)
            or bool(decision.changes)
        )


class DecisionQuerySet(models.QuerySet["Decision"]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("decisions are append-only: record a new decision")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("decisions are append-only")


class Decision(models.Model):
    """One attorney decision on one conviction (append-only)."""

    class Kind(models.TextChoices):
        CONFIRM = "confirm", "Confirmed"
        OVERRIDE = "override", "Overridden"

    conviction = models.ForeignKey(Conviction, on_delete=models.PROTECT, related_name="decisions")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_decisions"
    )
    decided_at = models.DateTimeField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    bulk = models.BooleanField(default=False, help_text="Made by a bulk confirm.")
    # The machine's view when the attorney decided: a later evaluation that changes it flags the
    # decision "for another look".
    machine_determination = models.CharField(max_length=12, choices=Determination.choices)
    machine_reasons = models.JSONField(default=list, blank=True)
    # Where the row stood before: the last decision's outcome, or the machine's determination.
    previous = models.CharField(max_length=12, choices=Determination.choices)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    reason = models.CharField(max_length=24, choices=OverrideReason.choices, blank=True)
    note = models.TextField(blank=True)
    # A decision carried over from the same conviction on an earlier list (issue 18): the
    # attorney's decision it repeats (who, when, on which list), and the facts the list corrected
    # since (``{field: [earlier, now]}``, the conviction's ``changes``): any makes it a decision
    # for another look.
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="carried_to"
    )
    changes = models.JSONField(default=dict, blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [
            models.Index(fields=["-decided_at", "-id"], name="decision_newest"),
            models.Index(fields=["reviewer", "-decided_at"], name="decision_reviewer"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.outcome} on conviction {self.conviction_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("decisions are append-only: record a new decision")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("decisions are append-only")

    @property
    def is_carried(self) -> bool:
        return self.carried_from_id is not None

    @property
    def kind_label(self) -> str:
        """The kind in the dashboard's words: a row the machine sent to a person is "resolved"
        (to Eligible or Not eligible), not "overridden"."""
        if self.kind == self.Kind.OVERRIDE and self.machine_determination == "NEEDS_REVIEW":
            return "Resolved"
        return self.get_kind_display()


class Batch(models.Model):
    """Convictions decided ELIGIBLE, from one court location, that go to court together.

    The state machine is ``review.services.batches.TRANSITIONS``; every change is a
    compare-and-set on ``state``. From ``approved`` on, the batch is locked: its contents and the
    decisions in it cannot change until a supervisor sends it back.
    """

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted for approval"
        RETURNED = "returned", "Returned"
        APPROVED = "approved", "Approved"
        PACKET_GENERATED = "packet_generated", "Packet generated"
        FILED = "filed", "Filed"

    LOCKED_STATES = (State.APPROVED, State.PACKET_GENERATED, State.FILED)

    court_location = models.CharField(max_length=255)
    disposed_from = models.DateField(null=True, blank=True)
    disposed_to = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # The supervisor's comment when the batch was last returned or sent back.
    comment = models.TextField(blank=True)
    # How many times the batch was sent back after approval. A court packet is made from one
    # revision; sending the batch back supersedes the packets of the revision before.
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "batches"

    def __str__(self) -> str:
        return f"batch #{self.pk} ({self.court_location})"

    @property
    def is_locked(self) -> bool:
        return self.state in self.LOCKED_STATES


class BatchItem(models.Model):
    """One conviction in one batch (a conviction is in one batch at most)."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="items")
    conviction = models.OneToOneField(
        Conviction, on_delete=models.PROTECT, related_name="batch_item"
    )
    # The decision that put it in: a later decision is refused while the batch is locked.
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["batch", "id"]

    def __str__(self) -> str:
        return f"conviction {self.conviction_id} in batch {self.batch_id}"


class BatchEvent(models.Model):
    """The history of a batch: every transition, who made it, and the comment."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_state}→{self.to_state}"


class ValidationSample(models.Model):
    """A random sample of one list's convictions for blind review (issue 6): attorneys decide
    each without seeing the machine's determination, and the report measures the machine against
    them. Drawn with ``random.Random(seed)`` over the list's evaluated conviction ids in id order,
    so that the same list and seed always give the same items."""

    isp_list = models.ForeignKey(
        "eligibility.IspList", on_delete=models.PROTECT, related_name="validation_samples"
    )
    size = models.PositiveIntegerField(help_text="How many convictions were asked for.")
    seed = models.BigIntegerField()
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-drawn_at", "-id"]

    def __str__(self) -> str:
        return f"validation sample #{self.pk} of list {self.isp_list_id}"


class SampleItem(models.Model):
    """One conviction of a validation sample and its blind outcome. Not a ``Decision``: a blind
    outcome measures the machine; it does not decide the conviction."""

    sample = models.ForeignKey(ValidationSample, on_delete=models.CASCADE, related_name="items")
    conviction = models.ForeignKey(Conviction, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(help_text="Order of the draw, from 1.")
    # The machine's view when the sample was drawn: the report compares against it, so that a
    # later re-evaluation does not move the measurement. Never shown on the blind page.
    machine_determination = models.CharField(max_length=12, choices=Determination.choices)
    machine_reasons = models.JSONField(default=list, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["sample", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["sample", "conviction"], name="one_item_per_conviction"
            ),
            models.UniqueConstraint(fields=["sample", "position"], name="one_item_per_position"),
        ]
        indexes = [models.Index(fields=["sample", "outcome"], name="sample_item_outcome")]

    def __str__(self) -> str:
        return f"conviction {self.conviction_id} in sample {self.sample_id}"
