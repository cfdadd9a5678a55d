"""The Content-Security-Policy, site-wide (here beside the letters it draws): on every response,
and nothing inline in what our pages draw.

Markup slipped into a page (a perihal, a name, a sanitiser's miss) cannot act when the browser runs
only scripts and styles served from our origin. The policy holds only if our own pages need nothing
else: every page a person opens is drawn here and read for inline script, style and handlers."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from organisasi.models import RoleGrant

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# WeasyPrint and mail readers read these, not a browser under our policy; the one of them a browser
# shows (a naskah's preview) carries its response's nonce, checked below.
NOT_BROWSER_TEMPLATES = {"pdf", "email"}
INLINE = re.compile(
    r"<style\b|\sstyle\s*=|<script\b(?![^>]*\bsrc=)|\son[a-z]+\s*=|javascript:", re.IGNORECASE
)


def _policy(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    return dict(part.strip().partition(" ")[::2] for part in header.split(";") if part.strip())


class _InlineFinder(HTMLParser):
    """What a page would run or style inline, the nonce'd elements set apart."""

    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.nonced: list[str] = []
        self._open_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") or name == "style" or "javascript:" in (value or "").lower():
                self.inline.append(f"<{tag} {name}={value!r}>")
        if tag in {"script", "style"} and "src" not in attributes:
            if "nonce" in attributes:
                self.nonced.append(attributes["nonce"])
            else:
                self.inline.append(f"<{tag} {attributes}>")


def _inline_of(response) -> _InlineFinder:
    finder = _InlineFinder()
    finder.feed(response.content.decode())
    return finder


def _assert_locked_down(response, *, framed_by="'none'") -> None:
    policy = _policy(response)
    assert policy.get("default-src") == "'self'", (response.request["PATH_INFO"], policy)
    assert policy["script-src"].startswith("'self'") and "unsafe" not in policy["script-src"]
    assert "unsafe" not in policy["style-src"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == framed_by
    assert policy["base-uri"] == "'self'" and policy["form-action"] == "'self'"


def test_no_page_template_has_inline_script_style_or_handler():
    offending = []
    for template in TEMPLATES.rglob("*.html"):
        if template.relative_to(TEMPLATES).parts[0] in NOT_BROWSER_TEMPLATES:
            continue
        for number, line in enumerate(template.read_text().splitlines(), start=1):
            if INLINE.search(line):
                offending.append(f"{template.relative_to(TEMPLATES)}:{number}: {line.strip()}")
    assert not offending, "\n".join(offending)


def _plain_routes(patterns, prefix="") -> list[str]:
    """Every address of the site that takes no argument: its lists, forms and public pages."""
    routes = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if pattern.pattern.regex.groups or not isinstance(pattern, URLPattern | URLResolver):
            continue
        if isinstance(pattern, URLResolver):
            routes += _plain_routes(pattern.url_patterns, route)
        elif not route.startswith("^"):
            routes.append("/" + route)
    return routes


@pytest.fixture
def spbe_admin_in_office(chain, grant_role, no_second_factor):
    """The Kepala Dinas as admin SPBE too: the person who can open the most pages."""
    grant_role(chain["kadis_user"], RoleGrant.Role.ADMIN)
    grant_role(chain["kadis_user"], RoleGrant.Role.OPERATOR, chain["kadis"].opd)
    return chain["kadis_user"]


def test_every_plain_page_carries_the_policy_and_runs_nothing_inline(client, spbe_admin_in_office):
    client.force_login(spbe_admin_in_office)
    pages = 0
    for route in _plain_routes(get_resolver().url_patterns):
        response = client.get(route)
        _assert_locked_down(response)
        if response.status_code == 200 and response.headers["Content-Type"].startswith("text/html"):
            pages += 1
            finder = _inline_of(response)
            assert not finder.inline, (route, finder.inline)
            assert set(finder.nonced) <= {_nonce_of(response)}, route
    assert pages > 40  # the lists, forms and public pages were drawn, not refused


def test_signed_out_visitor_and_an_unknown_address_get_the_policy_too(client, db):
    for route in ("/", "/masuk/", "/layanan/", "/lacak/", "/statistik/", "/tidak-ada/"):
        response = client.get(route)
        _assert_locked_down(response)
        assert not _inline_of(response).inline, route


def _nonce_of(response) -> str:
    found = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    return found.group(1) if found else ""


def test_the_editor_runs_its_import_map_by_the_responses_nonce_only(client, chain, no_second_factor):
    client.force_login(chain["staf_user"])
    first, second = (client.get(reverse("surat_keluar:new"), {"jenis": "internal_memo"}) for _ in range(2))
    for response in (first, second):
        finder = _inline_of(response)
        assert not finder.inline
        assert finder.nonced and set(finder.nonced) == {_nonce_of(response)}
        assert '<script type="importmap"' in response.content.decode()
    assert _nonce_of(first) != _nonce_of(second)


def test_framed_views_are_framed_by_our_origin_alone(client, chain, approved, register, no_second_factor):
    letter = approved()
    client.force_login(chain["staf_user"])
    preview = client.get(reverse("surat_keluar:preview", args=[letter.pk]))
    assert preview.status_code == 200
    _assert_locked_down(preview, framed_by="'self'")
    assert preview.headers["X-Frame-Options"] == "SAMEORIGIN"
    # The naskah's rules are the one style element, by nonce; no other style applies.
    assert _policy(preview)["style-src"] == f"'nonce-{_nonce_of(preview)}'"
    assert _inline_of(preview).nonced == [_nonce_of(preview)]

    incoming = register(opd=chain["kadis"].opd, to=[chain["staf"]])
    scan = incoming.files.first()
    response = client.get(reverse("persuratan:letter_file", args=[incoming.pk, scan.pk]))
    assert response.status_code == 200
    _assert_locked_down(response, framed_by="'self'")

    page = client.get(reverse("surat_keluar:letter", args=[letter.pk]))
    _assert_locked_down(page)
    assert page.headers["X-Frame-Options"] == "DENY"
