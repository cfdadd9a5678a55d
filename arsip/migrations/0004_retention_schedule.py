from django.db import migrations

from arsip.reference import load_retention_schedule


def load_schedule(apps, schema_editor):
    load_retention_schedule(
        apps.get_model("arsip", "RetentionRule"), apps.get_model("persuratan", "Classification")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("arsip", "0003_berkas_counter_and_downloads"),
        ("persuratan", "0002_classification_codes"),
    ]

    operations = [migrations.RunPython(load_schedule, migrations.RunPython.noop)]
