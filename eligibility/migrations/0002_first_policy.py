from __future__ import annotations

from django.db import migrations


def first_policy(apps, schema_editor):
    OfficePolicy = apps.get_model("eligibility", "OfficePolicy")
    if not OfficePolicy.objects.exists():
        OfficePolicy.objects.create(
            version=1, note="The defaults of the eligibility rules (section 9)."
        )


class Migration(migrations.Migration):
    dependencies = [("eligibility", "0001_initial")]

    operations = [migrations.RunPython(first_policy, migrations.RunPython.noop)]
