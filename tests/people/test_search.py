"""Finding a person (issue 18, point 5): every kind of key, on every list, from one box."""

from __future__ import annotations

import re

import pytest

from accounts.models import AuditEvent
from people import selectors
from people.selectors import query_fingerprint

from .conftest import BYSTANDER, DE_LA_ROSA, QUELLWATER, ZORBALOFF_1, ZORBALOFF_2, on

pytestmark = pytest.mark.django_db


def search(client, user, text: str):
    client.force_login(user)
    response = client.get("/search/", {"q": text})
    assert response.status_code == 200
    return response


def found_cases(response) -> set[str]:
    """The case keys of the convictions the page shows."""
    result = response.context["result"]
    return {path.row.case_key for person in result.people for path in person.paths}


def found_lists(response) -> set[int]:
    result = response.context["result"]
    return {
        step.row.isp_list_id
        for person in result.people
        for path in person.paths
        for step in path.steps
    }


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("zorbaloff", "name"),
        ("ZORBALOFF, MAX", "name"),
        ("Zorbaloff,  Maximilian", "name"),
        ("Maximilian Zorbaloff", "name"),
        ("zorbaloff maximilian", "name"),
        ("7100001", "SID"),
        ("7100001.0", "SID"),
        (" 7100001 ", "SID"),
        ("88002", "DCN"),
        ("2012-CR-000456", "court case number"),
        ("2012 cr 000456", "court case number"),
    ],
)
def test_each_kind_of_key_finds_the_person_on_both_lists(client, asa, lists, text, kind):
    response = search(client, asa, text)
    assert "2012CR000456" in found_cases(response)
    assert found_lists(response) == {lists.first.pk, lists.again.pk}
    assert kind in response.context["result"].kind_labels
    assert f"/people/{on(lists.first, ZORBALOFF_2).pk}/" in response.content.decode() or (
        f"/people/{on(lists.first, ZORBALOFF_1).pk}/" in response.content.decode()
    )


def test_a_name_finds_every_conviction_of_the_person_and_no_one_else(client, asa, lists):
    response = search(client, asa, "zorbaloff")
    assert found_cases(response) == {"2010CR000123", "2012CR000456", "2015CR000999"}
    assert len(response.context["result"].people) == 1


def test_a_first_name_that_does_not_begin_the_persons_finds_nobody(client, asa, lists):
    assert found_cases(search(client, asa, "Zorbaloff, Pilar")) == set()


@pytest.mark.parametrize("text", ["4/12/1975", "1975-04-12", "04-12-1975", "12-Apr-75"])
def test_a_date_of_birth_in_any_format_the_rules_read_finds_everyone_born_that_day(
    client, asa, lists, text
):
    response = search(client, asa, text)
    assert found_cases(response) == {
        "2010CR000123",
        "2012CR000456",
        "2015CR000999",
        BYSTANDER.case,
    }
    assert response.context["result"].kind_labels == ["date of birth"]
    assert len(response.context["result"].people) == 2


def test_a_person_without_a_sid_is_found_by_name_and_by_a_date_of_birth_written_otherwise(
    client, asa, lists
):
    assert found_cases(search(client, asa, "quellwater, b")) == {QUELLWATER.case}
    response = search(client, asa, "1980-02-29")
    assert found_cases(response) == {QUELLWATER.case}
    assert found_lists(response) == {lists.first.pk, lists.again.pk}


@pytest.mark.parametrize("text", ["de la rosa", "De La Rosa, Pil"])
def test_a_last_name_of_several_words_is_found(client, asa, lists, text):
    assert found_cases(search(client, asa, text)) == {DE_LA_ROSA.case}


@pytest.mark.parametrize(
    ("text", "message"), [("", "Type a name"), ("z", "at least 2"), ("--", "Nothing to search by")]
)
def test_an_empty_or_short_query_says_so_and_searches_nothing(client, asa, lists, text, message):
    response = search(client, asa, text)
    assert message in response.content.decode()
    assert response.context["result"] is None
    assert not AuditEvent.objects.filter(action="person.search").exists()


