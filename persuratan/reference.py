"""Reference data shipped with the app: the classification codes of Permendagri 83/2022."""

import csv
from pathlib import Path

CODES_CSV = Path(__file__).resolve().parent / "data" / "classification-codes.csv"


def load_classification_codes(model) -> int:
    """Fill an empty classification table from the CSV; `model` is the (historical) Classification.

    The archive's import and the arsiparis change codes later: a table with rows is left alone.
    """
    if model.objects.exists():
        return 0
    with CODES_CSV.open(encoding="utf-8") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda row: int(row["level"]))
    by_code = {}
    for row in rows:
        by_code[row["code"]] = model.objects.create(
            code=row["code"],
            name=row["name_id"],
            level=int(row["level"]),
            parent=by_code.get(row["parent_code"]) if row["parent_code"] else None,
        )
    return len(by_code)
