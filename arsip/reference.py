"""Reference data shipped with the app: the sample Jadwal Retensi Arsip (arsip/data/retention-schedule.csv).

It is a schedule for testing and demonstration, not an official JRA: the province's arsiparis
replaces it through the import page (arsip.services.schedule).
"""

import csv
from pathlib import Path

SCHEDULE_CSV = Path(__file__).resolve().parent / "data" / "retention-schedule.csv"


def load_retention_schedule(rule_model, classification_model) -> int:
    """Fill an empty schedule from the CSV; the models may be the migration's historical ones.

    A row whose code is not in the classification table is skipped; a schedule with rows is left alone.
    """
    if rule_model.objects.exists():
        return 0
    with SCHEDULE_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    codes = dict(classification_model.objects.values_list("code", "pk"))
    rules = [
        rule_model(
            classification_id=codes[row["code"]],
            active_years=int(row["active_years"]),
            inactive_years=int(row["inactive_years"]),
            final_disposition=row["final_disposition"],
            notes=row["notes"],
        )
        for row in rows
        if row["code"] in codes
    ]
    rule_model.objects.bulk_create(rules)
    return len(rules)
