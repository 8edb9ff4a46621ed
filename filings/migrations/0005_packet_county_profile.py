"""A packet records the county profile version it is made with (issue 21). Packets made before
profiles existed were made with the office's names of the first version: they get it."""

import django.db.models.deletion
from django.db import migrations, models

import filings.models
from eligibility.counties import office_county


def first_profile(apps, schema_editor):
    Packet = apps.get_model("filings", "Packet")
    CountyProfile = apps.get_model("eligibility", "CountyProfile")
    if not Packet.objects.exists():
        return
    profile = CountyProfile.objects.get(county=office_county(), version=1)
    Packet.objects.update(profile=profile)


class Migration(migrations.Migration):
    dependencies = [
        ("eligibility", "0011_county_profiles"),
        ("filings", "0004_packet_batch_revisions"),
    ]

    operations = [
        migrations.AddField(
            model_name="packet",
            name="profile",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="packets",
                to="eligibility.countyprofile",
            ),
        ),
        migrations.RunPython(first_profile, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="packet",
            name="profile",
            field=models.ForeignKey(
                default=filings.models.profile_in_force,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="packets",
                to="eligibility.countyprofile",
            ),
        ),
    ]
