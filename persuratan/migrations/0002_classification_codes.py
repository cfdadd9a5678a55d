"""Loads the classification codes of Permendagri 83/2022 shipped in persuratan/data/.

The archive's import (and the arsiparis) may change them later; this only fills an empty table.
"""

import csv
from pathlib import Path

from django.db import migrations

CODES_CSV = Path(__file__).resolve().parent.parent / "data" / "classification-codes.csv"


def load_codes(apps, schema_editor):
    Classification = apps.get_model("persuratan", "Classification")
    if Classification.objects.exists():
        return
    with CODES_CSV.open(encoding="utf-8") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda row: int(row["level"]))
    by_code = {}
    for row in rows:
        by_code[row["code"]] = Classification.objects.create(
            code=row["code"],
            name=row["name_id"],
            level=int(row["level"]),
            parent=by_code.get(row["parent_code"]) if row["parent_code"] else None,
        )


class Migration(migrations.Migration):
    dependencies = [("persuratan", "0001_initial")]

    operations = [migrations.RunPython(load_codes, migrations.RunPython.noop)]
