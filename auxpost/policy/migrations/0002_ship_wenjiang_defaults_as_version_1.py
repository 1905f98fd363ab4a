"""§6/§7/§10 Version 1 of the policy: the Wenjiang defaults of the SPEC tables, published from 2021-01-01."""

import datetime as dt

from django.db import migrations


def ship(apps, schema_editor):
    from auxpost.policy.rules import DEFAULT_BUNDLE, default_documents

    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    if PolicyVersion.objects.filter(version=DEFAULT_BUNDLE.version).exists():
        return
    now = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
    PolicyVersion.objects.create(
        version=DEFAULT_BUNDLE.version, name=DEFAULT_BUNDLE.name, effective_from=dt.date(2000, 1, 1),
        status="published", created_at=now, published_at=now,
        notes="SPEC §6/§7/§10 默认值（温江区）", **default_documents(),
    )


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_policy_versions")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
