"""Rendered page fragments kept in Redis by Django's `{% cache %}` tag, keyed by what they draw.

A fragment's key covers every value it draws (`drawn_values`), so a cached fragment is never stale:
changed data makes a new key and the old entry simply expires unread. The cache's key prefix is a
digest of the code and templates (`release_fingerprint`), so a release never serves the markup of
the one before.
"""

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import django


def release_fingerprint(directories: Iterable[Path]) -> str:
    """A digest of the code and templates under `directories` and of Django's version: what a
    fragment's markup can depend on besides the values it draws (labels, choices, widgets)."""
    digest = hashlib.blake2b(django.get_version().encode(), digest_size=8)
    for directory in directories:
        for path in sorted(Path(directory).rglob("*")):
            if path.suffix in {".py", ".html"}:
                digest.update(str(path.relative_to(directory)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def drawn_values(rows: Sequence, fields: Sequence[str]) -> list[tuple]:
    """The values a list fragment draws of each row (`fields` as dotted attribute paths): its cache
    key varies on them, so that any change to a row makes a new key."""
    paths = [field.split(".") for field in fields]
    drawn = []
    for row in rows:
        values = []
        for path in paths:
            value = row
            for name in path:  # a relation left empty (None) draws as None
                value = None if value is None else getattr(value, name)
            values.append(value)
        drawn.append(tuple(values))
    return drawn
