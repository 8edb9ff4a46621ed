"""The forms of the Users pages: an account's names, roles (by name) and whether it may log in;
a new account with its first password; a password reset. Nothing else of an account is a field
here: no superuser or staff status, no raw permission, no group that is no role."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import SetPasswordForm

from accounts.roles import ROLES

User = get_user_model()


def role_field(**kwargs: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Roles",
        choices=[(name, name) for name in ROLES],
        widget=forms.CheckboxSelectMultiple,
        help_text="Each role gives what that role may do, and nothing more.",
        **kwargs,
    )


class AccountForm(forms.Form):
    """An existing account: names, e-mail, roles and whether it may log in. For one's own
    account ``own=True`` leaves out the roles and the activity (another administrator changes
    them)."""

    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    email = forms.EmailField(label="E-mail", required=False)
    roles = role_field(required=False)
    is_active = forms.BooleanField(
        label="Active: may log in",
        required=False,
        help_text="Untick to deactivate the account (its history is kept).",
    )

    def __init__(self, *args: Any, own: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if own:
            del self.fields["roles"]
            del self.fields["is_active"]


class AccountAddForm(forms.Form):
    username = forms.CharField(
        label="Username",
        max_length=150,
        validators=[User.username_validator],
        help_text="Letters, digits and @ . + - _ only.",
    )
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    email = forms.EmailField(label="E-mail", required=False)
    roles = role_field()
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("An account with this username exists.")
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ.")
        elif first:
            candidate = User(
                username=data.get("username", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                email=data.get("email", ""),
            )
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as invalid:
                self.add_error("password1", invalid)
        return data


class PasswordResetForm(SetPasswordForm):  # type: ignore[type-arg]
    """Django's own: the new password twice, checked by the configured validators."""
