"""Factories for the models tests build directly (factory_boy): users with a role, ISP lists,
convictions, decisions and batches. Tests that need the real pipeline import a list file instead
(``eligibility.services.list_store_file``); these are for the rows a test states outright.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from eligibility.models import Conviction, IspList, OfficePolicy
from review.models import Batch, BatchItem, Decision, Review

AS_OF = date(2026, 11, 25)
PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory):
    """A user with ``role`` (a group of accounts/roles.py), or none."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create: bool, role: str | None, **kwargs: Any) -> None:
        if create and role:
            self.groups.add(Group.objects.get(name=role))


class IspListFactory(factory.django.DjangoModelFactory):
    """A list already read and evaluated (its rows come from ``ConvictionFactory``)."""

    class Meta:
        model = IspList

    filename = factory.Sequence(lambda n: f"list-{n}.csv")
    file = "lists/list.csv"
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    size_bytes = 0
    kind = "csv"
    as_of = AS_OF
    policy = factory.LazyFunction(lambda: OfficePolicy.objects.order_by("version").first())
    status = IspList.Status.READY


class ConvictionFactory(factory.django.DjangoModelFactory):
    """One evaluated row: a plain section 4(b) conviction, ELIGIBLE, person and case of its own
    (``number`` sets its row number, names, case and disposition date together)."""

    class Meta:
        model = Conviction

    class Params:
        number = factory.Sequence(lambda n: n + 1)
        first_day = date(2000, 1, 1)
        name = "PERSON"

    isp_list = factory.SubFactory(IspListFactory)
    row_number = factory.LazyAttribute(lambda o: o.number)
    last_name = factory.LazyAttribute(lambda o: f"{o.name}{o.number}")
    first_name = "ANN"
    raw = factory.LazyAttribute(lambda o: {"LAST_NAME": o.last_name, "FIRST_NAME": o.first_name})
    court_case_number = factory.LazyAttribute(lambda o: f"CASE-{o.isp_list.pk}-{o.number}")
    court_location = "MUNICIPAL DISTRICT 1"
    statute = "720 ILCS 550/4(b)"
    disposition_on = factory.LazyAttribute(lambda o: o.first_day + timedelta(days=o.number))
    disposition_date = factory.LazyAttribute(lambda o: o.disposition_on.isoformat())
    person_key = factory.LazyAttribute(lambda o: f"S|{o.isp_list.pk}-{o.number}")
    case_key = factory.LazyAttribute(lambda o: f"{o.isp_list.pk}-{o.number}")
    bucket = factory.LazyAttribute(lambda o: o.number % 1024)
    determination = "ELIGIBLE"
    reasons = factory.LazyFunction(list)
    details = factory.LazyFunction(
        lambda: {"basis": "Section 4(b), class B, not more than 10 grams."}
    )
    evaluation_run = 1
    as_of = AS_OF
    policy_version = 1


class DecisionFactory(factory.django.DjangoModelFactory):
    """An attorney's current decision on a conviction (confirming the machine unless told), with
    the conviction's review pointing at it, as ``review.services.reviews.decision_record`` leaves
    it."""

    class Meta:
        model = Decision
        skip_postgeneration_save = True  # decisions are append-only: never saved twice

    conviction = factory.SubFactory(ConvictionFactory)
    reviewer = factory.SubFactory(UserFactory)
    decided_at = factory.LazyFunction(timezone.now)
    kind = Decision.Kind.CONFIRM
    machine_determination = factory.LazyAttribute(lambda o: o.conviction.determination)
    machine_reasons = factory.LazyAttribute(lambda o: list(o.conviction.reasons))
    previous = factory.LazyAttribute(lambda o: o.conviction.determination)
    outcome = factory.LazyAttribute(lambda o: o.conviction.determination)

    @factory.post_generation
    def current(self, create: bool, extracted: bool | None, **kwargs: Any) -> None:
        if create and extracted is not False:
            Review.objects.update_or_create(
                conviction=self.conviction, defaults={"decision": self, "version": 1}
            )


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Batch

    court_location = "MUNICIPAL DISTRICT 1"
    created_by = factory.SubFactory(UserFactory)


class BatchItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BatchItem

    batch = factory.SubFactory(BatchFactory)
    decision = factory.SubFactory(DecisionFactory)
    conviction = factory.LazyAttribute(lambda o: o.decision.conviction)
