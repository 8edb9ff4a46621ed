"""Finding a person, and one person's page. Both are criminal history information: every search
and every view of a person is audited (with ids, counts and a keyed hash of the query, never the
text typed)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import requires
from accounts.audit import audit_record
from eligibility.models import Conviction
from people import selectors
from people.forms import SearchForm


@requires("find_people")
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET if "q" in request.GET else None)
    result = None
    if form.is_valid():
        result = selectors.people_search(query=form.cleaned_data["q"])
        audit_record(action="person.search", request=request, detail=result.audit_detail())
    context = {
        "form": form,
        "result": result,
        "search_text": request.GET.get("q", ""),
        "limit": selectors.SEARCH_LIMIT,
        "show_notes": request.user.has_perm("accounts.review_convictions"),
    }
    return render(request, "people/search.html", context)


@requires("find_people")
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        person = selectors.person_of(pk=pk)
    except Conviction.DoesNotExist as missing:
        raise Http404("No such person (a purged conviction names nobody)") from missing
    audit_record(
        action="person.view",
        request=request,
        obj=person.row,
        detail={
            "count": len(person.rows),
            "convictions": [row.pk for row in person.rows[: selectors.AUDITED_IDS]],
        },
    )
    context = {
        "person": person,
        "limit": selectors.PERSON_LIMIT,
        "show_notes": request.user.has_perm("accounts.review_convictions"),
    }
    return render(request, "people/person_detail.html", context)


@requires("find_people")
def conviction_path(request: HttpRequest, pk: int) -> HttpResponse:
    """Where one conviction stands on every list (a fragment the conviction's page loads)."""
    try:
        path = selectors.conviction_path(pk=pk)
    except Conviction.DoesNotExist as missing:
        raise Http404("No such conviction") from missing
    context = {
        "paths": [path],
        "caption": "Where this conviction stands, on every list that brought it",
        "show_notes": request.user.has_perm("accounts.review_convictions"),
    }
    return render(request, "people/_paths.html", context)
