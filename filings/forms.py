from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone


class ExhibitOutcomesForm(forms.Form):
    """Exhibit A uploaded back with the court's rulings in an added "Outcome" column."""

    file = forms.FileField(
        label="Exhibit A with an Outcome column (.xlsx or .csv)",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        help_text="The packet's exhibit-a.xlsx with a column “Outcome”: GRANTED or DENIED (or G "
        "/ D) on each line the court ruled on, empty where it has not ruled yet.",
    )
    order_date = forms.DateField(
        label="Order date for rows without one",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Used where the sheet has no “Order date” column, or that cell is empty.",
    )

    def __init__(self, *args: Any, packet: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The limits the upload checks (an order is given after filing, and not in the future),
        # carried by the field so that the browser's date picker offers only those days.
        limits = {"max": timezone.localdate().isoformat()}
        if packet is not None and packet.filed_on is not None:
            limits["min"] = packet.filed_on.isoformat()
        self.fields["order_date"].widget.attrs.update(limits)
