from __future__ import annotations

from django import forms
from django.utils import timezone

from eligibility.models import OfficePolicy


class ListUploadForm(forms.Form):
    file = forms.FileField(
        label="ISP list (.xlsx or .csv)",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    as_of = forms.DateField(
        label="Evaluate as of",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Sentences are judged complete or not on this day. Usually today.",
    )
    confirm_reimport = forms.BooleanField(
        label="This file was imported before: import it again",
        required=False,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["as_of"].initial = timezone.localdate()


class ReevaluateForm(forms.Form):
    as_of = forms.DateField(label="As of", widget=forms.DateInput(attrs={"type": "date"}))
    policy = forms.ModelChoiceField(
        queryset=OfficePolicy.objects.order_by("-version"), label="Policy version"
    )
