from __future__ import annotations

from typing import Any

from django import forms

from eligibility.models import IspList
from review.models import Decision, Outcome, OverrideReason
from review.selectors import queue as queue_selectors
from review.services import samples as sample_services


class DecisionForm(forms.Form):
    """Confirm or override one conviction. The rules (what may be confirmed, that an override
    needs a reason) are the service's (``decision_record``), so that every caller gets them."""

    kind = forms.ChoiceField(choices=Decision.Kind.choices, widget=forms.HiddenInput)
    # Plain text fields shown as lists: the service checks the values and says what is wrong.
    outcome = forms.CharField(
        required=False,
        label="Decide",
        widget=forms.Select(choices=[("", "— choose —"), *Outcome.choices]),
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Select(choices=[("", "— choose a reason —"), *OverrideReason.choices]),
    )
    note = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional (required for “Other”).",
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class SelectionField(forms.Field):
    """Checked queue rows, each sent as ``<conviction id>:<review version>``."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> dict[int, int]:
        selected: dict[int, int] = {}
        for item in value or []:
            pk, _, version = str(item).partition(":")
            try:
                selected[int(pk)] = int(version or 0)
            except ValueError as bad:
                raise forms.ValidationError("The selection could not be read.") from bad
        return selected


class SelectionForm(forms.Form):
    select = SelectionField(required=False)


class ReassignForm(SelectionForm):
    to = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="nobody (release)",
        label="Hand to",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = queue_selectors.reviewers()


class BatchCreateForm(forms.Form):
    court_location = forms.ChoiceField(label="Court location")
    disposed_from = forms.DateField(
        required=False, label="Disposed from", widget=forms.DateInput(attrs={"type": "date"})
    )
    disposed_to = forms.DateField(
        required=False, label="Disposed to", widget=forms.DateInput(attrs={"type": "date"})
    )
    limit = forms.IntegerField(
        required=False, min_value=1, label="At most (newest first)", help_text="Empty: all."
    )

    def __init__(self, *args: Any, locations: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["court_location"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(loc, loc or "(no court location)") for loc in locations]


# The form's own values, in words that are not the machine's codes, so that the blind page's HTML
# never holds a determination code.
BLIND_CHOICES = (("eligible", "Eligible"), ("not_eligible", "Not eligible"))
BLIND_OUTCOME = {"eligible": Outcome.ELIGIBLE, "not_eligible": Outcome.NOT_ELIGIBLE}


class SampleDrawForm(forms.Form):
    isp_list = forms.ModelChoiceField(
        label="List",
        queryset=IspList.objects.filter(status=IspList.Status.READY).only("id", "filename"),
        empty_label="— choose a list —",
    )
    size = forms.IntegerField(
        label="Convictions",
        min_value=1,
        max_value=sample_services.MAX_SIZE,
        initial=sample_services.DEFAULT_SIZE,
    )
    seed = forms.IntegerField(
        label="Seed",
        required=False,
        min_value=0,
        max_value=2**62,
        help_text="Optional: the same list and seed draw the same convictions.",
    )


class BlindDecisionForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label="Your decision", choices=BLIND_CHOICES, widget=forms.RadioSelect
    )
    note = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
