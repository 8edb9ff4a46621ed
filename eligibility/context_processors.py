from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from eligibility.selectors import profile_current


def office(request: HttpRequest) -> dict[str, object]:
    """The office's county profile, for the pages' own chrome (the title, the brand, the login
    page): read only by a page that shows it."""
    return {"office": SimpleLazyObject(profile_current)}
