from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from accounts.menu import menu_for


def menu(request: HttpRequest) -> dict[str, object]:
    return {"menu": menu_for(request), "demo_mode": settings.DEMO_MODE}
