"""Django's password validators, with a 12-character minimum."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Tr0ub4dor&3x", None),
        ("violet mango cathedral", None),
        ("Tr0ub4dor&3", "at least 12 characters"),
        ("qwerty123456", "too common"),
        ("836492017364", "entirely numeric"),
        ("marguerite.delacroix", "too similar to the username"),
    ],
)
def test_passwords_are_checked(password, problem):
    user = get_user_model()(username="marguerite.delacroix")
    if problem is None:
        validate_password(password, user)
    else:
        with pytest.raises(ValidationError, match=problem):
            validate_password(password, user)


@pytest.mark.django_db
def test_an_administrator_cannot_give_a_new_user_a_short_password(client, admin):
    client.force_login(admin)
    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "new.asa",
            "usable_password": "true",
            "password1": "Short1!pass",
            "password2": "Short1!pass",
        },
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    assert not get_user_model().objects.filter(username="new.asa").exists()
