from __future__ import annotations

from django import forms

from eligibility.models import IspList
from reports import selectors


class ScopeForm(forms.Form):
    isp_list = forms.ModelChoiceField(
        queryset=IspList.objects.all(), required=False, label="List", empty_label="All lists"
    )
    date_from = forms.DateField(
        required=False, label="Uploaded from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="to", widget=forms.DateInput(attrs={"type": "date"})
    )

    def scope(self) -> selectors.Scope:
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.Scope(
            isp_list=data.get("isp_list"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
