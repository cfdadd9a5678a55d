"""Which positions a letter reached, kept in the letter's search vector.

Each non-withdrawn inbox item adds the lexeme "pos#<position id>" to `IncomingLetter.reach`, which
the generated `search` column reads as a tsvector. The text parser splits "#", so no word of a
letter can produce such a lexeme; and a search for words within one position's letters is one GIN
intersection ("rapat" & "pos#12"), however rare the words are in the province.
"""

from django.contrib.postgres.search import SearchQuery
from django.db import connection

_REFRESH = """
    UPDATE persuratan_incomingletter AS letter SET reach = reached.tokens
    FROM (
        SELECT letter.id, COALESCE(string_agg(DISTINCT 'pos#' || item.position_id, ' '), '') AS tokens
        FROM persuratan_incomingletter AS letter
        LEFT JOIN persuratan_inboxitem AS item ON item.letter_id = letter.id AND item.status <> 'withdrawn'
        WHERE {letters}
        GROUP BY letter.id
    ) AS reached
    WHERE letter.id = reached.id AND letter.reach IS DISTINCT FROM reached.tokens
"""


def token(position_id: int) -> str:
    return f"pos#{position_id}"


class Reaching(SearchQuery):
    """`'pos#<id>'::tsquery`, to combine with the user's words: `words & Reaching(position_id)`."""

    def __init__(self, position_id: int) -> None:
        self.token = token(position_id)
        super().__init__(self.token)

    def as_sql(self, compiler, connection, function=None, template=None):
        return "%s::tsquery", [f"'{self.token}'"]


def refresh(*, letter_id: int) -> None:
    """Re-read the letter's reach from its items: after a delivery or a withdrawal, in its transaction."""
    with connection.cursor() as cursor:
        cursor.execute(_REFRESH.format(letters="letter.id = %s"), [letter_id])


def refresh_all(using=connection) -> None:
    """Every letter's reach, from the items themselves (after a bulk load, or to repair)."""
    with using.cursor() as cursor:
        cursor.execute(_REFRESH.format(letters="TRUE"))
