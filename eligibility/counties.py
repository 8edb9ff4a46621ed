"""County profiles (issue 21): what differs from one Illinois county to the next, as data.

An office is of one county (``OFFICE_COUNTY``, chosen at installation). Its profile names the
court its papers are filed in, the judicial circuit, the caption, the court locations and how a
row of a list finds its location, the service list's addresses, the State's Attorney and the
office, the letters' help line and legal-aid sentence, and the packet's shape. The wording of
the papers stays in ``templates/filings/documents/``; they take every county's difference from
the profile, never from a test of the county's name.

Profiles are versioned like the office policy (``models.CountyProfile``): a change adds a version
(``services.profile_adopt``, with a comment, audited), and a packet records the version it was
made with, so its documents never change after the fact.

``SHIPPED`` holds the profiles that come with the application, from the public facts gathered in
``shared/data/counties.md``: migrate loads them (``migrations/0011_county_profiles``, and again
after a flush: ``apps``). A value marked there *(confirm)*, and each State's Attorney's name and
office address that the facts do not give, is listed in ``to_confirm`` (a location's own
``to_confirm``): the profile page shows it as still to be checked by the office.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

# The service list names the State Police in every county (counties.md).
POLICE = "Illinois State Police, Bureau of Identification"
POLICE_ADDRESS = "260 N. Chicago Street, Joliet, Illinois 60432"

# What each field of a profile is, in the administrator's words (the profile page and its form).
FIELDS: dict[str, dict[str, str]] = {
    "name": {
        "label": "County",
        "help": "As the lists write it in their county column; rows of any other county are "
        "not eligible (rule R2). Chosen at installation (OFFICE_COUNTY).",
    },
    "court": {
        "label": "Court",
        "help": "The court's name in running text: “entered in the …”.",
    },
    "circuit": {
        "label": "Judicial circuit",
        "help": "Named under the judge's signature on an order.",
    },
    "caption": {
        "label": "Caption",
        "help": "The first line of every court paper, in capitals.",
    },
    "location_rule": {
        "label": "How a row finds its court location",
        "help": "Batches gather the convictions of one court location.",
    },
    "locations": {
        "label": "Court locations",
        "help": "One a line: the name (as the list's court location column writes it, or the "
        "one courthouse), a bar, its address; add “| to confirm” while the address is to be "
        "checked.",
    },
    "clerk": {"label": "Clerk", "help": "Ordered to expunge; on the service list."},
    "clerk_address": {"label": "Clerk's address", "help": "On the service list."},
    "police": {"label": "State Police", "help": "Ordered to expunge; on the service list."},
    "police_address": {"label": "State Police's address", "help": "On the service list."},
    "state_attorney": {
        "label": "State's Attorney",
        "help": "Moves the court, signs the letters.",
    },
    "office_title": {
        "label": "State's Attorney's title",
        "help": "“State's Attorney of … County”: after the name, in the papers and letters.",
    },
    "office_name": {"label": "Office", "help": "The papers' author; the letters' letterhead."},
    "office_address": {
        "label": "Office's address",
        "help": "One line a line; on the papers, the letters and the service list.",
    },
    "help_line": {
        "label": "Help line",
        "help": "A telephone number the letters give for questions; empty: they ask people to "
        "write to the office.",
    },
    "legal_aid": {
        "label": "Legal-aid sentence",
        "help": "The letters' last sentence on where to find free legal advice.",
    },
    "packet_shape": {
        "label": "Packet shape",
        "help": "How the office files a batch.",
    },
}

# The fields whose value may be marked as still to be confirmed (the locations carry their own).
CONFIRMABLE = ("clerk_address", "police_address", "state_attorney", "office_address")

# The fields an administrator edits (name is the installation's; the locations have their own
# field in the form).
EDITABLE = (
    "court",
    "circuit",
    "caption",
    "location_rule",
    "clerk",
    "clerk_address",
    "police",
    "police_address",
    "state_attorney",
    "office_title",
    "office_name",
    "office_address",
    "help_line",
    "legal_aid",
    "packet_shape",
)

SHIPPED: dict[str, dict[str, Any]] = {
    "cook": {
        "name": "Cook",
        "court": "Circuit Court of Cook County",
        "circuit": "Circuit Court of Cook County",
        "caption": "IN THE CIRCUIT COURT OF COOK COUNTY, ILLINOIS",
        "location_rule": "column",
        "locations": [
            {
                "name": "CRIMINAL DIVISION",
                "address": "George N. Leighton Criminal Court Building, 2650 S. California "
                "Ave., Chicago",
                "to_confirm": True,
            },
            *(
                {"name": f"MUNICIPAL DISTRICT {n}", "address": "", "to_confirm": False}
                for n in range(1, 7)
            ),
        ],
        "clerk": "Clerk of the Circuit Court of Cook County",
        "clerk_address": "Richard J. Daley Center, 50 W. Washington Street, Chicago, "
        "Illinois 60602",
        "police": POLICE,
        "police_address": POLICE_ADDRESS,
        "state_attorney": "Eileen O'Neill Burke",
        "office_title": "State's Attorney of Cook County",
        "office_name": "Cook County State's Attorney's Office",
        "office_address": "69 W. Washington Street, Suite 3200\nChicago, Illinois 60602",
        "help_line": "",
        "legal_aid": "For advice about what this means for you, you may speak with a lawyer; "
        "legal aid organizations in Cook County give free help.",
        "packet_shape": "per_case",
        "to_confirm": [],
    },
    "will": {
        "name": "Will",
        "court": "Circuit Court of the Twelfth Judicial Circuit, Will County",
        "circuit": "Twelfth Judicial Circuit",
        "caption": "IN THE CIRCUIT COURT OF THE TWELFTH JUDICIAL CIRCUIT, WILL COUNTY, ILLINOIS",
        "location_rule": "single",
        "locations": [
            {
                "name": "Will County Courthouse",
                "address": "100 W. Jefferson Street, Joliet, Illinois 60432",
                "to_confirm": True,
            }
        ],
        "clerk": "Will County Circuit Clerk",
        "clerk_address": "Will County Courthouse, 100 W. Jefferson Street, Joliet, Illinois 60432",
        "police": POLICE,
        "police_address": POLICE_ADDRESS,
        "state_attorney": "James W. Glasgow",
        "office_title": "State's Attorney of Will County",
        "office_name": "Will County State's Attorney's Office",
        "office_address": "121 N. Chicago Street\nJoliet, Illinois 60432",
        "help_line": "",
        "legal_aid": "For advice about what this means for you, you may speak with a lawyer; "
        "legal aid organizations in Will County give free help.",
        "packet_shape": "omnibus",
        "to_confirm": ["clerk_address", "state_attorney", "office_address"],
    },
    "mchenry": {
        "name": "McHenry",
        "court": "Circuit Court of the Twenty-Second Judicial Circuit, McHenry County",
        "circuit": "Twenty-Second Judicial Circuit",
        "caption": "IN THE CIRCUIT COURT OF THE TWENTY-SECOND JUDICIAL CIRCUIT, McHENRY COUNTY, "
        "ILLINOIS",
        "location_rule": "single",
        "locations": [
            {
                "name": "Michael J. Sullivan Judicial Center",
                "address": "2200 N. Seminary Avenue, Woodstock, Illinois 60098",
                "to_confirm": False,
            }
        ],
        "clerk": "McHenry County Circuit Clerk",
        "clerk_address": "2200 N. Seminary Avenue, Woodstock, Illinois 60098",
        "police": POLICE,
        "police_address": POLICE_ADDRESS,
        "state_attorney": "Patrick D. Kenneally",
        "office_title": "State's Attorney of McHenry County",
        "office_name": "McHenry County State's Attorney's Office",
        "office_address": "2200 N. Seminary Avenue\nWoodstock, Illinois 60098",
        "help_line": "",
        "legal_aid": "For advice about what this means for you, you may speak with a lawyer; "
        "legal aid organizations in McHenry County give free help.",
        "packet_shape": "omnibus",
        "to_confirm": ["state_attorney", "office_address"],
    },
}


def shipped_values(county: str) -> dict[str, Any]:
    """The first version of ``county``'s profile as the application ships it. For the office's
    own county, the names an installation set before profiles existed (``OFFICE_STATE_ATTORNEY``,
    ``OFFICE_NAME``, ``OFFICE_ADDRESS``) take the place of the shipped ones."""
    values = {**SHIPPED[county], "locations": [dict(loc) for loc in SHIPPED[county]["locations"]]}
    values["to_confirm"] = list(values["to_confirm"])
    if county == office_county():
        overrides = {
            "state_attorney": settings.OFFICE_STATE_ATTORNEY,
            "office_name": settings.OFFICE_NAME,
            "office_address": "\n".join(settings.OFFICE_ADDRESS),
        }
        for field, value in overrides.items():
            if value:
                values[field] = value
                if field in values["to_confirm"]:
                    values["to_confirm"].remove(field)
    return values


def office_county() -> str:
    """The key of the office's county (``OFFICE_COUNTY``: cook, will, mchenry)."""
    return str(settings.OFFICE_COUNTY).strip().lower()


