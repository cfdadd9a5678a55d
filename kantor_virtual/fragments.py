"""Rendered page fragments kept in Redis by Django's `{% cache %}` tag, and whole pages by
`kept_page`, keyed by what they draw.

A fragment's key covers every value it draws (`drawn_values`), so a cached fragment is never stale:
changed data makes a new key and the old entry simply expires unread. The cache's key prefix is a
digest of the code and templates (`release_fingerprint`), so a release never serves the markup of
the one before.
"""

import hashlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import django
from django.contrib import messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils import timezone


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


# A person asks a page again within minutes or not at that version at all: a short life bounds
# the memory whole pages take in Redis.
KEPT_PAGE_SECONDS = 15 * 60


def kept_page(request: HttpRequest, vary_on: Sequence, render: Callable[[], HttpResponse]) -> HttpResponse:
    """A whole page for one person, kept rendered under `vary_on` (every version and value it draws
    besides the person, the address and the day) with the fragments.

    The browser's CSRF secret is part of the key, so the token a kept page carries is valid for that
    browser and no other; a browser that has none yet gets a drawn page, which gives it one (a page
    kept under a secret just made would never be asked for again). A page with a message waiting,
    or answered to htmx, is drawn afresh too.
    """
    if (
        request.method != "GET"
        or "CSRF_COOKIE" not in request.META  # set by CsrfViewMiddleware from the browser's cookie
        or getattr(request, "htmx", False)
        or len(messages.get_messages(request))
    ):
        return render()
    user = request.user
    drawn = (
        request.get_full_path(),
        request.META["CSRF_COOKIE"],
        user.pk,
        user.get_full_name(),
        user.is_superuser,
        timezone.localdate(),
        *vary_on,
    )
    key = "halaman:" + hashlib.blake2b(repr(drawn).encode(), digest_size=16).hexdigest()
    store = caches["template_fragments"]
    content = store.get(key)
    if content is not None:
        return HttpResponse(content)
    response = render()
    if response.status_code == 200:
        store.set(key, response.content, KEPT_PAGE_SECONDS)
    return response
