"""The writes of the validation sample (issue 6): a seeded random draw of one list's
convictions, and their blind review."""

from __future__ import annotations

import random
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from core.refusals import Refused
from eligibility.models import Conviction, IspList
from review.models import Decision, SampleItem, ValidationSample
from review.selectors.samples import BLIND

DEFAULT_SIZE = 300
MAX_SIZE = 5000


class SampleRefused(Refused):
    """A draw or blind decision that is not allowed; the message says why."""


# Drawing -----------------------------------------------------------------------------------------


def draw_ids(population: list[int], *, size: int, seed: int) -> list[int]:
    """``size`` ids from ``population`` (sorted first, so the draw depends only on the set of
    ids and the seed), in the order drawn."""
    ordered = sorted(population)
    return random.Random(seed).sample(ordered, min(size, len(ordered)))


def sample_draw(
    *, isp_list: IspList, user: Any, size: int = DEFAULT_SIZE, seed: int | None = None
) -> ValidationSample:
    """Draw a sample of the list's evaluated convictions, capturing the machine's view of each."""
    if not IspList.objects.filter(pk=isp_list.pk, status=IspList.Status.READY).exists():
        raise SampleRefused("Only a list that is read and evaluated can be sampled.")
    if not 1 <= size <= MAX_SIZE:
        raise SampleRefused(f"A sample holds between 1 and {MAX_SIZE:,} convictions.")
    if seed is None:
        seed = secrets.randbelow(2**31)
    population = list(
        Conviction.objects.filter(isp_list=isp_list)
        .exclude(determination="")
        .values_list("pk", flat=True)
    )
    if not population:
        raise SampleRefused("The list has no evaluated conviction to sample.")
    chosen = draw_ids(population, size=size, seed=seed)
    machine = {
        pk: (determination, reasons)
        for pk, determination, reasons in Conviction.objects.filter(pk__in=chosen).values_list(
            "pk", "determination", "reasons"
        )
    }
    with transaction.atomic():
        sample = ValidationSample.objects.create(
            isp_list=isp_list, size=size, seed=seed, drawn_by=user
        )
        SampleItem.objects.bulk_create(
            [
                SampleItem(
                    sample=sample,
                    conviction_id=pk,
                    position=position,
                    machine_determination=machine[pk][0],
                    machine_reasons=list(machine[pk][1] or []),
                )
                for position, pk in enumerate(chosen, start=1)
            ],
            batch_size=1000,
        )
        audit_record(
            action="sample.draw",
            actor=user,
            obj=sample,
            detail={"list": isp_list.pk, "size": size, "seed": seed, "drawn": len(chosen)},
        )
    return sample


# Blind review ------------------------------------------------------------------------------------


def blind_decision_record(
    *, item: SampleItem, reviewer: Any, outcome: str, note: str = ""
) -> SampleItem:
    """Record the blind outcome of one item, once (compare-and-set: two reviewers on the same
    item cannot both record it)."""
    if outcome not in BLIND:
        raise SampleRefused("Choose eligible or not eligible.")
    if Decision.objects.filter(conviction_id=item.conviction_id, reviewer=reviewer).exists():
        raise SampleRefused(
            "You decided this conviction in ordinary review, so your review would not be blind."
        )
    with transaction.atomic():
        now = timezone.now()
        taken = SampleItem.objects.filter(pk=item.pk, outcome="").update(
            outcome=outcome, reviewer=reviewer, decided_at=now, note=note.strip()
        )
        if taken != 1:
            raise SampleRefused("Another attorney recorded this item meanwhile.")
        audit_record(
            action="sample.blind_decision",
            actor=reviewer,
            obj=item.sample,
            detail={"conviction": item.conviction_id, "outcome": outcome},
        )
    item.refresh_from_db()
    return item
