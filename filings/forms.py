from __future__ import annotations

from django import forms


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
