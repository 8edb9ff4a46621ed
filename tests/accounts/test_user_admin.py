"""The Users admin offers the Admin role what the role may do: the app's roles, by name, for
other people. No superuser status, no raw permissions, no arbitrary groups, no change to a
superuser and no change to one's own roles (issue 15, defect 4). A superuser keeps Django's
full form."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from accounts.models import AuditEvent
from accounts.roles import ADMIN, ASA, CLERK, ROLES, SUPERVISOR
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "violet mango cathedral"


@pytest.fixture
def outsider_group():
    """A group that is no role, holding what the clerk and the supervisor may do."""
    group = Group.objects.create(name="Auditors")
    group.permissions.set(escalating_permissions())
    return group


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", password=PASSWORD)


def escalating_permissions() -> list[Permission]:
    return list(
        Permission.objects.filter(
            content_type__app_label__in=["accounts", "auth"],
            codename__in=["handle_packets", "approve_batches", "review_convictions", "delete_user"],
        )
    )


def role(name: str) -> Group:
    return Group.objects.get(name=name)


def change_form(user, **fields) -> dict:
    """What the change form posts for ``user``, with ``fields`` on top (the date fields are
    those of Django's full form: a restricted form ignores them)."""
    return {
        "username": user.username,
        "is_active": "on",
        "date_joined_0": "2026-11-25",
        "date_joined_1": "09:00:00",
        "initial-date_joined_0": "2026-11-25",
        "initial-date_joined_1": "09:00:00",
        **fields,
    }


def escalation(*groups: Group) -> dict:
    return {
        "is_superuser": "on",
        "is_staff": "on",
        "user_permissions": [p.pk for p in escalating_permissions()],
        "groups": [g.pk for g in groups],
    }


def roles_of(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)  # no cached permissions


def test_the_admin_role_cannot_make_itself_superuser_or_give_itself_permissions_or_roles(
    client, admin, outsider_group
):
    client.force_login(admin)
    own = client.get(f"/admin/auth/user/{admin.pk}/change/").content.decode()
    assert 'name="groups"' not in own and 'name="is_active"' not in own, "shown, not offered"
    client.post(
        f"/admin/auth/user/{admin.pk}/change/",
        change_form(admin, **escalation(role(SUPERVISOR), role(CLERK), outsider_group)),
    )
    admin = fresh(admin)
    assert not admin.is_superuser
    assert not admin.user_permissions.exists()
    assert roles_of(admin) == {ADMIN}, "an admin does not change their own roles"
    assert not admin.has_perm("accounts.handle_packets")
    assert client.get("/review/").status_code == 403
    assert client.get("/filings/").status_code == 403


def test_the_admin_role_cannot_make_another_user_superuser_or_give_raw_permissions(
    client, admin, asa, outsider_group
):
    client.force_login(admin)
    url = f"/admin/auth/user/{asa.pk}/change/"
    refused = client.post(url, change_form(asa, **escalation(outsider_group)))
    assert refused.status_code == 200, "a group that is no role is not a choice"
    asa = fresh(asa)
    assert (asa.is_superuser, asa.is_staff, roles_of(asa)) == (False, False, {ASA})

    saved = client.post(url, change_form(asa, **escalation(role(CLERK))))
    assert saved.status_code == 302
    asa = fresh(asa)
    assert not asa.is_superuser and not asa.is_staff
    assert not asa.user_permissions.exists()
    assert roles_of(asa) == {CLERK}


def test_the_admin_role_cannot_add_a_superuser_or_a_user_with_raw_permissions(
    client, admin, outsider_group
):
    client.force_login(admin)
    new_user = {
        "username": "new.clerk",
        "usable_password": "true",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    refused = client.post("/admin/auth/user/add/", {**new_user, **escalation(outsider_group)})
    assert refused.status_code == 200
    assert not get_user_model().objects.filter(username="new.clerk").exists()

    response = client.post("/admin/auth/user/add/", {**new_user, **escalation(role(CLERK))})
    assert response.status_code == 302
    user = get_user_model().objects.get(username="new.clerk")
    assert (user.is_superuser, user.is_staff, roles_of(user)) == (False, False, {CLERK})
    assert not user.user_permissions.exists()
    added = AuditEvent.objects.get(action="user.add")
    assert (added.actor, added.detail["roles"], added.detail["staff"]) == (admin, [CLERK], False)


def test_the_admin_role_is_offered_the_four_roles_by_name_and_nothing_else(
    client, admin, asa, outsider_group
):
    client.force_login(admin)
    for url in (f"/admin/auth/user/{asa.pk}/change/", "/admin/auth/user/add/"):
        page = client.get(url).content.decode()
        for name in ("is_superuser", "is_staff", "user_permissions"):
            assert f'name="{name}"' not in page, (url, name)
        offered = {int(pk) for pk in re.findall(r'name="groups" value="(\d+)"', page)}
        assert offered == {role(name).pk for name in ROLES}, url
        assert "Auditors" not in page


def test_staff_status_follows_the_admin_role(client, admin, asa):
    client.force_login(admin)
    url = f"/admin/auth/user/{asa.pk}/change/"
    assert client.post(url, change_form(asa, groups=[role(ADMIN).pk])).status_code == 302
    assert fresh(asa).is_staff
    changed = AuditEvent.objects.filter(action="user.change").latest("pk")
    assert (changed.detail["roles"], changed.detail["staff"]) == ([ADMIN], True)
    assert client.post(url, change_form(asa, groups=[role(ASA).pk])).status_code == 302
    assert not fresh(asa).is_staff


def test_an_admin_may_change_another_admins_roles(client, admin, django_user_model):
    other = make_user(django_user_model, "admin2", ADMIN)
    other.is_staff = True
    other.save()
    client.force_login(admin)
    response = client.post(
        f"/admin/auth/user/{other.pk}/change/", change_form(other, groups=[role(CLERK).pk])
    )
    assert response.status_code == 302
    other = fresh(other)
    assert roles_of(other) == {CLERK} and not other.is_staff


def test_groups_given_by_a_superuser_outside_the_roles_are_kept(client, admin, asa, outsider_group):
    asa.groups.add(outsider_group)
    client.force_login(admin)
    response = client.post(
        f"/admin/auth/user/{asa.pk}/change/", change_form(asa, groups=[role(CLERK).pk])
    )
    assert response.status_code == 302
    assert roles_of(asa) == {CLERK, "Auditors"}


def test_the_admin_role_cannot_change_a_superuser_or_set_its_password(client, admin, root):
    client.force_login(admin)
    client.post(f"/admin/auth/user/{root.pk}/change/", change_form(root, is_active=""))
    assert fresh(root).is_active
    password_url = f"/admin/auth/user/{root.pk}/password/"
    assert client.get(password_url).status_code == 403
    response = client.post(
        password_url, {"usable_password": "true", "password1": "x" * 20, "password2": "x" * 20}
    )
    assert response.status_code == 403
    assert fresh(root).check_password(PASSWORD)


def test_a_superuser_keeps_the_full_form(client, root, asa):
    client.force_login(root)
    url = f"/admin/auth/user/{asa.pk}/change/"
    page = client.get(url).content.decode()
    for name in ("is_superuser", "is_staff", "user_permissions"):
        assert f'name="{name}"' in page
    response = client.post(url, change_form(asa, is_staff="on", groups=[role(ASA).pk]))
    assert response.status_code == 302
    assert fresh(asa).is_staff


def test_the_admin_role_still_unlocks_accounts(client, admin, asa):
    client.force_login(admin)
    response = client.post(
        "/admin/auth/user/", {"action": "unlock", "_selected_action": [asa.pk]}, follow=True
    )
    assert "Unlocked: asa" in response.content.decode()
    assert AuditEvent.objects.filter(action="user.unlock", actor=admin).exists()