def county_name() -> str:
    """The office's county's name ("Cook", "McHenry"): its profile's ``name``, which no version
    changes (the profile page does not offer it), so it is known without the database."""
    shipped = SHIPPED.get(office_county())
    return str(shipped["name"]) if shipped else office_county().title()


def locations_text(locations: list[dict[str, Any]]) -> str:
    """The locations as the form's text: ``NAME | ADDRESS[ | to confirm]`` a line."""
    lines = []
    for location in locations:
        parts = [location["name"]]
        if location.get("address") or location.get("to_confirm"):
            parts.append(location.get("address", ""))
        if location.get("to_confirm"):
            parts.append("to confirm")
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def locations_read(text: str) -> list[dict[str, Any]]:
    """The form's text read back into locations; ``ValueError`` names a line it cannot read."""
    locations: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        to_confirm = len(parts) > 1 and parts[-1].lower() == "to confirm"
        if to_confirm:
            parts = parts[:-1]
        if len(parts) > 2 or not parts[0]:
            raise ValueError(
                f"line {number}: write the name, a bar and the address (and “| to confirm”)"
            )
        name = " ".join(parts[0].split())
        if name.upper() in seen:
            raise ValueError(f"line {number}: {name} is listed twice")
        seen.add(name.upper())
        address = parts[1] if len(parts) > 1 else ""
        locations.append({"name": name, "address": address, "to_confirm": to_confirm})
    if not locations:
        raise ValueError("name at least one court location")
    return locations


def profiles_load(profile_model: Any) -> None:
    """Give every shipped county a first version of its profile, when it has none (migrate, and
    again after a flush). Takes the model so that the migration can pass its historical one."""
    for county in SHIPPED:
        if not profile_model.objects.filter(county=county).exists():
            profile_model.objects.create(
                county=county,
                version=1,
                note="As shipped: the public facts of the county (counties.md).",
                **shipped_values(county),
            )