def test_the_page_without_a_query_explains_the_box(client, asa, lists):
    client.force_login(asa)
    response = client.get("/search/")
    assert b"in the search box above" in response.content
    assert not AuditEvent.objects.filter(action="person.search").exists()


def test_a_purged_conviction_is_not_found_and_shows_no_personal_data(client, asa, lists):
    from django.core.management import call_command

    call_command("purge_expunged")
    first = on(lists.first, ZORBALOFF_2)  # denied: kept, but its person key became a token
    purged = lists.first.convictions.get(purged_at__isnull=False)
    assert purged.court_outcome.ruling == "granted"
    for text in ("2010-CR-000123", "88001"):
        response = search(client, asa, text)
        assert found_cases(response) == set(), text
    response = search(client, asa, "zorbaloff")
    page = response.content.decode()
    assert "2012CR000456" in found_cases(response)
    assert first.pk in {row.pk for row in response.context["result"].found}
    assert purged.pk not in {row.pk for row in response.context["result"].found}
    # A copy still on a list shows the grant; the tombstone itself names nobody.
    assert "2010CR000123" not in page and "2010-CR-000123" not in page


def test_a_search_beyond_the_limit_shows_the_first_and_says_so(client, asa, db, monkeypatch):
    from tests.review.conftest import make_list

    monkeypatch.setattr(selectors, "SEARCH_LIMIT", 5)
    make_list(8, name="SAMENAME")
    from eligibility.models import Conviction

    Conviction.objects.update(last_name="SAMENAME")
    response = search(client, asa, "samename")
    result = response.context["result"]
    assert result.capped and len(result.found) == 5
    assert "Only the first 5 convictions are shown" in response.content.decode()
    assert AuditEvent.objects.get(action="person.search").detail["capped"] is True


def test_a_search_is_audited_with_ids_and_a_keyed_hash_never_the_text(client, asa, lists):
    search(client, asa, "2012-CR-000456")
    event = AuditEvent.objects.get(action="person.search")
    assert event.actor == asa
    expected = sorted(
        row.pk for row in (on(lists.first, ZORBALOFF_2), on(lists.again, ZORBALOFF_2))
    )
    assert sorted(event.detail["convictions"]) == expected
    assert event.detail["count"] == 2
    assert event.detail["kinds"] == ["case"]
    # the same query written otherwise has the same fingerprint; the text is nowhere
    assert event.detail["query_hmac"] == query_fingerprint("2012-cr-000456 ")
    stored = str(event.detail) + event.object_id + event.object_type
    assert not re.search(r"000456|ZORBALOFF|2012-CR", stored, re.IGNORECASE)


def test_the_fingerprint_command_prints_a_querys_keyed_hash(capsys):
    from django.core.management import call_command

    call_command("search_fingerprint", "Zorbaloff, Max")
    assert capsys.readouterr().out.strip() == query_fingerprint("ZORBALOFF, MAX")


def test_the_number_of_queries_does_not_grow_with_the_results(
    client, asa, db, django_assert_max_num_queries
):
    from eligibility.models import Conviction
    from tests.factories import DecisionFactory
    from tests.review.conftest import make_list

    few, many = make_list(2, name="FEW"), make_list(20, name="MANY")
    for conviction in Conviction.objects.all():
        DecisionFactory(conviction=conviction)
    Conviction.objects.filter(isp_list=few).update(last_name="FEWROWS")
    Conviction.objects.filter(isp_list=many).update(last_name="MANYROWS")
    client.force_login(asa)
    client.get("/search/", {"q": "fewrows"})  # the session and permissions, once
    with django_assert_max_num_queries(20) as small:
        client.get("/search/", {"q": "fewrows"})
    with django_assert_max_num_queries(len(small)) as large:
        response = client.get("/search/", {"q": "manyrows"})
    assert len(response.context["result"].found) == 20
    assert len(large) == len(small)


def test_a_name_longer_than_its_index_prefix_is_compared_whole(client, asa, db):
    from tests.factories import ConvictionFactory

    stem = "W" * 150
    wanted = ConvictionFactory(last_name=stem + "X")
    ConvictionFactory(last_name=stem + "Y")
    response = search(client, asa, stem + "x")
    assert [row.pk for row in response.context["result"].found] == [wanted.pk]
