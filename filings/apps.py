from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class FilingsConfig(AppConfig):
    name = "filings"
    verbose_name = "Court packets and filings"

    def ready(self) -> None:
        from eligibility.signals import list_evaluated

        list_evaluated.connect(list_history, dispatch_uid="filings-list-history")


def list_history(sender: Any, isp_list: Any, **kwargs: Any) -> dict[str, int]:
    """A list finished: how many of its known convictions were filed, granted, denied before."""
    from filings.selectors import list_history_counts

    return list_history_counts(isp_list=isp_list, known=kwargs.get("known"))
