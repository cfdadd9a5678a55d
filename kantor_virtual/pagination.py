"""Keyset pagination cursors: `(moment, id)` of the last row shown, carried in "load more" links."""

from datetime import datetime

Cursor = tuple[datetime, int]


def make_cursor(moment: datetime, pk: int) -> str:
    return f"{moment.isoformat()}_{pk}"


def parse_cursor(raw: str | None) -> Cursor | None:
    """`2026-11-24T08:00:00+07:00_42` → (datetime, 42); anything malformed means the first page."""
    stamp, _, pk = (raw or "").rpartition("_")
    try:
        moment, number = datetime.fromisoformat(stamp), int(pk)
    except ValueError:
        return None
    return (moment, number) if moment.tzinfo is not None and 0 < number < 2**63 else None
