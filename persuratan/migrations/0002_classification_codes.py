from django.db import migrations

from persuratan.reference import load_classification_codes


def load_codes(apps, schema_editor):
    load_classification_codes(apps.get_model("persuratan", "Classification"))


class Migration(migrations.Migration):
    dependencies = [("persuratan", "0001_initial")]

    operations = [migrations.RunPython(load_codes, migrations.RunPython.noop)]
