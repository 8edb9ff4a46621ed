"""Leave room on each page of the conviction table so that writing a row's determination is a
heap-only (HOT) update on PostgreSQL: no index columns change, so no index is touched."""

from __future__ import annotations

from django.db import migrations


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE eligibility_conviction SET (fillfactor = 60)")


class Migration(migrations.Migration):
    dependencies = [("eligibility", "0002_first_policy")]

    operations = [migrations.RunPython(set_fillfactor, migrations.RunPython.noop)]
