from __future__ import annotations

from django import forms
from django.utils import timezone

from eligibility.counties import CONFIRMABLE, EDITABLE, FIELDS, locations_read, locations_text
from eligibility.models import CountyProfile, OfficePolicy
from eligibility.policy import SWITCHES


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


class RestartForm(forms.Form):
    """A restart of a stalled import, with when the list last moved as the page showed it."""

    seen = forms.DateTimeField(widget=forms.HiddenInput)


class ReevaluateForm(forms.Form):
    as_of = forms.DateField(label="As of", widget=forms.DateInput(attrs={"type": "date"}))
    policy = forms.ModelChoiceField(
        queryset=OfficePolicy.objects.order_by("-version"), label="Policy version"
    )


class PolicyForm(forms.Form):
    """A proposed version of the office policy (spec section 9)."""

    max_grams = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=9,
        decimal_places=2,
        label=SWITCHES["max_grams"]["label"],
        help_text="Leave empty for no program cap.",
    )
    section5_misdemeanor = forms.ChoiceField(
        choices=OfficePolicy.Section5Misdemeanor.choices,
        label=SWITCHES["section5_misdemeanor"]["label"],
    )
    violent_association = forms.ChoiceField(
        choices=OfficePolicy.ViolentAssociation.choices,
        label=SWITCHES["violent_association"]["label"],
    )
    recent_sentence_days = forms.IntegerField(
        min_value=0, max_value=36500, label=SWITCHES["recent_sentence_days"]["label"]
    )
    preview_list = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="All lists",
        label="Preview the impact on",
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Why (required to adopt)",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        from eligibility.models import IspList

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["preview_list"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = IspList.objects.filter(status=IspList.Status.READY)

    def policy_values(self) -> dict[str, object]:
        data = self.cleaned_data
        return {
            "max_grams": data["max_grams"],
            "section5_misdemeanor": data["section5_misdemeanor"],
            "violent_association": data["violent_association"],
            "recent_sentence_days": data["recent_sentence_days"],
        }


class CountyProfileForm(forms.ModelForm):
    """A new version of the office's county profile (issue 21): the model's editable fields
    (``counties.EDITABLE``), its locations as lines, what is still to confirm, and why. The
    form never saves: ``services.profile_adopt`` adds the version."""

    # Radio buttons with no blank choice (a model field's form field would offer "---------").
    location_rule = forms.ChoiceField(
        choices=CountyProfile.LocationRule.choices, widget=forms.RadioSelect
    )
    packet_shape = forms.ChoiceField(
        choices=CountyProfile.PacketShape.choices, widget=forms.RadioSelect
    )
    locations = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    to_confirm = forms.MultipleChoiceField(
        choices=[(name, FIELDS[name]["label"]) for name in CONFIRMABLE],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Still to confirm",
        help_text="Untick a value once the office has checked it.",
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Why (required)"
    )

    field_order = [*EDITABLE[: EDITABLE.index("location_rule") + 1], "locations"]

    class Meta:
        model = CountyProfile
        fields = EDITABLE
        widgets = {
            "office_address": forms.Textarea(attrs={"rows": 2}),
            "legal_aid": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, field in self.fields.items():
            if name in FIELDS:
                field.label = FIELDS[name]["label"]
                field.help_text = FIELDS[name]["help"]

    @classmethod
    def initial_of(cls, profile: CountyProfile) -> dict[str, object]:
        return {
            **{name: getattr(profile, name) for name in EDITABLE},
            "locations": locations_text(profile.locations),
            "to_confirm": list(profile.to_confirm),
        }

    def clean_locations(self) -> list[dict[str, object]]:
        try:
            return locations_read(self.cleaned_data["locations"])
        except ValueError as problem:
            raise forms.ValidationError(str(problem)) from None

    def profile_values(self) -> dict[str, object]:
        data = self.cleaned_data
        return {
            **{name: data[name] for name in EDITABLE},
            "locations": data["locations"],
            "to_confirm": data["to_confirm"],
        }
