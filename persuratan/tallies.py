"""The counters behind the unread badge: a position's items, and what each holder has opened.

Each is one row bumped by an upsert inside the transaction that changes what it counts, so two
deliveries at once queue on the row instead of losing an increment. `recount` rebuilds both from
the rows themselves (after a bulk load, or to repair).
"""

from django.db import connection

_BUMP_ITEMS = """
    INSERT INTO persuratan_inboxtally (position_id, items) VALUES (%s, GREATEST(%s, 0))
    ON CONFLICT (position_id) DO UPDATE SET items = GREATEST(persuratan_inboxtally.items + %s, 0)
"""
_BUMP_READS = """
    INSERT INTO persuratan_readtally (user_id, position_id, reads) VALUES (%s, %s, 1)
    ON CONFLICT (user_id, position_id) DO UPDATE SET reads = persuratan_readtally.reads + 1
"""
_RECOUNT = [
    "DELETE FROM persuratan_inboxtally",
    """INSERT INTO persuratan_inboxtally (position_id, items)
       SELECT position_id, count(*) FROM persuratan_inboxitem WHERE status <> 'withdrawn' GROUP BY position_id""",
    "DELETE FROM persuratan_readtally",
    """INSERT INTO persuratan_readtally (user_id, position_id, reads)
       SELECT user_id, position_id, count(*) FROM persuratan_inboxread GROUP BY user_id, position_id""",
]


def count_items(*, position_id: int, delta: int) -> None:
    """An item arrived in (+1) or was withdrawn from (-1) the position's inbox."""
    with connection.cursor() as cursor:
        cursor.execute(_BUMP_ITEMS, [position_id, delta, delta])


def count_first_read(*, user_id: int, position_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_BUMP_READS, [user_id, position_id])


def recount(using=connection) -> None:
    with using.cursor() as cursor:
        for statement in _RECOUNT:
            cursor.execute(statement)
