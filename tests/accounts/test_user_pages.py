"""The Users pages (/users/): an administrator adds an account with a role, resets a password,
deactivates and unlocks, in the application's own look (issue 20). The guarantees of the stock
admin hold here too: roles by name only, never superuser or staff status or raw permissions, not
one's own roles or activity, nothing on a superuser's account; every change audited."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from accounts.models import AuditEvent
from accounts.roles import ADMIN, ASA, CLERK, ROLES, SUPERVISOR

pytestmark = pytest.mark.django_db

PASSWORD = "violet mango cathedral"


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", password=PASSWORD)


@pytest.fixture
def outsider_group():
    group = Group.objects.create(name="Auditors")
    group.permissions.set(Permission.objects.filter(codename="handle_packets"))
    return group


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def roles_of(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def escalation(outsider_group=None) -> dict:
    return {
        "is_superuser": "on",
        "is_staff": "on",
        "user_permissions": list(Permission.objects.values_list("pk", flat=True)[:5]),
        "groups": [outsider_group.pk] if outsider_group else [],
    }


def details(user, **fields) -> dict:
    return {
        "step": "details",
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "roles": sorted(roles_of(user)),
        **fields,
    }


def new_account(**fields) -> dict:
    return {
        "username": "second.supervisor",
        "first_name": "Ada",
        "last_name": "Okafor",
        "email": "ada@example.org",
        "roles": [SUPERVISOR],
        "password1": PASSWORD,
        "password2": PASSWORD,
        **fields,
    }


def test_the_admin_menu_leads_to_the_users_page_listing_every_account(client, admin, asa, root):
    client.force_login(admin)
    dashboard = client.get("/").content.decode()
    assert 'href="/users/"' in dashboard
    page = client.get("/users/").content.decode()
    assert f'href="/users/{asa.pk}/"' in page and f'href="/users/{root.pk}/"' in page
    assert "superuser" in page


def test_an_admin_adds_a_supervisor_who_can_then_approve_batches(client, admin):
    client.force_login(admin)
    page = client.get("/users/add/").content.decode()
    offered = set(re.findall(r'name="roles" value="([^"]+)"', page))
    assert offered == set(ROLES)
    for name in ("is_superuser", "is_staff", "user_permissions", "groups"):
        assert f'name="{name}"' not in page

    response = client.post("/users/add/", new_account())
    user = get_user_model().objects.get(username="second.supervisor")
    assert response["Location"] == f"/users/{user.pk}/"
    assert roles_of(user) == {SUPERVISOR}
    assert (user.is_superuser, user.is_staff, user.user_permissions.exists()) == (
        False,
        False,
        False,
    )
    assert user.check_password(PASSWORD) and user.has_perm("accounts.approve_batches")
    added = AuditEvent.objects.get(action="user.add")
    assert (added.actor, added.object_id, added.detail["roles"]) == (
        admin,
        str(user.pk),
        [SUPERVISOR],
    )
    assert PASSWORD not in str(added.detail)


def test_a_new_password_is_checked_by_djangos_validators(client, admin):
    client.force_login(admin)
    for password, error in (
        ("short", "This password is too short"),
        ("password123", "This password is too common"),
        ("second.supervisor", "too similar to the username"),
    ):
        response = client.post("/users/add/", new_account(password1=password, password2=password))
        assert response.status_code == 200
        assert error in response.content.decode(), password
    response = client.post("/users/add/", new_account(password2=PASSWORD + "x"))
    assert "The two passwords differ." in response.content.decode()
    assert not get_user_model().objects.filter(username="second.supervisor").exists()


def test_adding_refuses_a_taken_username_and_a_group_that_is_no_role(
    client, admin, asa, outsider_group
):
    client.force_login(admin)
    taken = client.post("/users/add/", new_account(username="ASA"))
    assert "An account with this username exists." in taken.content.decode()
    client.post("/users/add/", new_account(roles=["Auditors"]))
    client.post("/users/add/", new_account(roles=[]))
    assert not get_user_model().objects.filter(username="second.supervisor").exists()


def test_escalation_fields_posted_anyway_are_ignored(client, admin, asa, outsider_group):
    client.force_login(admin)
    client.post("/users/add/", {**new_account(), **escalation(outsider_group)})
    user = get_user_model().objects.get(username="second.supervisor")
    assert (user.is_superuser, user.is_staff, roles_of(user)) == (False, False, {SUPERVISOR})
    assert not user.user_permissions.exists()

    client.post(f"/users/{asa.pk}/", {**details(asa, roles=[CLERK]), **escalation(outsider_group)})
    asa = fresh(asa)
    assert (asa.is_superuser, asa.is_staff, roles_of(asa)) == (False, False, {CLERK})
    assert not asa.user_permissions.exists()


def test_an_admin_changes_roles_and_staff_follows_the_admin_role(client, admin, asa):
    client.force_login(admin)
    client.post(f"/users/{asa.pk}/", details(asa, roles=[ADMIN]))
    assert roles_of(fresh(asa)) == {ADMIN} and fresh(asa).is_staff
    changed = AuditEvent.objects.filter(action="user.change").latest("pk")
    assert (changed.detail["roles"], changed.detail["roles_before"]) == ([ADMIN], [ASA])
    client.post(f"/users/{asa.pk}/", details(fresh(asa), roles=[ASA]))
    assert not fresh(asa).is_staff


def test_an_admin_cannot_change_their_own_roles_or_deactivate_themselves(client, admin):
    client.force_login(admin)
    page = client.get(f"/users/{admin.pk}/").content.decode()
    assert 'name="roles"' not in page and 'name="is_active"' not in page
    client.post(
        f"/users/{admin.pk}/",
        {**details(admin, roles=[ADMIN, SUPERVISOR, CLERK], is_active=""), **escalation()},
    )
    admin = fresh(admin)
    assert roles_of(admin) == {ADMIN} and admin.is_active and not admin.is_superuser
    assert client.get("/filings/").status_code == 403


def test_an_admin_cannot_change_a_superuser_nor_reset_its_password(client, admin, root):
    client.force_login(admin)
    page = client.get(f"/users/{root.pk}/").content.decode()
    assert "Only a superuser changes a superuser" in page and 'name="step"' not in page
    for data in (
        details(root, is_active="", roles=[ASA]),
        {
            "step": "password",
            "password-new_password1": "x" * 20 + "Q9",
            "password-new_password2": "x" * 20 + "Q9",
        },
    ):
        assert client.post(f"/users/{root.pk}/", data).status_code == 403
    root = fresh(root)
    assert root.is_active and root.check_password(PASSWORD) and not roles_of(root)


def test_an_admin_resets_a_password_validated_and_audited(client, admin, asa):
    client.force_login(admin)
    url = f"/users/{asa.pk}/"
    weak = client.post(
        url,
        {
            "step": "password",
            "password-new_password1": "12345678",
            "password-new_password2": "12345678",
        },
    )
    assert "This password is entirely numeric" in weak.content.decode()
    new = "amber walrus lighthouse"
    response = client.post(
        url, {"step": "password", "password-new_password1": new, "password-new_password2": new}
    )
    assert response.status_code == 302
    assert fresh(asa).check_password(new)
    event = AuditEvent.objects.get(action="user.password_reset")
    assert (event.actor, event.object_id, event.detail) == (admin, str(asa.pk), {})


def test_an_admin_deactivates_an_account_which_can_no_longer_log_in(client, admin, asa):
    client.force_login(admin)
    client.post(f"/users/{asa.pk}/", details(asa, is_active=""))
    assert not fresh(asa).is_active
    event = AuditEvent.objects.filter(action="user.change").latest("pk")
    assert event.detail["changed"] == ["active"] and event.detail["active"] is False
    client.logout()
    response = client.post(
        "/accounts/login/", {"username": "asa", "password": "correct horse battery"}
    )
    assert response.status_code == 200, "the login form again, not a redirect"


def test_an_admin_unlocks_a_locked_out_account(client, admin, asa, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "asa", "password": "wrong"})
    client.force_login(admin)
    page = client.get(f"/users/{asa.pk}/").content.decode()
    assert "locked out" in page
    client.post(f"/users/{asa.pk}/", {"step": "unlock"})
    assert "locked out" not in client.get(f"/users/{asa.pk}/").content.decode()
    assert AuditEvent.objects.filter(action="user.unlock", actor=admin).exists()


@pytest.mark.parametrize("role", ["asa", "supervisor", "clerk"])
def test_only_the_admin_role_reaches_the_users_pages(client, request, role, asa):
    user = request.getfixturevalue(role)
    client.force_login(user)
    for url in ("/users/", "/users/add/", f"/users/{asa.pk}/"):
        assert client.get(url).status_code == 403
    assert client.post("/users/add/", new_account()).status_code == 403
    assert client.post(f"/users/{asa.pk}/", details(asa, roles=[ADMIN])).status_code == 403
    assert roles_of(fresh(asa)) == {ASA}
