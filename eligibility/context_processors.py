from __future__ import annotations

from django.http import HttpRequest

from eligibility.counties import county_name


def office(request: HttpRequest) -> dict[str, object]:
    """The office's county, for the pages' own chrome (the title, the brand, the login page):
    the county's name, which no version of its profile changes, so no page asks the database
    for it (the login page is served before anything else)."""
    return {"county_name": county_name()}
