"""A page's query count must not grow with the organisation it draws from."""

from collections.abc import Callable, Iterable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def drawn_as_it_grows(client, url: str, *, grow: Callable[[Iterable[int]], None]) -> str:
    """Draws `url` after `grow(range(5))` and again after `grow(range(5, 50))`, asserting both made
    the same number of queries (each drawn just after the organisation changed, so each reads it
    again); returns the second page, for what it must not list."""
    client.get(url)  # the session and caches settle
    grow(range(5))
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(range(5, 50))
    with CaptureQueriesContext(connection) as large:
        page = client.get(url).content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)
    return page
