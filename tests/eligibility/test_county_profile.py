"""County profiles (issue 21): shipped for Cook, Will and McHenry, chosen by OFFICE_COUNTY,
versioned and audited like the office policy, and the rules' county."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.checks import run_checks

from accounts.models import AuditEvent
from eligibility import selectors, services
from eligibility.counties import SHIPPED, shipped_values
from eligibility.forms import CountyProfileForm
from eligibility.models import CountyProfile, IspList

from .conftest import EXAMPLES

pytestmark = pytest.mark.django_db


def form_data(profile: CountyProfile, **changes: object) -> dict[str, object]:
    data = {k: v for k, v in CountyProfileForm.initial_of(profile).items() if v is not None}
    data.update(changes)
    return data


def test_cook_will_and_mchenry_ship_with_their_courts_and_shapes():
    profiles = {p.county: p for p in CountyProfile.objects.filter(version=1)}
    assert set(profiles) == {"cook", "will", "mchenry"}
    cook, will, mchenry = profiles["cook"], profiles["will"], profiles["mchenry"]
    assert cook.caption == "IN THE CIRCUIT COURT OF COOK COUNTY, ILLINOIS"
    assert cook.packet_shape == "per_case" and cook.location_rule == "column"
    assert will.caption == (
        "IN THE CIRCUIT COURT OF THE TWELFTH JUDICIAL CIRCUIT, WILL COUNTY, ILLINOIS"
    )
    assert will.circuit == "Twelfth Judicial Circuit"
    assert will.packet_shape == "omnibus" and will.location_rule == "single"
    assert mchenry.circuit == "Twenty-Second Judicial Circuit"
    assert "McHENRY COUNTY" in mchenry.caption
    assert mchenry.packet_shape == "omnibus"
    assert mchenry.clerk_address == "2200 N. Seminary Avenue, Woodstock, Illinois 60098"
    for profile in profiles.values():
        assert profile.police_address == "260 N. Chicago Street, Joliet, Illinois 60432"


def test_the_office_county_setting_chooses_the_profile(settings):
    assert selectors.profile_current().name == "Cook"
    settings.OFFICE_COUNTY = "will"
    assert selectors.profile_current().name == "Will"


def test_an_unknown_office_county_fails_the_checks(settings):
    settings.OFFICE_COUNTY = "lake"
    errors = [m for m in run_checks() if m.id == "eligibility.E001"]
    assert errors and "lake" in errors[0].msg


def test_names_set_before_profiles_go_into_the_office_countys_first_version(settings):
    settings.OFFICE_NAME = "Office of the State's Attorney"
    settings.OFFICE_ADDRESS = ("1 Main Street", "Joliet, Illinois 60432")
    settings.OFFICE_COUNTY = "will"
    values = shipped_values("will")
    assert values["office_name"] == "Office of the State's Attorney"
    assert values["office_address"] == "1 Main Street\nJoliet, Illinois 60432"
    assert "office_address" not in values["to_confirm"]
    assert shipped_values("cook")["office_name"] == SHIPPED["cook"]["office_name"]


def test_the_administrator_sees_the_profile_with_what_is_still_to_confirm(client, admin, settings):
    settings.OFFICE_COUNTY = "will"
    client.force_login(admin)
    page = client.get("/policy/county/").content.decode()
    assert "County profile: Will County" in page
    assert "IN THE CIRCUIT COURT OF THE TWELFTH JUDICIAL CIRCUIT, WILL COUNTY, ILLINOIS" in page
    warning = page.split('id="to-confirm"')[1].split("</section>")[0]
    assert "the address of Will County Courthouse" in warning
    assert "Clerk&#x27;s address" in warning or "Clerk's address" in warning
    locations = page.split('id="profile-locations"')[1].split("</ul>")[0]
    assert "100 W. Jefferson Street" in locations and "to confirm" in locations


def test_a_change_needs_a_comment(client, admin):
    client.force_login(admin)
    current = selectors.profile_current()
    response = client.post("/policy/county/", form_data(current, circuit="X", comment=" "))
    assert "A comment saying why the profile changes is required." in response.content.decode()
    assert CountyProfile.objects.filter(county="cook").count() == 1


def test_a_change_is_a_new_version_and_is_audited(client, admin):
    client.force_login(admin)
    current = selectors.profile_current()
    response = client.post(
        "/policy/county/",
        form_data(
            current,
            help_line="(312) 555-0100",
            to_confirm=[],
            locations="CRIMINAL DIVISION | 2650 S. California Ave., Chicago\nMUNICIPAL DISTRICT 1",
            comment="The help line opened; the courthouse address checked.",
        ),
    )
    assert response.status_code == 302
    adopted = selectors.profile_current()
    assert adopted.version == 2 and adopted.changed_by == admin
    assert adopted.help_line == "(312) 555-0100"
    assert adopted.locations == [
        {
            "name": "CRIMINAL DIVISION",
            "address": "2650 S. California Ave., Chicago",
            "to_confirm": False,
        },
        {"name": "MUNICIPAL DISTRICT 1", "address": "", "to_confirm": False},
    ]
    assert CountyProfile.objects.get(county="cook", version=1).help_line == "", "untouched"
    event = AuditEvent.objects.get(action="county_profile.change")
    assert event.actor == admin and event.object_id == str(adopted.pk)
    assert event.detail["changed"]["help_line"] == ["", "(312) 555-0100"]
    assert event.detail["comment"] == "The help line opened; the courthouse address checked."
    assert "circuit" not in event.detail["changed"]
    assert "v2" in client.get("/policy/county/").content.decode()


def test_a_location_line_that_cannot_be_read_is_refused(client, admin):
    client.force_login(admin)
    current = selectors.profile_current()
    response = client.post(
        "/policy/county/", form_data(current, locations="A | B | C", comment="typo")
    )
    assert "line 1: write the name" in response.content.decode()
    assert CountyProfile.objects.filter(county="cook").count() == 1


@pytest.mark.parametrize("role", ["asa", "supervisor", "clerk"])
def test_only_an_administrator_changes_the_profile(client, request, role):
    client.force_login(request.getfixturevalue(role))
    current = selectors.profile_current()
    response = client.post("/policy/county/", form_data(current, comment="mine"))
    assert response.status_code == 403
    assert CountyProfile.objects.filter(county="cook").count() == 1


def test_the_policy_page_shows_the_profile_and_links_it_for_administrators(
    client, admin, supervisor
):
    client.force_login(supervisor)
    page = client.get("/policy/").content.decode()
    assert "Circuit Court of Cook County" in page and "Per case" in page
    assert 'href="/policy/county/"' not in page
    client.force_login(admin)
    assert 'href="/policy/county/"' in client.get("/policy/").content.decode()


def test_the_rules_county_is_the_profiles(settings, tmp_path, django_capture_on_commit_callbacks):
    """A Will office's evaluation finds Cook rows out of its county (rule R2)."""
    settings.MEDIA_ROOT = tmp_path
    settings.OFFICE_COUNTY = "will"
    with django_capture_on_commit_callbacks(execute=True):
        isp_list = services.list_store_file(
            path=EXAMPLES / "worked-examples.csv",
            filename="worked-examples.csv",
            as_of=date(2026, 11, 25),
            user=None,
        )
    isp_list.refresh_from_db()
    assert isp_list.status == IspList.Status.READY
    assert all(
        "OUT_OF_COUNTY" in reasons
        for reasons in isp_list.convictions.values_list("reasons", flat=True)
    )
