from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"

    def ready(self) -> None:
        from eligibility.signals import list_evaluated

        list_evaluated.connect(carry_over, dispatch_uid="review-carry-over")


def carry_over(sender: Any, isp_list: Any, **kwargs: Any) -> dict[str, int]:
    """A list finished: carry decisions of earlier copies over (``review.services.carry``)."""
    from review.services.carry import decisions_carry_over

    return decisions_carry_over(isp_list=isp_list, known=kwargs.get("known"))
